/// A loaded model: the GGUF file (mapped), its hyper-parameters, and (as the engine grows)
/// tokenizer, weights and AutoDeco heads. Immutable after loading, so threads may share it.
public final class Model: @unchecked Sendable {
    public let file: GGUFFile
    public let config: ModelConfig

    public init(file: GGUFFile) throws {
        self.file = file
        self.config = try ModelConfig(gguf: file)
    }

    public convenience init(path: String) throws {
        try self.init(file: GGUFFile(path: path))
    }

    /// Human-readable one-line description, e.g. "llama 30L 576d Q4_1".
    public var description: String {
        "\(config.architecture) \(config.layerCount) layers, dim \(config.dim), \(config.headCount)/\(config.kvHeadCount) heads, vocab \(config.vocabSize)"
    }
}
