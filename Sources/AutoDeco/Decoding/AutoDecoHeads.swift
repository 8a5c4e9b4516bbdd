#if canImport(Glibc)
import Glibc
#endif
import CBLAS
import CKernels

/// The two AutoDeco heads (docs/autodeco.md; official layout Linear → ReLU → Linear → Sigmoid,
/// hidden width 256). With H the model's hidden size, h the final normed hidden state and l
/// the logits:
///
///     T = 2 · sigmoid(w2 · relu(W1 · h + b1) + b2)                      W1: [256, H]
///     q = softmax(l / (T + 1e-8))
///     P = sigmoid(v2 · relu(V1 · [h, T, max q, entropy q, var q, top5 q] + c1) + c2)   V1: [256, H + 5]
public struct AutoDecoHeads: Sendable {
    public static let width = 256
    public let hiddenSize: Int

    // Temperature head.
    public var tempW1: [Float]   // [256, H] row-major (PyTorch Linear layout)
    public var tempB1: [Float]   // [256]
    public var tempW2: [Float]   // [256]  (Linear 256 → 1)
    public var tempB2: Float
    // Top-p head.
    public var topPW1: [Float]   // [256, H + 5]
    public var topPB1: [Float]   // [256]
    public var topPW2: [Float]   // [256]
    public var topPB2: Float
    /// Where the heads came from, for display.
    public var source: String = ""
    /// The heads' average T and P on held-out data (from the checkpoint's metadata), used by
    /// the `mean` sampler mode; nil when the checkpoint does not record them.
    public var meanTemperature: Float?
    public var meanTopP: Float?
    public static let meanTemperatureKey = "autodeco.mean_temperature"
    public static let meanTopPKey = "autodeco.mean_top_p"

    public var topPInputSize: Int { hiddenSize + 5 }

    public static let tensorNames = ["temp_head.mlp.0.weight", "temp_head.mlp.0.bias",
                                     "temp_head.mlp.2.weight", "temp_head.mlp.2.bias",
                                     "top_p_head.mlp.0.weight", "top_p_head.mlp.0.bias",
                                     "top_p_head.mlp.2.weight", "top_p_head.mlp.2.bias"]

    public init(hiddenSize: Int, tempW1: [Float], tempB1: [Float], tempW2: [Float], tempB2: Float,
                topPW1: [Float], topPB1: [Float], topPW2: [Float], topPB2: Float) throws {
        let w = AutoDecoHeads.width
        guard hiddenSize > 0, tempW1.count == w * hiddenSize, tempB1.count == w, tempW2.count == w,
              topPW1.count == w * (hiddenSize + 5), topPB1.count == w, topPW2.count == w else {
            throw HeadsError.wrongShape("head parameters do not match hidden size \(hiddenSize)")
        }
        self.hiddenSize = hiddenSize
        self.tempW1 = tempW1; self.tempB1 = tempB1; self.tempW2 = tempW2; self.tempB2 = tempB2
        self.topPW1 = topPW1; self.topPB1 = topPB1; self.topPW2 = topPW2; self.topPB2 = topPB2
    }

    /// Heads from safetensors in the official layout. Keys may carry a prefix such as
    /// `adapter.` or `llm.`; only `temp_head.*` and `top_p_head.*` tensors are used.
    public init(safetensors st: SafeTensors, hiddenSize h: Int) throws {
        var byName: [String: SafeTensors.Tensor] = [:]
        for (key, t) in st.tensors {
            for name in AutoDecoHeads.tensorNames where key == name || key.hasSuffix("." + name) {
                byName[name] = t
            }
        }
        let w = AutoDecoHeads.width
        func get(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let t = byName[name] else { throw HeadsError.missingTensor(name) }
            // Biases of a 1-output Linear are [1]; accept a scalar too.
            let ok = t.shape == shape || (shape == [1] && t.shape.isEmpty)
            guard ok, t.values.count == shape.reduce(1, *) else {
                throw HeadsError.wrongShape("'\(name)' has shape \(t.shape), expected \(shape) for hidden size \(h)")
            }
            return t.values
        }
        try self.init(hiddenSize: h,
                      tempW1: try get("temp_head.mlp.0.weight", [w, h]),
                      tempB1: try get("temp_head.mlp.0.bias", [w]),
                      tempW2: try get("temp_head.mlp.2.weight", [1, w]),
                      tempB2: try get("temp_head.mlp.2.bias", [1])[0],
                      topPW1: try get("top_p_head.mlp.0.weight", [w, h + 5]),
                      topPB1: try get("top_p_head.mlp.0.bias", [w]),
                      topPW2: try get("top_p_head.mlp.2.weight", [1, w]),
                      topPB2: try get("top_p_head.mlp.2.bias", [1])[0])
    }

