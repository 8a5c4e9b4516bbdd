import ArgumentParser
import AutoDeco
import Foundation

/// `autodeco generate`: one prompt in, streamed text out.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate text from a prompt (AutoDeco sampling when heads are found, else greedy).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var sampling: SamplingOptions

    @Option(name: [.customShort("p"), .customLong("prompt")], help: "The prompt (default: read standard input).")
    var prompt: String?

    @Flag(help: "Wrap the prompt in the model's chat template as a user message.")
    var chat = false

    @Option(help: "System message for --chat (default: the template's own).")
    var system: String?

    @Option(name: [.customShort("n"), .customLong("n-predict")], help: "Most tokens to generate.")
    var maxTokens: Int = GenerationOptions().maxTokens

    @Option(name: .customLong("stop"), help: "Stop before this string (repeatable).")
    var stop: [String] = []

    @Flag(help: "Print each token with its temperature, top-p and probability (to standard error).")
    var showDecoding = false

    @Flag(help: "Print timing to standard error.")
    var timing = false

    func run() throws {
        let model = try modelOptions.load()
        let samplerParams = sampling.params(hasHeads: model.defaultHeads != nil)
        let ctx = try InferenceContext(model: model, params: modelOptions.contextParams(sampler: samplerParams))
        var text = prompt ?? readStandardInput()
        if chat { text = try model.chatPrompt(user: text, system: system) }
        let ids = try model.tokenizer.encode(text, parseSpecial: true)
        if model.defaultHeads == nil && samplerParams.mode == .autodeco {
            printError("note: no AutoDeco heads found (use --heads DIR); decoding greedily")
        }
        var options = GenerationOptions()
        options.maxTokens = maxTokens
        options.stopStrings = stop
        let start = DispatchTime.now().uptimeNanoseconds
        var firstToken: UInt64 = 0
        var count = 0
        let reason = try ctx.generate(prompt: ids, options: options) { event in
            if count == 0 { firstToken = DispatchTime.now().uptimeNanoseconds }
            count += 1
            FileHandle.standardOutput.write(event.text.data(using: .utf8) ?? Data())
            if showDecoding {
                let piece = (try? model.tokenizer.decodeText([event.token])) ?? "?"
                var line = String(format: "[%5d] T=%.3f P=%.3f prob=%.3f", event.token, event.temperature, event.topP, event.probability)
                if let t = event.predictedTemperature, let p = event.predictedTopP {
                    line += String(format: " (heads T=%.3f P=%.3f)", t, p)
                }
                printError(line + " " + piece.debugDescription)
            }
            return true
        }
        FileHandle.standardOutput.write("\n".data(using: .utf8) ?? Data())
        if timing {
            let end = DispatchTime.now().uptimeNanoseconds
            let prefill = Double(firstToken - start) / 1e9
            let decode = Double(end - firstToken) / 1e9
            printError(String(format: "prompt %d tokens in %.2f s (%.1f tok/s); %d tokens generated in %.2f s (%.1f tok/s); stop: %@",
                              ids.count, prefill, Double(ids.count) / max(prefill, 1e-9), count, decode,
                              Double(max(count - 1, 0)) / max(decode, 1e-9), reason.rawValue))
        }
    }
}
