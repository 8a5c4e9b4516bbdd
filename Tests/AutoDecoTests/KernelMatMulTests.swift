import XCTest
import CKernels
@testable import AutoDeco

/// The integer matrix-matrix kernel (prefill) against the matrix-vector kernel (decode) it
/// must agree with, and against sgemm on the dequantised weights.
final class KernelMatMulTests: XCTestCase {
    static let types: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    /// Every column of the product equals the matrix-vector product of that column to float
    /// rounding (the integer sums are exact; only the float grouping differs), for row counts
    /// that leave a short last panel and column counts that leave a short last group of four.
    func testMatchesMatVecPerColumn() throws {
        var rng = SplitMix(seed: 31)
        let pool = ThreadPool(threads: 2)
        var covered = Set<String>()
        try forEachKernelLevel { level in
            for type in Self.types where ck_matmul_supported(type.rawValue) != 0 {
                covered.insert(type.name)
                let cols = 512
                for (rows, count) in [(8, 4), (37, 5), (96, 11)] {
                    let w = randomWeights(type, rows: rows, cols: cols, rng: &rng)
                    let xs = (0..<count * cols).map { _ in Float(rng.nextDouble() * 4 - 2) }
                    var mm = [Float](repeating: .nan, count: count * rows)
                    try w.withUnsafeBytes { p in
                        let matMul = MatMul(pool: pool, maxCols: cols)
                        try xs.withUnsafeBufferPointer { x in
                            try mm.withUnsafeMutableBufferPointer { out in
                                try matMul.multiply(p.baseAddress!, type, rows: rows, cols: cols, x: x.baseAddress!,
                                                    n: count, out: out.baseAddress!)
                            }
                        }
                        let mv = MatVec(pool: pool)
                        let deq = dequantize(p.baseAddress!, type, rows: rows, cols: cols)
                        for b in 0..<count {
                            let x = Array(xs[b * cols..<(b + 1) * cols])
                            var single = [Float](repeating: .nan, count: rows)
                            try mv.multiply(p.baseAddress!, type, rows: rows, cols: cols, x: x, out: &single)
                            for r in 0..<rows {
                                var mag = 0.0
                                for c in 0..<cols { mag += abs(Double(deq[r * cols + c]) * Double(x[c])) }
                                XCTAssertLessThanOrEqual(abs(Double(mm[b * rows + r]) - Double(single[r])), 1e-5 * mag + 1e-6,
                                                         "\(type.name) level \(level) rows \(rows) column \(b) row \(r)")
                            }
                        }
                    }
                }
            }
        }
        // Every type has the integer kernel at the AVX2 and VNNI levels; the scalar level has
        // none (sgemm runs instead).
        if KernelLevel.detected != .scalar { XCTAssertEqual(covered.count, Self.types.count) }
    }

    /// The integer path stays within the 8-bit activation quantisation error of sgemm on the
    /// dequantised weights, and gives bitwise the same output on 1 and 2 threads.
    func testAgreesWithSgemmAndIsThreadCountIndependent() throws {
        var rng = SplitMix(seed: 5)
        let rows = 200, cols = 768, count = 19
        let xs = (0..<count * cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
        for type in Self.types where ck_matmul_supported(type.rawValue) != 0 {
            let w = randomWeights(type, rows: rows, cols: type.blockSize == 256 ? 1024 : cols, rng: &rng)
            let n = type.blockSize == 256 ? 1024 : cols
            let x = type.blockSize == 256 ? (0..<count * n).map { _ in Float(rng.nextDouble() * 2 - 1) } : xs
            func run(threads: Int, integer: Bool) throws -> [Float] {
                let m = MatMul(pool: ThreadPool(threads: threads), maxCols: n)
                m.integerKernels = integer
                var out = [Float](repeating: .nan, count: count * rows)
                try w.withUnsafeBytes { p in
                    try x.withUnsafeBufferPointer { xp in
                        try out.withUnsafeMutableBufferPointer { o in
                            try m.multiply(p.baseAddress!, type, rows: rows, cols: n, x: xp.baseAddress!, n: count, out: o.baseAddress!)
                        }
                    }
                }
                return out
            }
            let one = try run(threads: 1, integer: true), two = try run(threads: 2, integer: true)
            XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern), "\(type.name): 1 vs 2 threads")
            let float = try run(threads: 2, integer: false)
            var worst = 0.0, scale = 0.0
            for i in 0..<one.count {
                worst = max(worst, Double(abs(one[i] - float[i])))
                scale = max(scale, Double(abs(float[i])))
            }
            // 8-bit activations: about 1/254 of each block's largest |x| per element, which
            // averages out over the row; 2% of the largest output is far above that and far
            // below a wrong code, scale or zero point.
            XCTAssertLessThan(worst, 0.02 * scale, "\(type.name)")
            XCTAssertGreaterThan(scale, 0)
        }
    }

    private func dequantize(_ p: UnsafeRawPointer, _ type: GGMLType, rows: Int, cols: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * cols)
        let rowBytes = type.rowBytes(cols)!
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<rows { ck_dequantize_row(type.rawValue, p + r * rowBytes, o.baseAddress! + r * cols, Int64(cols)) }
        }
        return out
    }
}
