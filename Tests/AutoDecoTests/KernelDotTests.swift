// Quantised dot products, matrix-vector and matrix-matrix products against the gguf-py /
// numpy references, at every kernel level.
import XCTest
import CKernels
@testable import AutoDeco

final class KernelDotTests: XCTestCase {
    /// The activation quantisation must produce exactly the blocks numpy computes.
    func testActivationQuantizationMatchesNumpy() throws {
        let fx = try XCTUnwrap(KernelFixtures.shared)
        let x = fx.floats("x")
        var b32 = [ck_q8_32](repeating: ck_q8_32(), count: fx.cols / 32)
        var b256 = [ck_q8_256](repeating: ck_q8_256(), count: fx.cols / 256)
        ck_quantize_q8_32(x, &b32, Int64(fx.cols))
        ck_quantize_q8_256(x, &b256, Int64(fx.cols))
        let d32 = fx.floats("x_q8_32_d"), q32 = fx.int8s("x_q8_32_q")
        for (i, b) in b32.enumerated() {
            XCTAssertEqual(b.d.bitPattern, d32[i].bitPattern)
            let q = withUnsafeBytes(of: b.q) { Array($0.bindMemory(to: Int8.self)) }
            XCTAssertEqual(q, Array(q32[i * 32..<(i + 1) * 32]))
            XCTAssertEqual(b.s, b.d * Float(q.reduce(0) { $0 + Int($1) }))
        }
        let d256 = fx.floats("x_q8_256_d"), q256 = fx.int8s("x_q8_256_q")
        for (i, b) in b256.enumerated() {
            XCTAssertEqual(b.d.bitPattern, d256[i].bitPattern)
            let q = withUnsafeBytes(of: b.q) { Array($0.bindMemory(to: Int8.self)) }
            XCTAssertEqual(q, Array(q256[i * 256..<(i + 1) * 256]))
            let sums = withUnsafeBytes(of: b.bsums) { Array($0.bindMemory(to: Int16.self)) }
            for g in 0..<16 { XCTAssertEqual(Int(sums[g]), q[g * 16..<(g + 1) * 16].reduce(0) { $0 + Int($1) }) }
        }
    }

    /// Matrix-vector rows against two references:
    ///  - `dot_q`: dequantised row · the q8-rounded x (what the kernels compute exactly, up to
    ///    float32 summation order): tolerance 1e-5 of Σ|w·x|, a few hundred float32 roundings.
    ///  - `dot_f`: dequantised row · x: the kernels may differ by at most the activation
    ///    rounding, |Σ w_i (x_i - xq_i)| ≤ Σ |w_i| · d_block / 2, which is checked as a bound.
    func testMatVecAgainstReferences() throws {
        let fx = try XCTUnwrap(KernelFixtures.shared)
        let x = fx.floats("x")
        let pool = ThreadPool(threads: 1)
        let mv = MatVec(pool: pool, maxCols: fx.cols)
        try forEachKernelLevel { level in
            for name in fx.types {
                let type = try XCTUnwrap(ggmlType(named: name))
                XCTAssertTrue(MatVec.supports(type))
                let raw = fx.bytes("\(name)_raw"), deq = fx.floats("\(name)_deq")
                let refQ = fx.doubles("\(name)_dot_q"), refF = fx.doubles("\(name)_dot_f")
                var out = [Float](repeating: .nan, count: fx.rows)
                try raw.withUnsafeBytes { w in
                    try mv.multiply(w.baseAddress!, type, rows: fx.rows, cols: fx.cols, x: x, out: &out)
                }
                let block = type.blockSize == 256 ? 256 : 32
                let scales = block == 256 ? fx.floats("x_q8_256_d") : fx.floats("x_q8_32_d")
                let quantised = ![GGMLType.f32, .f16, .bf16, .q2_K, .q3_K].contains(type)
                var worstRel = 0.0
                for r in 0..<fx.rows {
                    var mag = 0.0, bound = 0.0
                    for c in 0..<fx.cols {
                        let w = Double(deq[r * fx.cols + c])
                        mag += abs(w * Double(x[c]))
                        if quantised { bound += abs(w) * Double(scales[c / block]) / 2 }
                    }
                    let got = Double(out[r])
                    XCTAssertLessThanOrEqual(abs(got - refQ[r]), 1e-5 * mag + 1e-6, "\(name) row \(r) level \(level)")
                    XCTAssertLessThanOrEqual(abs(got - refF[r]), bound * 1.0001 + 1e-5 * mag + 1e-6, "\(name) row \(r) level \(level)")
                    worstRel = max(worstRel, abs(got - refF[r]) / mag)
                }
                if level == KernelLevel.detected {
                    print(String(format: "  %@: max |dot - float dot| / Σ|w·x| = %.2e", name, worstRel))
                }
            }
        }
    }

