/// y = W·x (+ b) for a batch of input rows: the decode path (one row) uses the quantised
/// matrix-vector kernels, prefill (several rows) `MatMul` (integer panels or sgemm).
final class LinearLayer {
    private let matVec: MatVec
    private let matMul: MatMul

    /// Prefill through the integer kernels (true) or always through sgemm.
    var integerPrefill: Bool {
        get { matMul.integerKernels }
        set { matMul.integerKernels = newValue }
    }

    init(pool: ThreadPool, maxCols: Int) {
        matVec = MatVec(pool: pool, maxCols: maxCols)
        matMul = MatMul(pool: pool, maxCols: maxCols)
    }

    /// Several matrices with the same input (q/k/v, gate/up). Decode runs them as one fused
    /// matrix-vector product (x quantised once, one pool hand-off); prefill one matmul each,
    /// with the input quantised once.
    func apply(_ p: FusedProduct, input: UnsafePointer<Float>, batch: Int) {
        if batch == 1, let cols = p.matrices.first?.cols {
            try? matVec.multiply(p.jobs, cols: cols, x: input)
            for (i, bias) in p.biases.enumerated() {
                if let bias { addBias(bias, to: p.outputs[i], rows: p.matrices[i].rows, batch: 1) }
            }
            return
        }
        if let cols = p.matrices.first?.cols {
            try? matMul.multiply(p.jobs, cols: cols, x: input, n: batch)
            for (i, bias) in p.biases.enumerated() {
                if let bias { addBias(bias, to: p.outputs[i], rows: p.matrices[i].rows, batch: batch) }
            }
        }
    }

    /// Decode of several sequences in lockstep: `count` independent input rows, each computed
    /// exactly as a batch-1 decode would (the matrix-vector kernel, not sgemm), in one pass
    /// over the weights.
    func applyRows(_ p: FusedProduct, input: UnsafePointer<Float>, count: Int) {
        guard let cols = p.matrices.first?.cols else { return }
        try? matVec.multiply(p.jobs, cols: cols, x: input, count: count)
        for (i, bias) in p.biases.enumerated() {
            if let bias { addBias(bias, to: p.outputs[i], rows: p.matrices[i].rows, batch: count) }
        }
    }

    /// `applyRows` for one matrix: `input` is [count][W.cols], `output` [count][W.rows].
    func applyRows(_ w: WeightMatrix, input: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>,
                   bias: [Float]?) {
        try? matVec.multiply([MatVec.Job(w, out: output)], cols: w.cols, x: input, count: count)
        if let bias { addBias(bias, to: output, rows: w.rows, batch: count) }
    }

    private func addBias(_ bias: [Float], to output: UnsafeMutablePointer<Float>, rows: Int, batch: Int) {
        bias.withUnsafeBufferPointer { b in
            guard let bp = b.baseAddress else { return }
            for t in 0..<batch { add(output + t * rows, bp, count: rows) }
        }
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
        if let bias { addBias(bias, to: output, rows: w.rows, batch: batch) }
    }
}

/// Matrices that multiply the same input, with their outputs and optional biases, prepared
/// once per layer so a decode step allocates nothing.
struct FusedProduct {
    let matrices: [WeightMatrix]
    let outputs: [UnsafeMutablePointer<Float>]
    let biases: [[Float]?]
    let jobs: [MatVec.Job]

    init(_ parts: [(WeightMatrix, UnsafeMutablePointer<Float>, [Float]?)]) {
        matrices = parts.map(\.0)
        outputs = parts.map(\.1)
        biases = parts.map(\.2)
        jobs = parts.map { MatVec.Job($0.0, out: $0.1) }
    }
}
