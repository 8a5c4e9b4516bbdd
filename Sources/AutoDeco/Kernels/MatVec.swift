/// Matrix-vector product on quantised weights, the decode path: out[r] = W[r, :] · x.
///
/// x is quantised once per call to 8-bit blocks (32 values for Q4_0…Q8_0, 256 for the
/// K-quants), then every row is an integer SIMD dot product, as in llama.cpp's q8 path.
/// F32/F16/BF16 weights use float dots; Q2_K/Q3_K dequantise each row, then a float dot.
/// Rows are split over a `ThreadPool`; each row is computed by one thread with the same
/// arithmetic, so results do not depend on the thread count.
import CKernels

/// Not thread-safe: one `MatVec` per context (it owns the activation and scratch buffers).
public final class MatVec {
    public let pool: ThreadPool
    // Quantised (or copied) activation; grown on demand, never per call.
    private var activation: UnsafeMutableRawPointer
    private var activationBytes: Int
    // One dequantisation row per thread (Q2_K/Q3_K only).
    private var scratch: UnsafeMutablePointer<Float>
    private var scratchCols: Int

    /// `maxCols` sizes the scratch buffers up front; larger inputs grow them once.
    public init(pool: ThreadPool, maxCols: Int = 0) {
        self.pool = pool
        activationBytes = max(64, maxCols * 4)
        activation = UnsafeMutableRawPointer.allocate(byteCount: activationBytes, alignment: 64)
        scratchCols = max(0, maxCols)
        scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchCols * pool.threadCount))
    }

    deinit {
        activation.deallocate()
        scratch.deallocate()
    }

    /// Whether `type` has a matrix-vector kernel.
    public static func supports(_ type: GGMLType) -> Bool { ck_activation_kind(type.rawValue) >= 0 }

    /// out[r] = W[r, :] · x for r in 0..<rows. `weights` holds `rows` rows of `cols` values of
    /// `type`, each `type.rowBytes(cols)` bytes; `x` has `cols` floats, `out` room for `rows`.
    public func multiply(_ weights: UnsafeRawPointer, _ type: GGMLType, rows: Int, cols: Int,
                         x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) throws(KernelError) {
        let kind = ck_activation_kind(type.rawValue)
        guard kind >= 0 else { throw .unsupportedType(type) }
        guard rows >= 0, cols > 0, let rowBytes = type.rowBytes(cols),
              kind != Int32(CK_ACT_Q8_256) || cols % 256 == 0,
              kind != Int32(CK_ACT_Q8_32) || cols % 32 == 0 else {
            throw .badShape(rows: rows, cols: cols, type: type)
        }
        let act = prepare(x, cols: cols, kind: kind, type: type)
        let scratch = self.scratch, scratchCols = self.scratchCols
        let n = Int64(cols), stride = Int64(rowBytes), raw = type.rawValue
        // About 16 KB of weights per hand-off keeps the chunks few but the threads balanced.
        let minChunk = max(1, 16_384 / max(1, rowBytes))
        pool.parallelFor(rows, minChunk: minChunk) { range, thread in
            let slot = scratch + thread * scratchCols
            ck_matvec(raw, weights, stride, n, act, out, Int64(range.lowerBound), Int64(range.upperBound), slot)
        }
    }

    /// [Float] convenience form of `multiply`.
    public func multiply(_ weights: UnsafeRawPointer, _ type: GGMLType, rows: Int, cols: Int,
                         x: [Float], out: inout [Float]) throws(KernelError) {
        guard x.count >= cols, out.count >= rows else { throw .badShape(rows: rows, cols: cols, type: type) }
        try x.withUnsafeBufferPointer { (xp) throws(KernelError) in
            try out.withUnsafeMutableBufferPointer { (op) throws(KernelError) in
                guard let xb = xp.baseAddress, let ob = op.baseAddress else { return }
                try multiply(weights, type, rows: rows, cols: cols, x: xb, out: ob)
            }
        }
    }

    /// Quantises (or copies) x into the activation buffer in the format `kind` needs.
    private func prepare(_ x: UnsafePointer<Float>, cols: Int, kind: Int32, type: GGMLType) -> UnsafeRawPointer {
        let need = Int(ck_activation_bytes(kind, Int64(cols)))
        if need > activationBytes {
            activation.deallocate()
            activationBytes = need
            activation = UnsafeMutableRawPointer.allocate(byteCount: need, alignment: 64)
        }
        if (type == .q2_K || type == .q3_K) && cols > scratchCols {
            scratch.deallocate()
            scratchCols = cols
            scratch = UnsafeMutablePointer<Float>.allocate(capacity: cols * pool.threadCount)
        }
        switch kind {
        case Int32(CK_ACT_Q8_32):
            ck_quantize_q8_32(x, activation.assumingMemoryBound(to: ck_q8_32.self), Int64(cols))
            return UnsafeRawPointer(activation)
        case Int32(CK_ACT_Q8_256):
            ck_quantize_q8_256(x, activation.assumingMemoryBound(to: ck_q8_256.self), Int64(cols))
            return UnsafeRawPointer(activation)
        default:
            return UnsafeRawPointer(x)
        }
    }
}
