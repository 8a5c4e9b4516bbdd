/// Hyper-parameters of a decoder-only transformer, read from GGUF metadata (llama2.c's `Config`).
public struct ModelConfig: Sendable, Equatable {
    /// How rotary embeddings pair up dimensions: `normal` rotates adjacent pairs (x[2i], x[2i+1]),
    /// `neox` rotates halves (x[i], x[i + d/2]). Fixed per architecture, as in llama.cpp.
    public enum RopeStyle: String, Sendable { case normal, neox }

    public static let supportedArchitectures = ["llama", "qwen2"]

    public let architecture: String
    public let layerCount: Int          // transformer blocks
    public let dim: Int                 // hidden size H
    public let ffnDim: Int              // feed-forward inner size
    public let headCount: Int
    public let kvHeadCount: Int
    public let headDim: Int
    public let vocabSize: Int
    public let contextLength: Int       // trained context length
    public let rmsEps: Float
    public let ropeBase: Float
    public let ropeDim: Int             // dimensions of each head that are rotated
    public let ropeStyle: RopeStyle

    public init(gguf: GGUFFile) throws {
        let arch = try gguf.string("general.architecture")
        guard ModelConfig.supportedArchitectures.contains(arch) else {
            throw ModelError.unsupportedArchitecture(arch)
        }
        architecture = arch
        layerCount = try gguf.int("\(arch).block_count")
        dim = try gguf.int("\(arch).embedding_length")
        ffnDim = try gguf.int("\(arch).feed_forward_length")
        headCount = try gguf.int("\(arch).attention.head_count")
        kvHeadCount = (try? gguf.int("\(arch).attention.head_count_kv")) ?? headCount
        contextLength = try gguf.int("\(arch).context_length")
        rmsEps = Float(try gguf.double("\(arch).attention.layer_norm_rms_epsilon"))
        ropeBase = Float((try? gguf.double("\(arch).rope.freq_base")) ?? 10_000)
        if let n = gguf.value("\(arch).vocab_size")?.intValue {
            vocabSize = n
        } else if case let .array(_, tokens)? = gguf.value("tokenizer.ggml.tokens") {
            vocabSize = tokens.count
        } else {
            throw GGUFError.missingKey("\(arch).vocab_size")
        }
        ropeStyle = arch == "llama" ? .normal : .neox

        guard (1...1024).contains(layerCount), (1...65536).contains(dim), (1...262_144).contains(ffnDim),
              (1...1024).contains(headCount), (1...headCount).contains(kvHeadCount),
              headCount % kvHeadCount == 0, dim % headCount == 0,
              (1...4_000_000).contains(vocabSize), contextLength >= 1,
              rmsEps > 0, rmsEps < 1, ropeBase > 1 else {
            throw ModelError.badHyperParameters("layers \(layerCount), dim \(dim), ffn \(ffnDim), heads \(headCount)/\(kvHeadCount), vocab \(vocabSize), context \(contextLength), eps \(rmsEps), rope base \(ropeBase)")
        }
        headDim = dim / headCount
        ropeDim = (try? gguf.int("\(arch).rope.dimension_count")) ?? headDim
        guard ropeDim >= 2, ropeDim <= headDim, ropeDim % 2 == 0 else {
            throw ModelError.badHyperParameters("rope dimension \(ropeDim) for head size \(headDim)")
        }
    }
}

public enum ModelError: Error, CustomStringConvertible, Equatable {
    case unsupportedArchitecture(String)
    case badHyperParameters(String)
    case missingTensor(String)
    case wrongTensorShape(name: String, expected: [Int], found: [Int])
    case unsupportedTensorType(name: String, type: String)

    public var description: String {
        switch self {
        case let .unsupportedArchitecture(a):
            return "unsupported architecture '\(a)' (supported: \(ModelConfig.supportedArchitectures.joined(separator: ", ")))"
        case let .badHyperParameters(s): return "implausible hyper-parameters: \(s)"
        case let .missingTensor(n): return "model lacks tensor '\(n)'"
        case let .wrongTensorShape(n, e, f): return "tensor '\(n)' has shape \(f), expected \(e)"
        case let .unsupportedTensorType(n, t): return "tensor '\(n)' has type \(t), which this engine cannot compute with"
        }
    }
}
