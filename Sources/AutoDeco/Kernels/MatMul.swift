/// Matrix-matrix product for prefill: Y[n, rows] = X[n, cols] · Wᵀ with W quantised.
///
/// Weight types with an integer kernel (Q4_0 … Q8_0, Q4_K … Q6_K at the AVX2 and VNNI levels,
/// `ck_matmul_supported`) keep their weights quantised: the n input rows are quantised to
/// 8-bit blocks as in the decode path, and panels of eight weight rows are multiplied with
/// all of them by integer SIMD (measured 1.7–2.1x faster than sgemm here, and numerically the
/// decode path's arithmetic, as llama.cpp's prefill is). Other types dequantise weight tiles
/// into a float buffer for OpenBLAS `sgemm`. Tiles and panels are split over the `ThreadPool`
/// with OpenBLAS itself kept single-threaded (`.pool`), or sgemm tiles run in order with
/// OpenBLAS threads (`.openBLAS`).
import CBLAS
import CKernels

public final class MatMul {
    public enum Threading: Sendable { case pool, openBLAS }

    public let pool: ThreadPool
    /// Weight rows dequantised per sgemm call.
    public let tileRows: Int
    /// How the work is spread over cores. Note OpenBLAS's thread count is process-wide.
    public var threading: Threading { didSet { configureBLAS() } }
    // threadCount tiles of tileRows × tileCols floats.
    private var tiles: UnsafeMutablePointer<Float>
    private var tileCols: Int
    // Quantised input rows, and one panel scratch per thread, for the integer kernel.
    private var activations: UnsafeMutableRawPointer
    private var activationBytes: Int
    private var panels: UnsafeMutableRawPointer
    private var panelBytes: Int
    /// Off: every type goes through sgemm (for comparisons).
    public var integerKernels = true

    public init(pool: ThreadPool, tileRows: Int = 64, maxCols: Int = 0, threading: Threading = .pool) {
        self.pool = pool
        self.tileRows = max(1, tileRows)
        self.threading = threading
        tileCols = max(0, maxCols)
        tiles = UnsafeMutablePointer<Float>.allocate(capacity: max(1, self.tileRows * tileCols * pool.threadCount))
        activationBytes = 64
        activations = UnsafeMutableRawPointer.allocate(byteCount: activationBytes, alignment: 64)
        panelBytes = Int(ck_matmul_scratch_bytes(Int64(max(0, maxCols))))
        panels = UnsafeMutableRawPointer.allocate(byteCount: panelBytes * pool.threadCount, alignment: 64)
        configureBLAS()
    }

    deinit {
        tiles.deallocate()
        activations.deallocate()
        panels.deallocate()
    }

    private func configureBLAS() {
        openblas_set_num_threads(threading == .pool ? 1 : Int32(pool.threadCount))
    }

    /// out[i * rows + r] = Σ_k x[i * cols + k] · W[r, k] for i in 0..<n, r in 0..<rows.
    /// `weights` holds `rows` rows of `cols` values of `type` (any type `canDequantize` accepts).
    public func multiply(_ weights: UnsafeRawPointer, _ type: GGMLType, rows: Int, cols: Int,
                         x: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>) throws(KernelError) {
        try multiply(weights, type, rows: rows, cols: cols, x: x, n: n, out: out, sameInput: false)
    }

    /// Several matrices with the same input (q/k/v, gate/up): for the integer kernels the
    /// input rows are quantised once per activation format, not once per matrix.
    public func multiply(_ jobs: [MatVec.Job], cols: Int, x: UnsafePointer<Float>, n: Int) throws(KernelError) {
        for (i, job) in jobs.enumerated() {
            try multiply(job.weights, job.type, rows: job.rows, cols: cols, x: x, n: n, out: job.out, sameInput: i > 0)
        }
    }

    // The activation format `activations` holds for the current input, if any.
    private var quantizedKind: Int32?

