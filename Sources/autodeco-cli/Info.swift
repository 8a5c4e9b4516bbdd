import ArgumentParser
import AutoDeco
import Foundation

/// `autodeco info MODEL`: what a GGUF file holds, without running it.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's architecture, hyper-parameters, tokenizer and tensor types.")

    @Argument(help: "Path to a .gguf file.")
    var model: String

    @Flag(help: "Also list every metadata key (arrays abbreviated).")
    var metadata = false

    func run() throws {
        let file = try GGUFFile(path: model)
        print("file:          \(model)")
        print("size:          \(file.bytes.count) bytes (\(String(format: "%.1f", Double(file.bytes.count) / 1_048_576)) MiB)")
        print("gguf version:  \(file.version)")
        print("name:          \(file.value("general.name")?.stringValue ?? "-")")
        do {
            let c = try ModelConfig(gguf: file)
            print("architecture:  \(c.architecture)")
            print("layers:        \(c.layerCount)")
            print("dim:           \(c.dim)")
            print("ffn dim:       \(c.ffnDim)")
            print("heads:         \(c.headCount) (kv \(c.kvHeadCount), head dim \(c.headDim))")
            print("vocab:         \(c.vocabSize)")
            print("context:       \(c.contextLength)")
            print("rms eps:       \(c.rmsEps)")
            print("rope:          \(c.ropeStyle.rawValue), base \(c.ropeBase), dims \(c.ropeDim)")
            // The heads `generate` and `trace` would use (found by model identity, not file name).
            let identity = HeadsIdentity(file: file, config: c)
            do {
                let found = try HeadsLoader.discover(forModel: model, identity: identity)
                print("autodeco:      \(found ?? "no heads found for this model (--heads DIR, or $\(HeadsLoader.searchPathVariable))")")
            } catch {
                print("autodeco:      \(error)")
            }
        } catch {
            print("architecture:  \(file.value("general.architecture")?.stringValue ?? "-") (\(error))")
        }
        let tokModel = file.value("tokenizer.ggml.model")?.stringValue ?? "-"
        let tokPre = file.value("tokenizer.ggml.pre")?.stringValue ?? "-"
        print("tokenizer:     \(tokModel) (pre-tokenizer \(tokPre))")
        print("chat template: \(file.value("tokenizer.chat_template") != nil ? "yes" : "no")")
        var byType: [String: Int] = [:]
        for t in file.tensors { byType[t.type.name, default: 0] += 1 }
        let types = byType.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("tensors:       \(file.tensors.count) (\(types))")
        if metadata {
            print("metadata:")
            for key in file.keys { print("  \(key) = \(file.metadata[key]?.summary ?? "")") }
        }
    }
}
