import ArgumentParser
import AutoDeco
import Foundation

/// `autodeco eval-heads`: the held-out table under the soft top-p objective.
struct EvalHeads: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-heads",
        abstract: "Score AutoDeco heads against static temperature/top-p on held-out data (soft top-p NLL).")

    @Option(name: [.customShort("m"), .customLong("model")], help: "Path to the base model (.gguf).")
    var model: String
    @Option(help: "Heads: a safetensors file or a directory.")
    var heads: String
    @Option(help: "Evaluation data (JSONL with prompt/completion[/system]).")
    var data: String?
    @Option(help: "Instruction-control triples to score instead (JSONL with group and diversity -1/0/1).")
    var control: String?
    @Option(help: "Hidden-state cache for the --data file (default: DATA.hidden-states.cache; --control always uses CONTROL.hidden-states.cache).")
    var cache: String?
    @Option(name: .customLong("static-temp"), help: "Temperature of the fixed static baseline (b).")
    var staticTemperature: Float = 0.7
    @Option(name: .customLong("static-top-p"), help: "Top-p of the fixed static baseline (b).")
    var staticTopP: Float = 0.95
    @Option(name: .customLong("max-examples"), help: "Use only the first N examples.")
    var maxExamples: Int?
    @Option(name: [.customShort("t"), .customLong("threads")], help: "Threads (default: one per core).")
    var threads: Int = 0
    @Option(name: .customLong("ctx"), help: "Longest example in tokens (longer ones are skipped).")
    var contextLength: Int = ContextParams().contextLength

    func run() throws {
        guard data != nil || control != nil else { throw ValidationError("give --data, --control or both") }
        let base = try Model(path: model, findHeads: false)
        let trained = try HeadsLoader.load(path: heads, for: HeadsIdentity(model: base))
        let pool = ThreadPool(threads: threads > 0 ? threads : nil)
        let output = try OutputProjection(model: base)
        func load(_ file: String, cache: String?) throws -> ([TrainingExample], TrainingPositions) {
            var examples = try TrainingExample.load(jsonl: file)
            if let maxExamples { examples = Array(examples.prefix(max(maxExamples, 0))) }
            let store = try fillHiddenStateCache(model: base, examples: examples, path: cache ?? file + ".hidden-states.cache",
                                                 threads: threads, contextLength: contextLength)
            return (examples, try store.positions { $0 < examples.count })
        }
        if let data {
            let (_, positions) = try load(data, cache: cache)
            let report = HeadsEvaluation.evaluate(positions, output: output, heads: trained,
                                                  fixed: (staticTemperature, staticTopP), pool: pool)
            printReport(report, toStandardOutput: true)
        }
        if let control {
            let (examples, positions) = try load(control, cache: nil)
            let triples = try ControlTriples(examples: examples, positions: positions)
            let r = ControlEvaluation.evaluate(positions, triples: triples, output: output, heads: trained, pool: pool)
            print(String(format: """
                instruction control: %d prompts, %d aligned positions (teacher-forced, mean per prompt)
                            low        none       high       Δ up (consistency)   Δ down (consistency)
                T        %8.4f   %8.4f   %8.4f   %+8.4f (%5.1f%%)   %+8.4f (%5.1f%%)
                P        %8.4f   %8.4f   %8.4f   %+8.4f (%5.1f%%)   %+8.4f (%5.1f%%)
                """, r.prompts, r.positions,
                r.meanTemperature.low, r.meanTemperature.none, r.meanTemperature.high,
                r.temperatureUp, 100 * r.temperatureUpConsistency, r.temperatureDown, 100 * r.temperatureDownConsistency,
                r.meanTopP.low, r.meanTopP.none, r.meanTopP.high,
                r.topPUp, 100 * r.topPUpConsistency, r.topPDown, 100 * r.topPDownConsistency))
        }
    }
}

/// The (a)–(e) table.
func printReport(_ r: EvaluationReport, toStandardOutput: Bool = false) {
    var lines = ["held-out positions: \(r.positions)",
                 "                                   objective   NLL(p~)"]
    func row(_ name: String, _ s: NLLScore) {
        let pair = s.temperature.map { String(format: " T=%.3f P=%.3f", $0, s.topP ?? 1) } ?? " per token"
        lines.append(String(format: "%@%@", (name + pair).padding(toLength: 34, withPad: " ", startingAt: 0),
                            String(format: "  %9.5f  %8.5f", s.objective, s.plain)))
    }
    row("(a) T=1,P=1", r.unit)
    row("(b) static", r.fixed)
    row("(c) best grid", r.bestGrid)
    if let d = r.meanShift { row("(d) heads' mean", d) }
    if let e = r.perToken { row("(e) heads", e) }
    if let t = r.headsMeanTemperature, let p = r.headsMeanTopP {
        lines.append(String(format: "heads' mean T %.4f, mean P %.4f", t, p))
    }
    let text = lines.joined(separator: "\n")
    if toStandardOutput { print(text) } else { printError(text) }
}
