// ThreadPool: every index exactly once, jobs right after creation, sleeping workers wake up,
// nested calls run serially instead of deadlocking.
import XCTest
import Glibc
@testable import AutoDeco

final class KernelThreadPoolTests: XCTestCase {
    func testEveryIndexExactlyOnce() {
        for threads in [1, 2, 3] {
            // A fresh pool used at once: a job may be published before the workers first run.
            for _ in 0..<20 {
                let pool = ThreadPool(threads: threads)
                let count = 1000
                let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
                hits.initialize(repeating: 0, count: count)
                defer { hits.deallocate() }
                pool.parallelFor(count) { range, thread in
                    XCTAssertLessThan(thread, pool.threadCount)
                    for i in range { hits[i] += 1 }
                }
                XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 })
            }
        }
    }

    func testManyJobsAndSleepingWorkers() {
        let pool = ThreadPool(threads: 2, spinIterations: 10)
        let out = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        defer { out.deallocate() }
        for job in 0..<2000 {
            pool.parallelFor(64) { range in for i in range { out[i] = job + i } }
            XCTAssertEqual(out[63], job + 63)
            if job % 500 == 0 { usleep(2000) }  // let the workers fall asleep on the futex
        }
    }

    /// A worker that never gets its core (held) must not hold up a job: the caller claims
    /// every chunk itself. When the worker is let go it must not run (or skip) chunks of jobs
    /// that are over, and it joins later jobs normally.
    func testJobsCompleteWhileWorkerIsStalled() {
        let pool = ThreadPool(threads: 2, spinIterations: 100)
        let count = 4096
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
        let byWorker = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        defer { hits.deallocate(); byWorker.deallocate() }
        func runJobs(_ n: Int) {
            for _ in 0..<n {
                hits.initialize(repeating: 0, count: count)
                pool.parallelFor(count) { range, thread in
                    if thread != 0 { byWorker.pointee += range.count }
                    for i in range { hits[i] += 1 }
                }
                XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 })
            }
        }
        pool.holdWorkers(true)
        byWorker.pointee = 0
        runJobs(500)
        XCTAssertEqual(byWorker.pointee, 0, "a held worker ran work")
        pool.holdWorkers(false)
        // The released worker wakes up holding a stale generation, then takes part again.
        runJobs(2000)
        // A generous bound, not a timing test: with the worker stalled a 1000-job loop of
        // tiny jobs must not take anywhere near a scheduler time slice per job.
        pool.holdWorkers(true)
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        for _ in 0..<1000 { pool.parallelFor(64) { _ in } }
        clock_gettime(CLOCK_MONOTONIC, &t1)
        pool.holdWorkers(false)
        let seconds = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
        XCTAssertLessThan(seconds, 2.0)
    }

    func testNestedCallRunsSerially() {
        let pool = ThreadPool(threads: 2)
        let total = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        total.initialize(repeating: 0, count: 8)
        defer { total.deallocate() }
        pool.parallelFor(8) { range in
            for i in range { pool.parallelFor(10) { inner in total[i] += inner.count } }
        }
        XCTAssertTrue((0..<8).allSatisfy { total[$0] == 10 })
    }
}

final class KernelFusedMatVecTests: XCTestCase {
    /// Fused q/k/v-style products equal separate calls bit for bit, with mixed formats.
    func testFusedEqualsSeparate() throws {
        let cols = 512
        var rng = SplitMix(seed: 5)
        let x = (0..<cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
        let specs: [(GGMLType, Int)] = [(.q4_K, 96), (.q5_0, 33), (.q6_K, 70), (.f16, 17), (.q3_K, 9)]
        let weights = specs.map { randomWeights($0.0, rows: $0.1, cols: cols, rng: &rng) }
        for threads in [1, 2] {
            let mv = MatVec(pool: ThreadPool(threads: threads))
            var separate: [[Float]] = []
            for (i, (type, rows)) in specs.enumerated() {
                var out = [Float](repeating: 0, count: rows)
                try weights[i].withUnsafeBytes { try mv.multiply($0.baseAddress!, type, rows: rows, cols: cols, x: x, out: &out) }
                separate.append(out)
            }
            let outs = specs.map { UnsafeMutablePointer<Float>.allocate(capacity: $0.1) }
            defer { outs.forEach { $0.deallocate() } }
            var jobs: [MatVec.Job] = []
            for (i, (type, rows)) in specs.enumerated() {
                jobs.append(MatVec.Job(weights: weights[i].withUnsafeBytes { $0.baseAddress! }, type: type, rows: rows, out: outs[i]))
            }
            // The arrays outlive the call; the pointers above stay valid while `weights` lives.
            try withExtendedLifetime(weights) {
                try x.withUnsafeBufferPointer { try mv.multiply(jobs, cols: cols, x: $0.baseAddress!) }
            }
            for (i, (_, rows)) in specs.enumerated() {
                XCTAssertEqual(Array(UnsafeBufferPointer(start: outs[i], count: rows)).map(\.bitPattern),
                               separate[i].map(\.bitPattern), "job \(i) threads \(threads)")
            }
        }
    }
}
