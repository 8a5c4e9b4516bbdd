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
    // Quantised activation per format (index CK_ACT_Q8_32, CK_ACT_Q8_256); grown on demand,
    // never per call.
    private var activations: [UnsafeMutableRawPointer]
    private var activationBytes: [Int]
    // The same for several input vectors (`multiply(_:cols:x:count:)`), vector after vector.
    private var rowActivations: [UnsafeMutableRawPointer]
    private var rowActivationBytes: [Int]
    // One dequantisation row per thread (Q2_K/Q3_K only).
    private var scratch: UnsafeMutablePointer<Float>
    private var scratchCols: Int

    /// `maxCols` sizes the scratch buffers up front; larger inputs grow them once.
    public init(pool: ThreadPool, maxCols: Int = 0) {
        self.pool = pool
        let bytes = max(64, maxCols * 2)
        activationBytes = [bytes, bytes, bytes]
        activations = (0..<3).map { _ in UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64) }
        rowActivationBytes = [64, 64, 64]
        rowActivations = (0..<3).map { _ in UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64) }
        scratchCols = max(0, maxCols)
        scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchCols * pool.threadCount))
    }

    deinit {
        for a in activations { a.deallocate() }
        for a in rowActivations { a.deallocate() }
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

    /// One matrix of a fused product (`multiply(_:cols:x:)`): `rows` rows of `type` at
    /// `weights`, results to `out[0..<rows]`.
    public struct Job {
        public var weights: UnsafeRawPointer
        public var type: GGMLType
        public var rows: Int
        public var out: UnsafeMutablePointer<Float>
        public init(weights: UnsafeRawPointer, type: GGMLType, rows: Int, out: UnsafeMutablePointer<Float>) {
            self.weights = weights; self.type = type; self.rows = rows; self.out = out
        }
        /// The whole of `matrix`, results to `out`.
        public init(_ matrix: WeightMatrix, out: UnsafeMutablePointer<Float>) {
            self.init(weights: matrix.data, type: matrix.type, rows: matrix.rows, out: out)
        }
    }

    /// Several matrices with the same input (q/k/v, or gate/up) in one parallel pass: x is
    /// quantised once per format and the threads are woken once. Results are identical to
    /// separate `multiply` calls. Keep the `jobs` array in reusable state to avoid allocation.
    ///
    /// The rows are split over the threads by their bytes, not their count: matrices of
    /// different types (the AutoDeco heads' float rows beside quantised logits rows) would
    /// otherwise leave one thread with a heavier share.
    public func multiply(_ jobs: [Job], cols: Int, x: UnsafePointer<Float>) throws(KernelError) {
        var totalBytes = 0, preparedKinds = 0  // bit k: format k is ready
        for job in jobs {
            let kind = ck_activation_kind(job.type.rawValue)
            guard kind >= 0 else { throw .unsupportedType(job.type) }
            guard job.rows >= 0, cols > 0, job.type.rowBytes(cols) != nil, cols % job.type.blockSize == 0,
                  kind != Int32(CK_ACT_Q8_256) || cols % 256 == 0, kind != Int32(CK_ACT_Q8_32) || cols % 32 == 0 else {
                throw .badShape(rows: job.rows, cols: cols, type: job.type)
            }
            if preparedKinds & (1 << Int(kind)) == 0 || job.type == .q2_K || job.type == .q3_K {
                _ = prepare(x, cols: cols, kind: kind, type: job.type)
                preparedKinds |= 1 << Int(kind)
            }
            totalBytes += job.rows * (job.type.rowBytes(cols) ?? 0)
        }
        let act32 = UnsafeRawPointer(activations[Int(CK_ACT_Q8_32)])
        let act256 = UnsafeRawPointer(activations[Int(CK_ACT_Q8_256)])
        let scratch = self.scratch, scratchCols = self.scratchCols, n = Int64(cols)
        // The weights, all matrices end to end, in units of 256 bytes; a range of units runs
        // the rows that start inside it, so every row runs on exactly one thread.
        let unit = 256
        pool.parallelFor((totalBytes + unit - 1) / unit, minChunk: 64) { range, thread in
            let lo = range.lowerBound * unit, hi = range.upperBound * unit
            var first = 0   // byte offset of the job's first row
            for job in jobs {
                let rowBytes = job.type.rowBytes(cols) ?? 0
                let size = job.rows * rowBytes
                if rowBytes > 0 && lo < first + size && hi > first {
                    let r0 = lo <= first ? 0 : (lo - first + rowBytes - 1) / rowBytes
                    let r1 = min(job.rows, (hi - first + rowBytes - 1) / rowBytes)
                    if r0 < r1 {
                        let kind = ck_activation_kind(job.type.rawValue)
                        let act = kind == Int32(CK_ACT_Q8_32) ? act32 : kind == Int32(CK_ACT_Q8_256) ? act256 : UnsafeRawPointer(x)
                        ck_matvec(job.type.rawValue, job.weights, Int64(rowBytes), n, act, job.out,
                                  Int64(r0), Int64(r1), scratch + thread * scratchCols)
                    }
                }
                first += size
            }
        }
    }

    /// `multiply(_:cols:x:)` for `count` input vectors at once (x is [count][cols]; job j's
    /// results for vector b go to `out + b * rows`): one pass over the weights, each row
    /// dotted with every vector by the same row kernel, so vector b's results are bitwise
    /// those of a `multiply` on it alone. Several sequences decoding in lockstep use this.
    public func multiply(_ jobs: [Job], cols: Int, x: UnsafePointer<Float>, count: Int) throws(KernelError) {
        guard count > 0 else { return }
        var total = 0, preparedKinds = 0
        for job in jobs {
            let kind = ck_activation_kind(job.type.rawValue)
            guard kind >= 0 else { throw .unsupportedType(job.type) }
            guard job.rows >= 0, cols > 0, job.type.rowBytes(cols) != nil, cols % job.type.blockSize == 0,
                  kind != Int32(CK_ACT_Q8_256) || cols % 256 == 0, kind != Int32(CK_ACT_Q8_32) || cols % 32 == 0 else {
                throw .badShape(rows: job.rows, cols: cols, type: job.type)
            }
            if preparedKinds & (1 << Int(kind)) == 0 || job.type == .q2_K || job.type == .q3_K {
                prepareRows(x, cols: cols, count: count, kind: kind, type: job.type)
                preparedKinds |= 1 << Int(kind)
            }
            total += job.rows
        }
        let act32 = UnsafeRawPointer(rowActivations[Int(CK_ACT_Q8_32)])
        let act256 = UnsafeRawPointer(rowActivations[Int(CK_ACT_Q8_256)])
        let stride32 = ck_activation_bytes(Int32(CK_ACT_Q8_32), Int64(cols))
        let stride256 = ck_activation_bytes(Int32(CK_ACT_Q8_256), Int64(cols))
        let scratch = self.scratch, scratchCols = self.scratchCols, n = Int64(cols), c = Int64(count)
        pool.parallelFor(total, minChunk: max(1, 16 / count)) { range, thread in
            var first = 0
            for job in jobs {
                let lo = max(range.lowerBound, first), hi = min(range.upperBound, first + job.rows)
                if lo < hi {
                    let stride = Int64(job.type.rowBytes(cols) ?? 0)
                    let kind = ck_activation_kind(job.type.rawValue)
                    let (act, actStride): (UnsafeRawPointer, Int64) =
                        kind == Int32(CK_ACT_Q8_32) ? (act32, stride32)
                        : kind == Int32(CK_ACT_Q8_256) ? (act256, stride256) : (UnsafeRawPointer(x), n * 4)
                    ck_matvec_rows(job.type.rawValue, job.weights, stride, n, act, actStride, c, job.out,
                                   Int64(job.rows), Int64(lo - first), Int64(hi - first),
                                   scratch + thread * scratchCols)
                }
                first += job.rows
            }
        }
    }

    /// Quantises each of the `count` rows of x into `rowActivations[kind]`, one after another.
    private func prepareRows(_ x: UnsafePointer<Float>, cols: Int, count: Int, kind: Int32, type: GGMLType) {
        let per = Int(ck_activation_bytes(kind, Int64(cols)))
        let k = Int(kind)
        if per * count > rowActivationBytes[k] {
            rowActivations[k].deallocate()
            rowActivationBytes[k] = per * count
            rowActivations[k] = UnsafeMutableRawPointer.allocate(byteCount: per * count, alignment: 64)
        }
        if (type == .q2_K || type == .q3_K) && cols > scratchCols {
            scratch.deallocate()
            scratchCols = cols
            scratch = UnsafeMutablePointer<Float>.allocate(capacity: cols * pool.threadCount)
        }
        for b in 0..<count {
            let dst = rowActivations[k] + b * per
            switch kind {
            case Int32(CK_ACT_Q8_32):
                ck_quantize_q8_32(x + b * cols, dst.assumingMemoryBound(to: ck_q8_32.self), Int64(cols))
            case Int32(CK_ACT_Q8_256):
                ck_quantize_q8_256(x + b * cols, dst.assumingMemoryBound(to: ck_q8_256.self), Int64(cols))
            default:
                break   // float weights read x itself
            }
        }
    }

    /// Quantises (or copies) x into the activation buffer in the format `kind` needs.
    private func prepare(_ x: UnsafePointer<Float>, cols: Int, kind: Int32, type: GGMLType) -> UnsafeRawPointer {
        let need = Int(ck_activation_bytes(kind, Int64(cols)))
        let k = Int(kind)
        if need > activationBytes[k] {
            activations[k].deallocate()
            activationBytes[k] = need
            activations[k] = UnsafeMutableRawPointer.allocate(byteCount: need, alignment: 64)
        }
        if (type == .q2_K || type == .q3_K) && cols > scratchCols {
            scratch.deallocate()
            scratchCols = cols
            scratch = UnsafeMutablePointer<Float>.allocate(capacity: cols * pool.threadCount)
        }
        switch kind {
        case Int32(CK_ACT_Q8_32):
            ck_quantize_q8_32(x, activations[k].assumingMemoryBound(to: ck_q8_32.self), Int64(cols))
            return UnsafeRawPointer(activations[k])
        case Int32(CK_ACT_Q8_256):
            ck_quantize_q8_256(x, activations[k].assumingMemoryBound(to: ck_q8_256.self), Int64(cols))
            return UnsafeRawPointer(activations[k])
        default:
            return UnsafeRawPointer(x)
        }
    }
}
