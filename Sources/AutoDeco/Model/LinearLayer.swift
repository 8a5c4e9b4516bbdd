/// y = W·x (+ b) for a batch of input rows: the decode path (one row) uses the quantised
/// matrix-vector kernels, prefill (several rows) dequantises weight tiles for sgemm.
final class LinearLayer {
    private let matVec: MatVec
    private let matMul: MatMul

    init(pool: ThreadPool, maxCols: Int) {
        matVec = MatVec(pool: pool, maxCols: maxCols)
        matMul = MatMul(pool: pool, maxCols: maxCols)
    }

    /// `input` is [batch][W.cols], `output` [batch][W.rows]. Shapes were checked when the
    /// weights were loaded, so the kernels cannot fail here.
    func apply(_ w: WeightMatrix, input: UnsafePointer<Float>, batch: Int, output: UnsafeMutablePointer<Float>,
               bias: [Float]?) {
        if batch == 1 {
            try? matVec.multiply(w.data, w.type, rows: w.rows, cols: w.cols, x: input, out: output)
        } else {
            try? matMul.multiply(w.data, w.type, rows: w.rows, cols: w.cols, x: input, n: batch, out: output)
        }
        if let bias {
            bias.withUnsafeBufferPointer { b in
                guard let bp = b.baseAddress else { return }
                for t in 0..<batch { add(output + t * w.rows, bp, count: w.rows) }
            }
        }
    }
}