    /// The heads as safetensors in the official layout (F32).
    public func safetensors(metadata: [(String, String)] = []) -> SafeTensors {
        let w = AutoDecoHeads.width, h = hiddenSize
        return SafeTensors(tensors: [
            ("temp_head.mlp.0.weight", .init(shape: [w, h], values: tempW1)),
            ("temp_head.mlp.0.bias", .init(shape: [w], values: tempB1)),
            ("temp_head.mlp.2.weight", .init(shape: [1, w], values: tempW2)),
            ("temp_head.mlp.2.bias", .init(shape: [1], values: [tempB2])),
            ("top_p_head.mlp.0.weight", .init(shape: [w, h + 5], values: topPW1)),
            ("top_p_head.mlp.0.bias", .init(shape: [w], values: topPB1)),
            ("top_p_head.mlp.2.weight", .init(shape: [1, w], values: topPW2)),
            ("top_p_head.mlp.2.bias", .init(shape: [1], values: [topPB2])),
        ], metadata: metadata)
    }

    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    /// Linear(256 → 1)(relu(W1 · input + b1)) for an MLP head; `hidden` is scratch of 256.
    static func mlp(_ w1: [Float], _ b1: [Float], _ w2: [Float], _ b2: Float,
                    input: UnsafePointer<Float>, inputSize: Int, hidden: UnsafeMutablePointer<Float>) -> Float {
        var out: Float = 0
        mlpBatch(w1, b1, w2, b2, inputs: input, count: 1, inputSize: inputSize, hidden: hidden, outputs: &out)
        return out
    }

