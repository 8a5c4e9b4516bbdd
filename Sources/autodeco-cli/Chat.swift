import ArgumentParser
import AutoDeco
import Foundation

/// `autodeco chat`: an interactive conversation on standard input/output. Each turn renders
/// the whole conversation with the model's chat template and reuses the cached prefix, so
/// only the new tokens are run.
struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chat with a model (one user message per line; an empty line or EOF ends).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var sampling: SamplingOptions

    @Option(help: "System message (default: the template's own).")
    var system: String?

    @Option(name: [.customShort("n"), .customLong("n-predict")], help: "Most tokens per answer.")
    var maxTokens: Int = 512

    func run() throws {
        let model = try modelOptions.load()
        guard model.chatTemplateSource != nil else { throw ValidationError("this model has no chat template") }
        let ctx = try InferenceContext(model: model, params: modelOptions.contextParams(sampler: sampling.params(hasHeads: model.defaultHeads != nil)))
        var messages: [ChatMessage] = system.map { [ChatMessage(role: "system", content: $0)] } ?? []
        let interactive = isatty(0) != 0
        while true {
            if interactive { FileHandle.standardError.write("> ".data(using: .utf8) ?? Data()) }
            guard let line = readLine(), !line.isEmpty else { break }
            messages.append(ChatMessage(role: "user", content: line))
            let ids = try model.tokenizer.encode(model.renderChat(messages), parseSpecial: true)
            // Keep the cached prefix the new rendering shares with what the context holds.
            var common = 0
            while common < min(ids.count - 1, ctx.history.count) && ids[common] == ctx.history[common] { common += 1 }
            try ctx.rewind(to: common)
            var options = GenerationOptions()
            options.maxTokens = maxTokens
            var answer = ""
            try ctx.generate(prompt: Array(ids[common...]), options: options) { event in
                answer += event.text
                FileHandle.standardOutput.write(event.text.data(using: .utf8) ?? Data())
                return true
            }
            FileHandle.standardOutput.write("\n".data(using: .utf8) ?? Data())
            messages.append(ChatMessage(role: "assistant", content: answer))
        }
    }
}
