import ArgumentParser
import AutoDeco
import Foundation

/// Options shared by the commands that run a model.
struct ModelOptions: ParsableArguments {
    @Option(name: [.customShort("m"), .customLong("model")], help: "Path to a .gguf file.")
    var model: String

    @Option(help: "AutoDeco heads: a safetensors file or a directory (default: NAME.autodeco/ beside the model).")
    var heads: String?

    @Option(name: [.customShort("t"), .customLong("threads")], help: "Worker threads (default: one per core).")
    var threads: Int = 0

    @Option(name: .customLong("ctx"), help: "Context length in tokens.")
    var contextLength: Int = 2048

    @Option(name: .customLong("batch"), help: "Most tokens per prefill pass.")
    var batchSize: Int = 256

    func load() throws -> Model {
        try Model(path: model, headsPath: heads)
    }

    func contextParams(sampler: SamplerParams = SamplerParams()) -> ContextParams {
        var p = ContextParams()
        p.threads = threads
        p.contextLength = contextLength
        p.batchSize = batchSize
        p.sampler = sampler
        return p
    }
}

/// How the next token is chosen.
struct SamplingOptions: ParsableArguments {
    @Flag(help: "Greedy decoding (the most likely token).")
    var greedy = false

    @Option(name: .customLong("temp"), help: "Static temperature (turns off AutoDeco unless --autodeco-scale).")
    var temperature: Float?

    @Option(name: .customLong("top-p"), help: "Static top-p.")
    var topP: Float?

    @Option(name: .customLong("top-k"), help: "Keep only the k most likely tokens (0 = off).")
    var topK: Int = 0

    @Option(name: .customLong("min-p"), help: "Drop tokens below min-p × the top probability (0 = off).")
    var minP: Float = 0

    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1 = off).")
    var repeatPenalty: Float = 1

    @Flag(name: .customLong("autodeco-scale"), help: "With --temp/--top-p: scale the heads' predictions instead of replacing them.")
    var autodecoScale = false

    @Flag(name: .customLong("override"), help: "With --temp/--top-p: replace the heads' predictions (still reported).")
    var override = false

    @Flag(name: .customLong("mean"), help: "Static sampling at the heads' recorded held-out mean T and p (MeanShift baseline).")
    var mean = false

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    /// AutoDeco when heads are available and no static value was asked for; else static.
    func params(hasHeads: Bool) -> SamplerParams {
        var p = SamplerParams()
        p.seed = seed
        p.topK = topK
        p.minP = minP
        p.repetitionPenalty = repeatPenalty
        if greedy { p.mode = .greedy; return p }
        p.temperature = temperature ?? 1
        p.topP = topP ?? 1
        if mean { p.mode = .mean; return p }
        if hasHeads && (autodecoScale || (temperature == nil && topP == nil)) {
            p.mode = .autodeco
        } else if hasHeads && override {
            p.mode = .override
        } else {
            p.mode = (temperature == nil && topP == nil && topK == 0 && minP == 0) ? .greedy : .staticSampling
        }
        return p
    }
}

/// Writes to standard error (progress and diagnostics stay out of the generated text).
func printError(_ text: String) {
    FileHandle.standardError.write((text + "\n").data(using: .utf8) ?? Data())
}

/// Reads all of standard input as text.
func readStandardInput() -> String {
    String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
}

extension Model {
    /// The prompt as the model's chat template renders it (system message optional).
    func chatPrompt(user: String, system: String? = nil) throws -> String {
        guard let source = chatTemplateSource else {
            throw ValidationError("this model has no chat template; drop --chat")
        }
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: "system", content: system)) }
        messages.append(ChatMessage(role: "user", content: user))
        return try ChatTemplate(source: source).render(messages: messages, addGenerationPrompt: true)
    }
}