    /// The same MLP for `count` inputs (rows of `inputSize`) at once: `hidden` ([count][256])
    /// receives relu(W1 · input + b1), which training keeps for the backward pass, and
    /// `outputs` ([count]) the pre-sigmoid value w2 · hidden + b2.
    static func mlpBatch(_ w1: [Float], _ b1: [Float], _ w2: [Float], _ b2: Float,
                         inputs: UnsafePointer<Float>, count: Int, inputSize: Int,
                         hidden: UnsafeMutablePointer<Float>, outputs: UnsafeMutablePointer<Float>) {
        let w = width
        for i in 0..<count { (hidden + i * w).update(from: b1, count: w) }
        w1.withUnsafeBufferPointer { m in
            if count == 1 {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(w), Int32(inputSize), 1, m.baseAddress, Int32(inputSize),
                            inputs, 1, 1, hidden, 1)
            } else {
                // hidden[count, 256] += inputs[count, in] · W1ᵀ
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(w), Int32(inputSize), 1,
                            inputs, Int32(inputSize), m.baseAddress, Int32(inputSize), 1, hidden, Int32(w))
            }
        }
        for i in 0..<count {
            let row = hidden + i * w
            var out = b2
            for j in 0..<w {
                if row[j] > 0 { out += w2[j] * row[j] } else { row[j] = 0 }
            }
            outputs[i] = out
        }
    }

    /// Predicted temperatures for `count` hidden states (rows of H) at once; `hidden` is
    /// scratch of count × 256 and keeps the first layer's activations.
    public func temperatures(hiddenStates h: UnsafePointer<Float>, count: Int, hidden: UnsafeMutablePointer<Float>,
                             into out: UnsafeMutablePointer<Float>) {
        AutoDecoHeads.mlpBatch(tempW1, tempB1, tempW2, tempB2, inputs: h, count: count, inputSize: hiddenSize,
                               hidden: hidden, outputs: out)
        for i in 0..<count { out[i] = 2 * AutoDecoHeads.sigmoid(out[i]) }
    }

    /// Predicted top-p values for `count` assembled top-p inputs (rows of H + 5:
    /// [h, T, max, entropy, var, top5]); `hidden` is scratch of count × 256.
    public func topPs(inputs: UnsafePointer<Float>, count: Int, hidden: UnsafeMutablePointer<Float>,
                      into out: UnsafeMutablePointer<Float>) {
        AutoDecoHeads.mlpBatch(topPW1, topPB1, topPW2, topPB2, inputs: inputs, count: count, inputSize: topPInputSize,
                               hidden: hidden, outputs: out)
        for i in 0..<count { out[i] = AutoDecoHeads.sigmoid(out[i]) }
    }

    /// Writes the top-p head's input row [h, T, max q, entropy q, var q, top5 q] into `input`.
    public func assembleTopPInput(hidden h: UnsafePointer<Float>, temperature: Float, stats: DistributionStats,
                                  into input: UnsafeMutablePointer<Float>) {
        input.update(from: h, count: hiddenSize)
        input[hiddenSize] = temperature
        input[hiddenSize + 1] = stats.maxProbability
        input[hiddenSize + 2] = stats.entropy
        input[hiddenSize + 3] = stats.variance
        input[hiddenSize + 4] = stats.top5Sum
    }

    /// Predicted temperature in (0, 2) for hidden state `h`.
    public func temperature(hidden h: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> Float {
        2 * AutoDecoHeads.sigmoid(AutoDecoHeads.mlp(tempW1, tempB1, tempW2, tempB2, input: h,
                                                    inputSize: hiddenSize, hidden: scratch))
    }

    /// Predicted top-p in (0, 1) from `h`, the predicted `temperature` and the statistics of
    /// softmax(l / (T + 1e-8)). `input` is scratch of H + 5 floats, `hidden` scratch of 256.
    public func topP(hidden h: UnsafePointer<Float>, temperature: Float, stats: DistributionStats,
                     input: UnsafeMutablePointer<Float>, hidden scratch: UnsafeMutablePointer<Float>) -> Float {
        assembleTopPInput(hidden: h, temperature: temperature, stats: stats, into: input)
        return AutoDecoHeads.sigmoid(AutoDecoHeads.mlp(topPW1, topPB1, topPW2, topPB2, input: UnsafePointer(input),
                                                       inputSize: topPInputSize, hidden: scratch))
    }
}

/// The four statistics of q = softmax(l / T) the top-p head reads.
public struct DistributionStats: Sendable, Equatable {
    public var maxProbability: Float
    public var entropy: Float      // −Σ q · ln(q + 1e-8)
    public var variance: Float     // unbiased, over the vocabulary
    public var top5Sum: Float

    /// Computes q = softmax(logits / (temperature + 1e-8)) into `probs` (which sampling can then
    /// reuse) and its statistics, in two SIMD sweeps over the vocabulary (C kernel).
    public static func compute(logits: UnsafePointer<Float>, count n: Int, temperature: Float,
                               probs: UnsafeMutablePointer<Float>) -> DistributionStats {
        var out: (Float, Float, Float, Float) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &out) { raw in
            if let o = raw.baseAddress?.assumingMemoryBound(to: Float.self) {
                ck_distribution_stats(logits, Int64(n), temperature, probs, o)
            }
        }
        return DistributionStats(maxProbability: out.0, entropy: out.1, variance: out.2, top5Sum: out.3)
    }
}

public enum HeadsError: Error, CustomStringConvertible, Equatable {
    case missingTensor(String)
    case wrongShape(String)
    case notFound(String)
    /// The checkpoint records another model than the one it is loaded for.
    case wrongModel(String)

    public var description: String {
        switch self {
        case let .missingTensor(n): return "AutoDeco heads lack tensor '\(n)'"
        case let .wrongShape(s): return "AutoDeco heads do not fit this model: \(s)"
        case let .notFound(s): return "no AutoDeco heads found: \(s)"
        case let .wrongModel(s): return "AutoDeco heads for another model: \(s)"
        }
    }
}
