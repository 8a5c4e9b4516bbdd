/// Matrix-matrix product for prefill: Y[n, rows] = X[n, cols] · Wᵀ with W quantised.
/// Weight rows are dequantised a tile at a time into a float scratch buffer and multiplied
/// with OpenBLAS `sgemm` (prefill is compute bound, so the dequantisation cost is amortised
/// over the n input rows). Tiles are split over the `ThreadPool` with OpenBLAS itself kept
/// single-threaded (`.pool`), or run in order with OpenBLAS threads (`.openBLAS`).
import CBLAS

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

    public init(pool: ThreadPool, tileRows: Int = 64, maxCols: Int = 0, threading: Threading = .pool) {
        self.pool = pool
        self.tileRows = max(1, tileRows)
        self.threading = threading
        tileCols = max(0, maxCols)
        tiles = UnsafeMutablePointer<Float>.allocate(capacity: max(1, self.tileRows * tileCols * pool.threadCount))
        configureBLAS()
    }

    deinit { tiles.deallocate() }

    private func configureBLAS() {
        openblas_set_num_threads(threading == .pool ? 1 : Int32(pool.threadCount))
    }

    /// out[i * rows + r] = Σ_k x[i * cols + k] · W[r, k] for i in 0..<n, r in 0..<rows.
    /// `weights` holds `rows` rows of `cols` values of `type` (any type `canDequantize` accepts).
    public func multiply(_ weights: UnsafeRawPointer, _ type: GGMLType, rows: Int, cols: Int,
                         x: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>) throws(KernelError) {
        guard canDequantize(type) else { throw .unsupportedType(type) }
        guard rows >= 0, n >= 0, cols > 0, let rowBytes = type.rowBytes(cols),
              rows <= Int(Int32.max), cols <= Int(Int32.max), n <= Int(Int32.max) else {
            throw .badShape(rows: rows, cols: cols, type: type)
        }
        if rows == 0 || n == 0 { return }
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
}
