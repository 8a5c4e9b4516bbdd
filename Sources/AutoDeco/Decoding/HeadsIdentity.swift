/// The model a heads checkpoint was trained for, as its `config.json` records it: the official
/// layout's architecture and shapes, plus the GGUF's `general.name`. Heads are discovered by
/// this identity (not by file name) and refused when it does not match the model.
public struct HeadsIdentity: Equatable, Sendable, CustomStringConvertible {
    public var architecture: String
    public var hiddenSize: Int
    public var vocabSize: Int
    public var layers: Int
    public var attentionHeads: Int
    public var keyValueHeads: Int
    public var intermediateSize: Int
    /// The GGUF's `general.name`, when recorded. Two files of one model (other quantisations,
    /// other converters) may name it differently, so a differing name does not refuse heads:
    /// discovery prefers a checkpoint whose name matches too.
    public var modelName: String?

    /// The config.json key under which the trainer records `general.name`.
    public static let modelNameKey = "base_model_gguf_name"

    public init(config c: ModelConfig, modelName: String?) {
        architecture = c.architecture
        hiddenSize = c.dim; vocabSize = c.vocabSize; layers = c.layerCount
        attentionHeads = c.headCount; keyValueHeads = c.kvHeadCount; intermediateSize = c.ffnDim
        self.modelName = modelName
    }

    /// The identity of the model in `file`: its hyper-parameters and `general.name`.
    public init(file: GGUFFile, config: ModelConfig) {
        self.init(config: config, modelName: file.value("general.name")?.stringValue)
    }

    public init(file: GGUFFile) throws {
        self.init(file: file, config: try ModelConfig(gguf: file))
    }

    public init(model: Model) {
        self.init(file: model.file, config: model.config)
    }

    /// Reads `config.json` of an official-layout heads directory; nil when it is missing or
    /// lacks a field (such heads are only checked by their tensor shapes).
    public init?(configJSON json: JSON) {
        guard let arch = json["base_model_type"]?.stringValue,
              let h = json["hidden_size"]?.intValue, let v = json["vocab_size"]?.intValue,
              let l = json["num_hidden_layers"]?.intValue, let a = json["num_attention_heads"]?.intValue,
              let kv = json["num_key_value_heads"]?.intValue, let f = json["intermediate_size"]?.intValue else { return nil }
        architecture = arch
        hiddenSize = h; vocabSize = v; layers = l; attentionHeads = a; keyValueHeads = kv; intermediateSize = f
        modelName = json[HeadsIdentity.modelNameKey]?.stringValue
    }

    /// The identity recorded in `directory/config.json`, if any.
    public static func read(directory: String) -> HeadsIdentity? {
        guard let bytes = readSmallFile(directory + "/config.json"), let json = try? JSON.parse(bytes) else { return nil }
        return HeadsIdentity(configJSON: json)
    }

    /// The fields `config.json` records, in the official layout's order.
    public var configFields: [(String, JSON)] {
        var fields: [(String, JSON)] = [
            ("base_model_type", .string(architecture)),
            ("hidden_size", .number(Double(hiddenSize))),
            ("vocab_size", .number(Double(vocabSize))),
            ("num_hidden_layers", .number(Double(layers))),
            ("num_attention_heads", .number(Double(attentionHeads))),
            ("num_key_value_heads", .number(Double(keyValueHeads))),
            ("intermediate_size", .number(Double(intermediateSize))),
        ]
        if let modelName { fields.append((HeadsIdentity.modelNameKey, .string(modelName))) }
        return fields
    }

    /// Nil when heads of identity `self` fit `model`; otherwise what differs, for an error message.
    public func mismatch(with model: HeadsIdentity) -> String? {
        let shapes = [("hidden size", hiddenSize, model.hiddenSize), ("vocabulary", vocabSize, model.vocabSize),
                      ("layers", layers, model.layers), ("attention heads", attentionHeads, model.attentionHeads),
                      ("key/value heads", keyValueHeads, model.keyValueHeads),
                      ("feed-forward size", intermediateSize, model.intermediateSize)]
        var differences: [String] = []
        if architecture != model.architecture { differences.append("architecture \(architecture), not \(model.architecture)") }
        for (name, mine, theirs) in shapes where mine != theirs { differences.append("\(name) \(mine), not \(theirs)") }
        guard !differences.isEmpty else { return nil }
        return "these heads were trained for \(self) (" + differences.joined(separator: "; ") + ")"
    }

    public var description: String {
        (modelName.map { "'\($0)', " } ?? "") + "\(architecture) with \(layers) layers, hidden size \(hiddenSize)"
    }
}