    /// Every row of a matrix-vector product equals the single-row dot, and the result is
    /// bit-identical for 1 and 2 threads (a matrix large enough to be split).
    func testMatVecThreadCountIndependent() throws {
        let rows = 640, cols = 1024
        var rng = SplitMix(seed: 7)
        let x = (0..<cols).map { _ in Float(rng.nextDouble() * 2 - 1) }
        let one = ThreadPool(threads: 1), two = ThreadPool(threads: 2)
        XCTAssertEqual(two.threadCount, 2)
        try forEachKernelLevel { level in
            for type in [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K, .q3_K, .f16] {
                let w = randomWeights(type, rows: rows, cols: cols, rng: &rng)
                var a = [Float](repeating: 0, count: rows), b = a
                try w.withUnsafeBytes { p in
                    try MatVec(pool: one).multiply(p.baseAddress!, type, rows: rows, cols: cols, x: x, out: &a)
                    try MatVec(pool: two).multiply(p.baseAddress!, type, rows: rows, cols: cols, x: x, out: &b)
                    // Single-row dots with the same activation format.
                    let rowBytes = type.rowBytes(cols)!
                    let act = UnsafeMutableRawPointer.allocate(byteCount: Int(ck_activation_bytes(ck_activation_kind(type.rawValue), Int64(cols))), alignment: 64)
                    defer { act.deallocate() }
                    var scratch = [Float](repeating: 0, count: cols)
                    switch ck_activation_kind(type.rawValue) {
                    case Int32(CK_ACT_Q8_32): ck_quantize_q8_32(x, act.assumingMemoryBound(to: ck_q8_32.self), Int64(cols))
                    case Int32(CK_ACT_Q8_256): ck_quantize_q8_256(x, act.assumingMemoryBound(to: ck_q8_256.self), Int64(cols))
                    default: x.withUnsafeBytes { act.copyMemory(from: $0.baseAddress!, byteCount: cols * 4) }
                    }
                    for r in stride(from: 0, to: rows, by: 37) {
                        let d = ck_dot_row(type.rawValue, p.baseAddress! + r * rowBytes, Int64(cols), act, &scratch)
                        XCTAssertEqual(d.bitPattern, a[r].bitPattern, "\(type.name) row \(r)")
                    }
                }
                XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "\(type.name) level \(level): 1 vs 2 threads")
            }
        }
    }

    /// Several input vectors at once (batched decoding) give, vector by vector, bitwise the
    /// single-vector product, at every level, for counts that exercise full groups of
    /// CK_ROWS_NV (4) vectors, the 2- and 3-vector kernels and a single vector left over.
    func testMultiVectorProductIsBitwiseTheSingleProduct() throws {
        let rows = 96, cols = 512
        var rng = SplitMix(seed: 23)
        let mv = MatVec(pool: ThreadPool(threads: 2))
        try forEachKernelLevel { level in
            for type in [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K, .q3_K, .f16, .f32] {
                let w = randomWeights(type, rows: rows, cols: cols, rng: &rng)
                for count in [1, 2, 3, 4, 5, 6, 7, 10] {
                    let xs = (0..<count * cols).map { _ in Float(rng.nextDouble() * 4 - 2) }
                    var batched = [Float](repeating: .nan, count: count * rows)
                    try w.withUnsafeBytes { p in
                        try xs.withUnsafeBufferPointer { x in
                            try batched.withUnsafeMutableBufferPointer { out in
                                let job = MatVec.Job(weights: p.baseAddress!, type: type, rows: rows, out: out.baseAddress!)
                                try mv.multiply([job], cols: cols, x: x.baseAddress!, count: count)
                            }
                        }
                        for b in 0..<count {
                            var single = [Float](repeating: .nan, count: rows)
                            try mv.multiply(p.baseAddress!, type, rows: rows, cols: cols,
                                            x: Array(xs[b * cols..<(b + 1) * cols]), out: &single)
                            XCTAssertEqual(Array(batched[b * rows..<(b + 1) * rows]).map(\.bitPattern), single.map(\.bitPattern),
                                           "\(type.name) level \(level) vector \(b) of \(count)")
                        }
                    }
                }
            }
        }
    }

    /// A fused product of matrices of different types (split over the threads by bytes) gives
    /// every matrix bitwise its separate product, for any thread count.
    func testFusedMixedTypesAreBitwiseTheSeparateProducts() throws {
        let cols = 512
        var rng = SplitMix(seed: 29)
        let parts: [(GGMLType, Int)] = [(.q8_0, 301), (.f32, 77), (.q4_K, 150), (.q4_0, 5), (.f16, 64)]
        let weights = parts.map { randomWeights($0.0, rows: $0.1, cols: cols, rng: &rng) }
        let x = (0..<cols).map { _ in Float(rng.nextDouble() * 4 - 2) }
        for threads in [1, 2, 3] {
            let mv = MatVec(pool: ThreadPool(threads: threads))
            var outputs = parts.map { [Float](repeating: .nan, count: $0.1) }
            // Weights and outputs in buffers of their own, alive for the whole product.
            let held = weights.map { w -> UnsafeMutableRawPointer in
                let p = UnsafeMutableRawPointer.allocate(byteCount: w.count, alignment: 64)
                w.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: w.count) }
                return p
            }
            let outs = parts.map { UnsafeMutablePointer<Float>.allocate(capacity: $0.1) }
            defer { for p in held { p.deallocate() }; for p in outs { p.deallocate() } }
            let jobs = parts.indices.map { MatVec.Job(weights: held[$0], type: parts[$0].0, rows: parts[$0].1, out: outs[$0]) }
            try mv.multiply(jobs, cols: cols, x: x)
            for i in parts.indices { outputs[i] = Array(UnsafeBufferPointer(start: outs[i], count: parts[i].1)) }
            for (i, part) in parts.enumerated() {
                var single = [Float](repeating: .nan, count: part.1)
                try weights[i].withUnsafeBytes { try mv.multiply($0.baseAddress!, part.0, rows: part.1, cols: cols, x: x, out: &single) }
                XCTAssertEqual(outputs[i].map(\.bitPattern), single.map(\.bitPattern), "\(part.0.name), \(threads) threads")
            }
        }
    }

    /// The SIMD levels agree with the scalar level (same integer sums, different float order).
    func testSimdMatchesScalar() throws {
        guard KernelLevel.detected != .scalar else { throw XCTSkip("no SIMD level on this CPU") }
        let rows = 64, cols = 2048
        var rng = SplitMix(seed: 11)
        let x = (0..<cols).map { _ in Float(rng.nextDouble() * 4 - 2) }
        let mv = MatVec(pool: ThreadPool(threads: 1))
        for type in [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K, .f32, .f16, .bf16] {
            let w = randomWeights(type, rows: rows, cols: cols, rng: &rng)
            var results: [[Float]] = []
            try forEachKernelLevel { _ in
                var out = [Float](repeating: 0, count: rows)
                try w.withUnsafeBytes { try mv.multiply($0.baseAddress!, type, rows: rows, cols: cols, x: x, out: &out) }
                results.append(out)
            }
            // Tolerance relative to Σ|w·x| (the sums cancel, so |result| is no yardstick).
            let rowBytes = type.rowBytes(cols)!
            var deq = [Float](repeating: 0, count: cols)
            for r in 0..<rows {
                w.withUnsafeBytes { p in dequantizeRow(type, p.baseAddress! + r * rowBytes, &deq, count: cols) }
                let mag = zip(deq, x).reduce(Float(0)) { $0 + abs($1.0 * $1.1) }
                for other in results.dropFirst() {
                    XCTAssertEqual(other[r], results[0][r], accuracy: 1e-5 * mag, "\(type.name) row \(r)")
                }
            }
        }
    }

    /// The prefill matmul's sgemm path (dequantised tiles; KernelMatMulTests covers the
    /// integer path) agrees with the matrix-vector product
    /// row by row within 1e-4 relative: the only differences are the q8 activation rounding
    /// of the matvec path, so this compares float weights (F16, F32) exactly-ish, and the
    /// quantised types against a float matvec on their dequantised rows.
    func testMatMulMatchesMatVec() throws {
        let rows = 200, cols = 512, n = 5
        var rng = SplitMix(seed: 3)
        let x = (0..<(n * cols)).map { _ in Float(rng.nextDouble() * 2 - 1) }
        for threads in [1, 2] {
            let pool = ThreadPool(threads: threads)
            for threading in [MatMul.Threading.pool, .openBLAS] {
                let mm = MatMul(pool: pool, tileRows: 48, threading: threading)
                mm.integerKernels = false
                let mv = MatVec(pool: pool)
                for type in [GGMLType.q4_0, .q4_1, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K, .q2_K, .f16, .f32] {
                    let w = randomWeights(type, rows: rows, cols: cols, rng: &rng)
                    // Float copy of the weights, for the float matvec reference.
                    var wf = [Float](repeating: 0, count: rows * cols)
                    let rowBytes = type.rowBytes(cols)!
                    w.withUnsafeBytes { p in
                        wf.withUnsafeMutableBufferPointer { d in
                            for r in 0..<rows { dequantizeRow(type, p.baseAddress! + r * rowBytes, d.baseAddress! + r * cols, count: cols) }
                        }
                    }
                    var y = [Float](repeating: .nan, count: n * rows)
                    try w.withUnsafeBytes { try mm.multiply($0.baseAddress!, type, rows: rows, cols: cols, x: x, n: n, out: &y) }
                    for i in 0..<n {
                        var ref = [Float](repeating: 0, count: rows)
                        let xi = Array(x[i * cols..<(i + 1) * cols])
                        try wf.withUnsafeBytes { try mv.multiply($0.baseAddress!, .f32, rows: rows, cols: cols, x: xi, out: &ref) }
                        for r in 0..<rows {
                            var mag: Float = 0
                            for c in 0..<cols { mag += abs(wf[r * cols + c] * xi[c]) }
                            XCTAssertLessThanOrEqual(abs(y[i * rows + r] - ref[r]), 1e-4 * mag, "\(type.name) \(threading) t\(threads)")
                        }
                    }
                }
            }
        }
    }

    func testRejectsBadArguments() {
        let mv = MatVec(pool: ThreadPool(threads: 1))
        let w = [UInt8](repeating: 0, count: 1024)
        var out = [Float](repeating: 0, count: 4)
        let cases: [(GGMLType, Int)] = [(.q4_0, 48), (.i32, 32), (.q4_K, 32)]
        for (type, cols) in cases {
            let x = [Float](repeating: 0, count: cols)
            var threw = false
            do { try w.withUnsafeBytes { p in try mv.multiply(p.baseAddress!, type, rows: 1, cols: cols, x: x, out: &out) } }
            catch { threw = true }
            XCTAssertTrue(threw, "\(type.name) x \(cols)")
        }
    }
}

