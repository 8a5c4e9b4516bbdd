// Timings of the decode and prefill kernels. Skipped unless AUTODECO_BENCH=1; run with
//   AUTODECO_BENCH=1 swift test -c release --filter KernelBenchmark
import XCTest
import Foundation
@testable import AutoDeco

final class KernelBenchmarkTests: XCTestCase {
    private func skipUnlessEnabled() throws {
        if ProcessInfo.processInfo.environment["AUTODECO_BENCH"] != "1" { throw XCTSkip("set AUTODECO_BENCH=1") }
    }

    private func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Fastest of `runs` means of `inner` calls, in µs (the machine is shared: the minimum is
    /// the least disturbed sample).
    private func measure(runs: Int = 15, inner: Int = 20, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<inner { try body() }
        var samples: [Double] = []
        for _ in 0..<runs {
            let t0 = now()
            for _ in 0..<inner { try body() }
            samples.append((now() - t0) / Double(inner) * 1e6)
        }
        return samples.min() ?? 0
    }

    func testBenchmarkMatVec() throws {
        try skipUnlessEnabled()
        let rows = 4864, cols = 896
        var rng = SplitMix(seed: 1)
        let x = (0..<cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
        var out = [Float](repeating: 0, count: rows)
        let pools = [ThreadPool(threads: 1), ThreadPool(threads: 2)]
        var lines: [String] = []
        for type in [GGMLType.q4_0, .q4_1, .q5_0, .q8_0, .f16] {
            let w = randomWeights(type, rows: rows, cols: cols, rng: &rng)
            try forEachKernelLevel { level in
                var cells: [String] = []
                for pool in pools {
                    let mv = MatVec(pool: pool, maxCols: cols)
                    let us = try w.withUnsafeBytes { p in
                        try measure { try mv.multiply(p.baseAddress!, type, rows: rows, cols: cols, x: x, out: &out) }
                    }
                    cells.append(String(format: "%4d thr: %7.1f µs", pool.threadCount, us))
                }
                lines.append("\(type.name) \(rows)x\(cols) \(level): " + cells.joined(separator: "  "))
            }
        }
        // K-quants need 256-multiple columns: Qwen's 896 is not, so use 4864 x 1024 here.
        for type in [GGMLType.q4_K, .q5_K, .q6_K] {
            let kc = 1024
            let xk = (0..<kc).map { _ in Float(rng.nextDouble() * 2 - 1) }
            let w = randomWeights(type, rows: rows, cols: kc, rng: &rng)
            try forEachKernelLevel { level in
                var cells: [String] = []
                for pool in pools {
                    let mv = MatVec(pool: pool, maxCols: kc)
                    let us = try w.withUnsafeBytes { p in
                        try measure { try mv.multiply(p.baseAddress!, type, rows: rows, cols: kc, x: xk, out: &out) }
                    }
                    cells.append(String(format: "%4d thr: %7.1f µs", pool.threadCount, us))
                }
                lines.append("\(type.name) \(rows)x\(kc) \(level): " + cells.joined(separator: "  "))
            }
        }
        // A small decode matrix (SmolLM2's 576 x 576 q/o projections): dominated by the
        // per-call cost (activation quantisation, waking the pool).
        let small = randomWeights(.q8_0, rows: 576, cols: 576, rng: &rng)
        let xs = Array(x[0..<576])
        var cells: [String] = []
        for pool in pools {
            let mv = MatVec(pool: pool, maxCols: 576)
            let us = try small.withUnsafeBytes { p in
                try measure(inner: 200) { try mv.multiply(p.baseAddress!, .q8_0, rows: 576, cols: 576, x: xs, out: &out) }
            }
            cells.append(String(format: "%4d thr: %7.1f µs", pool.threadCount, us))
        }
        lines.append("Q8_0 576x576 \(KernelLevel.current): " + cells.joined(separator: "  "))
        print(lines.joined(separator: "\n"))
    }

    func testBenchmarkMatMul() throws {
        try skipUnlessEnabled()
        let rows = 4864, cols = 896, n = 128
        var rng = SplitMix(seed: 2)
        let x = (0..<(n * cols)).map { _ in Float(rng.nextDouble() * 2 - 1) }
        var out = [Float](repeating: 0, count: n * rows)
        let w = randomWeights(.q4_0, rows: rows, cols: cols, rng: &rng)
        for threads in [1, 2] {
            let pool = ThreadPool(threads: threads)
            for threading in [MatMul.Threading.pool, .openBLAS] {
                for tile in [32, 64, 128] {
                    let mm = MatMul(pool: pool, tileRows: tile, maxCols: cols, threading: threading)
                    let us = try w.withUnsafeBytes { p in
                        try measure(runs: 5, inner: 2) { try mm.multiply(p.baseAddress!, .q4_0, rows: rows, cols: cols, x: x, n: n, out: &out) }
                    }
                    let gflops = 2.0 * Double(n * rows * cols) / us / 1e3
                    print(String(format: "matmul Q4_0 %dx%d n=%d threads=%d %@ tile=%d: %8.0f µs (%.1f GFLOP/s)",
                                 rows, cols, n, threads, "\(threading)", tile, us, gflops))
                }
            }
        }
    }
}
