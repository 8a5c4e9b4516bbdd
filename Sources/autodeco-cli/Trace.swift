import ArgumentParser
import AutoDeco
import Foundation

/// `autodeco trace`: generate with AutoDeco and write what the heads did, as HTML and/or JSON.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate with AutoDeco and write a per-token temperature/top-p trace (HTML, JSON).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var sampling: SamplingOptions

    @Option(name: [.customShort("p"), .customLong("prompt")], help: "The prompt.")
    var prompt: String

    @Flag(help: "Wrap the prompt in the model's chat template.")
    var chat = false

    @Option(name: [.customShort("n"), .customLong("n-predict")], help: "Most tokens to generate.")
    var maxTokens: Int = 128

    @Option(name: .short, help: "HTML output file.")
    var output: String?

    @Option(help: "JSON output file ('-' for standard output).")
    var json: String?

    @Option(parsing: .upToNextOption, help: "Two instructions to compare side by side (appended to the prompt), e.g. --compare \"Be creative.\" \"Be precise.\"")
    var compare: [String] = []

    func validate() throws {
        guard output != nil || json != nil else { throw ValidationError("give -o FILE.html and/or --json FILE") }
        guard compare.isEmpty || compare.count == 2 else { throw ValidationError("--compare takes exactly two instructions") }
    }

    func run() throws {
        let model = try modelOptions.load()
        guard model.defaultHeads != nil else {
            throw ValidationError("no AutoDeco heads found for this model: pass --heads DIR, or list their directory in $\(HeadsLoader.searchPathVariable)")
        }
        let sampler = sampling.params(hasHeads: true)
        let variants: [String?] = compare.isEmpty ? [nil] : compare.map { Optional($0) }
        var traces: [TraceDocument] = []
        for instruction in variants {
            let ctx = try InferenceContext(model: model, params: modelOptions.contextParams(sampler: sampler))
            let userText = instruction.map { prompt + "\n\n" + $0 } ?? prompt
            let text = chat ? try model.chatPrompt(user: userText) : userText
            // File names only: a trace is shared, and a path would show the author's home directory.
            var doc = TraceDocument(model: (modelOptions.model as NSString).lastPathComponent,
                                    heads: model.defaultHeads.map { ($0.source as NSString).lastPathComponent }, prompt: userText,
                                    instruction: instruction, sampler: describe(sampler), stopReason: "")
            var options = GenerationOptions()
            options.maxTokens = maxTokens
            var index = 0
            let reason = try ctx.generate(prompt: try model.tokenizer.encode(text, parseSpecial: true), options: options) { e in
                doc.tokens.append(.init(index: index, id: e.token, text: e.text, temperature: e.temperature, topP: e.topP,
                                        probability: e.probability, predictedTemperature: e.predictedTemperature,
                                        predictedTopP: e.predictedTopP, entropy: e.entropy))
                index += 1
                return true
            }
            doc.stopReason = reason.rawValue
            traces.append(doc)
            let s = doc.summary
            printError(String(format: "%@: %d tokens, T mean %.3f [%.3f, %.3f], p mean %.3f [%.3f, %.3f]",
                              instruction ?? "trace", s.count, s.meanT, s.minT, s.maxT, s.meanP, s.minP, s.maxP))
        }
        if let output {
            let title = compare.isEmpty ? "AutoDeco trace" : "AutoDeco trace: instruction comparison"
            try TraceHTML.page(traces, title: title).write(toFile: output, atomically: true, encoding: .utf8)
        }
        if let json {
            let doc: JSON = traces.count == 1 ? traces[0].json : .object([("runs", .array(traces.map(\.json)))])
            if json == "-" { print(doc.pretty, terminator: "") } else { try doc.pretty.write(toFile: json, atomically: true, encoding: .utf8) }
        }
    }

    func describe(_ p: SamplerParams) -> String {
        switch p.mode {
        case .greedy: return "greedy"
        case .staticSampling: return "static T=\(p.temperature) top-p=\(p.topP)"
        case .autodeco: return "autodeco (T×\(p.temperature), p×\(p.topP)), seed \(p.seed)"
        case .override: return "override T=\(p.temperature) top-p=\(p.topP)"
        case .mean: return "mean (the heads' held-out mean T, p)"
        }
    }
}
