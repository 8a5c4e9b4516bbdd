/// A loaded model: the GGUF file (mapped), its hyper-parameters, and (as the engine grows)
/// tokenizer, weights and AutoDeco heads. Immutable after loading, so threads may share it.
public final class Model: @unchecked Sendable {
    public let file: GGUFFile
    public let config: ModelConfig
    let weightTable: Weights
    /// Heads found beside the model file or given at load; contexts start with these.
    public let defaultHeads: AutoDecoHeads?
    public let tokenizer: BPETokenizer
    /// The model's Jinja chat template (`tokenizer.chat_template`), if it has one.
    public let chatTemplateSource: String?

    public init(file: GGUFFile, heads: AutoDecoHeads? = nil) throws {
        self.file = file
        self.config = try ModelConfig(gguf: file)
        self.weightTable = try Weights(file: file, config: config)
        self.defaultHeads = heads
        self.tokenizer = try BPETokenizer(TokenizerVocabulary(gguf: file))
        self.chatTemplateSource = file.value("tokenizer.chat_template")?.stringValue
        guard tokenizer.vocabularySize == config.vocabSize else {
            throw ModelError.badHyperParameters("tokenizer has \(tokenizer.vocabularySize) tokens, the model \(config.vocabSize)")
        }
    }

    /// Whether `id` ends generation (end of sequence or end of turn).
    public func isEndOfGeneration(_ id: Int32) -> Bool {
        tokenizer.endOfGenerationIds.contains(id)
    }

    func weights() throws -> Weights { weightTable }

    /// Loads `path`. Heads come from `headsPath` when given, else (unless `findHeads` is false)
    /// from the heads discovered for this model by its identity (`HeadsLoader.discover`: the
    /// `AUTODECO_HEADS_PATH` directories, `NAME.autodeco/` beside the file, the installed heads).
    /// `copyToMemory` reads the file into private memory instead of mapping it (GGUFFile).
    public convenience init(path: String, headsPath: String? = nil, findHeads: Bool = true,
                            copyToMemory: Bool = false) throws {
        let file = try GGUFFile(path: path, copyToMemory: copyToMemory)
        let identity = try HeadsIdentity(file: file)
        var heads: AutoDecoHeads? = nil
        if let hp = headsPath {
            heads = try HeadsLoader.load(path: hp, for: identity)
        } else if findHeads, let dir = try HeadsLoader.discover(forModel: path, identity: identity) {
            heads = try HeadsLoader.load(path: dir, for: identity)
        }
        try self.init(file: file, heads: heads)
    }

    /// Human-readable one-line description, e.g. "llama 30L 576d Q4_1".
    public var description: String {
        "\(config.architecture) \(config.layerCount) layers, dim \(config.dim), \(config.headCount)/\(config.kvHeadCount) heads, vocab \(config.vocabSize)"
    }
}
