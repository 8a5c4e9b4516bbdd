import ArgumentParser
import AutoDeco
import Foundation

/// Options shared by the commands that run a model.
struct ModelOptions: ParsableArguments {
    @Option(name: [.customShort("m"), .customLong("model")], help: "Path to a .gguf file.")
    var model: String

    @Option(help: """
        AutoDeco heads: a safetensors file or a directory (default: the heads trained for this model, \
        found in $AUTODECO_HEADS_PATH, as NAME.autodeco/ beside the model, or among the installed heads).
        """)
    var heads: String?

    @Flag(name: .customLong("no-heads"), help: "Do not look for AutoDeco heads (decode greedily unless a sampler is given).")
    var noHeads = false

    @Option(name: [.customShort("t"), .customLong("threads")], help: "Worker threads (default: one per core).")
    var threads: Int = ContextParams().threads

    @Option(name: .customLong("ctx"), help: "Context length in tokens.")
    var contextLength: Int = ContextParams().contextLength

    @Option(name: .customLong("batch"), help: "Most tokens per prefill pass.")
    var batchSize: Int = ContextParams().batchSize

    func load() throws -> Model {
        try Model(path: model, headsPath: noHeads ? nil : heads, findHeads: !noHeads)
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

    /// The engine's default policy (AutoDeco with heads, greedy without) unless a value was asked
    /// for: --temp/--top-p give static sampling, or scale (--autodeco-scale) or replace
    /// (--override) the heads' predictions.
    func params(hasHeads: Bool) -> SamplerParams {
        var p = SamplerParams()
        p.seed = seed
        p.topK = topK
        p.minP = minP
        p.repetitionPenalty = repeatPenalty
        if greedy { p.mode = .greedy; return p }
        p.temperature = temperature ?? p.temperature
        p.topP = topP ?? p.topP
        if mean { p.mode = .mean; return p }
        let values = temperature != nil || topP != nil
        if hasHeads && (autodecoScale || !values) {
            p.mode = .autodeco
        } else if hasHeads && override {
            p.mode = .override
        } else {
            // Without heads: the default policy, unless a static value was asked for.
            p.mode = (!values && topK == 0 && minP == 0) ? .autodeco : .staticSampling
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
