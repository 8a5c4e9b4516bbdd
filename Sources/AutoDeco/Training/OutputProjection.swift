import CBLAS

/// A float copy of the model's output matrix W_out ([vocab][hidden]) for recomputing the
/// logits of cached hidden states in batches: training reads each position many times, and
/// one sgemm over a minibatch is far faster than quantized matrix-vector products.
public struct OutputProjection: Sendable {
    public let vocabSize: Int
    public let hiddenSize: Int
    public let weights: [Float]   // [vocab][hidden] row-major

    public init(vocabSize: Int, hiddenSize: Int, weights: [Float]) throws {
        guard vocabSize > 0, hiddenSize > 0, weights.count == vocabSize * hiddenSize else {
            throw TrainingError.invalid("output matrix must hold \(vocabSize) × \(hiddenSize) values")
        }
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.weights = weights
    }

    /// Dequantizes `model`'s output matrix (the token embedding when tied).
    public init(model: Model) throws {
        let w = try model.weights().output
        guard canDequantize(w.type) else {
            throw TrainingError.invalid("cannot dequantize output matrix of type \(w.type.name)")
        }
        var values = [Float](repeating: 0, count: w.rows * w.cols)
        values.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            for r in 0..<w.rows { dequantizeRow(w.type, w.row(r), base + r * w.cols, count: w.cols) }
        }
        try self.init(vocabSize: w.rows, hiddenSize: w.cols, weights: values)
    }

    /// logits[count][vocab] = hidden[count][H] · W_outᵀ.
    public func logits(hidden: UnsafePointer<Float>, count: Int, into logits: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(vocabSize), Int32(hiddenSize), 1,
                        hidden, Int32(hiddenSize), w.baseAddress, Int32(hiddenSize), 0, logits, Int32(vocabSize))
        }
    }
}
