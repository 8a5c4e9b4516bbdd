import ArgumentParser
import AutoDeco

@main
struct AutoDecoCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autodeco",
        abstract: "Run GGUF language models with AutoDeco decoding (per-token temperature and top-p).",
        version: AutoDecoVersion.string,
        subcommands: [Generate.self, Chat.self, Trace.self, Info.self, Tokenize.self, Detokenize.self, Logits.self,
                      Dump.self, TrainHeads.self, EvalHeads.self, Bench.self]
    )
}
