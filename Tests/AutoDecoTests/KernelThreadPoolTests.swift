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