    private func multiply(_ weights: UnsafeRawPointer, _ type: GGMLType, rows: Int, cols: Int,
                          x: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>,
                          sameInput: Bool) throws(KernelError) {
        if !sameInput { quantizedKind = nil }
        guard canDequantize(type) else { throw .unsupportedType(type) }
        guard rows >= 0, n >= 0, cols > 0, let rowBytes = type.rowBytes(cols),
              rows <= Int(Int32.max), cols <= Int(Int32.max), n <= Int(Int32.max) else {
            throw .badShape(rows: rows, cols: cols, type: type)
        }
        if rows == 0 || n == 0 { return }
        if integerKernels && ck_matmul_supported(type.rawValue) != 0 {
            multiplyQuantized(weights, type, rows: rows, cols: cols, rowBytes: rowBytes, x: x, n: n, out: out)
            return
        }
        if type != .f32 && cols > tileCols {
            tiles.deallocate()
            tileCols = cols
            tiles = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * cols * pool.threadCount)
        }
        let tileCount = (rows + tileRows - 1) / tileRows
        let tileRows = self.tileRows, tiles = self.tiles
        let runTile = { (tile: Int, thread: Int) in
            let r0 = tile * tileRows
            let count = min(tileRows, rows - r0)
            let src = weights + r0 * rowBytes
            let b: UnsafePointer<Float>
            if type == .f32 {
                b = UnsafePointer(src.assumingMemoryBound(to: Float.self))
            } else {
                let buffer = tiles + thread * tileRows * cols
                for r in 0..<count {
                    dequantizeRow(type, src + r * rowBytes, buffer + r * cols, count: cols)
                }
                b = UnsafePointer(buffer)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(count), Int32(cols),
                        1, x, Int32(cols), b, Int32(cols), 0, out + r0, Int32(rows))
        }
        switch threading {
        case .pool:
            pool.parallelFor(tileCount) { range, thread in
                for tile in range { runTile(tile, thread) }
            }
        case .openBLAS:
            for tile in 0..<tileCount { runTile(tile, 0) }
        }
    }

    /// The integer path: quantise the n input rows (in parallel), then panels of eight weight
    /// rows over the threads. Each result depends on its row and column only, so the output
    /// does not depend on the thread count.
    private func multiplyQuantized(_ weights: UnsafeRawPointer, _ type: GGMLType, rows: Int, cols: Int, rowBytes: Int,
                                   x: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>) {
        let kind = ck_activation_kind(type.rawValue)
        let per = Int(ck_activation_bytes(kind, Int64(cols)))
        if per * n > activationBytes {
            quantizedKind = nil
            activations.deallocate()
            activationBytes = per * n
            activations = UnsafeMutableRawPointer.allocate(byteCount: activationBytes, alignment: 64)
        }
        let need = Int(ck_matmul_scratch_bytes(Int64(cols)))
        if need > panelBytes {
            panels.deallocate()
            panelBytes = need
            panels = UnsafeMutableRawPointer.allocate(byteCount: need * pool.threadCount, alignment: 64)
        }
        let acts = activations, panels = self.panels, panelBytes = self.panelBytes
        if quantizedKind != kind {
            quantizedKind = kind
            pool.parallelFor(n, minChunk: 8) { range, _ in
                for b in range {
                    let dst = acts + b * per
                    if kind == Int32(CK_ACT_Q8_256) {
                        ck_quantize_q8_256(x + b * cols, dst.assumingMemoryBound(to: ck_q8_256.self), Int64(cols))
                    } else {
                        ck_quantize_q8_32(x + b * cols, dst.assumingMemoryBound(to: ck_q8_32.self), Int64(cols))
                    }
                }
            }
        }
        let panelCount = (rows + 7) / 8
        pool.parallelFor(panelCount) { range, thread in
            ck_matmul(type.rawValue, weights, Int64(rowBytes), Int64(cols), UnsafeRawPointer(acts), Int64(per),
                      Int64(n), out, Int64(rows), Int64(rows), Int64(range.lowerBound), Int64(range.upperBound),
                      panels + thread * panelBytes)
        }
    }
}