/// Deterministic test randomness.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Random valid weights: random bytes with the f16 scale fields set to sane values.
func randomWeights(_ type: GGMLType, rows: Int, cols: Int, rng: inout SplitMix) -> [UInt8] {
    let rowBytes = type.rowBytes(cols)!
    var bytes = (0..<(rows * rowBytes)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let count = rows * cols
    func setHalf(_ offset: Int, _ v: Float) {
        let h = Half.fromFloat(v)
        bytes[offset] = UInt8(h & 0xFF); bytes[offset + 1] = UInt8(h >> 8)
    }
    switch type {
    case .f32:
        bytes.withUnsafeMutableBytes { p in for i in 0..<count { p.storeBytes(of: Float(rng.nextDouble() * 2 - 1), toByteOffset: i * 4, as: Float.self) } }
        return bytes
    case .f16, .bf16:
        for i in 0..<count {
            let v = Float(rng.nextDouble() * 2 - 1)
            let h = type == .f16 ? Half.fromFloat(v) : UInt16(v.bitPattern >> 16)
            bytes[2 * i] = UInt8(h & 0xFF); bytes[2 * i + 1] = UInt8(h >> 8)
        }
        return bytes
    default: break
    }
    let fields: [Int]
    switch type {
    case .q4_0, .q5_0, .q8_0, .q4_K, .q5_K: fields = [0] + (type == .q4_K || type == .q5_K ? [2] : [])
    case .q4_1, .q5_1: fields = [0, 2]
    case .q2_K: fields = [80, 82]
    case .q3_K: fields = [108]
    case .q6_K: fields = [208]
    default: fields = []
    }
    for b in 0..<(count / type.blockSize) {
        for f in fields { setHalf(b * type.blockBytes + f, Float(rng.nextDouble() * 0.05 + 0.001)) }
    }
    return bytes
}
