import ArgumentParser
import AutoDeco
import Foundation

/// `autodeco train-heads`: caches the frozen model's hidden states for a JSONL data set,
/// then trains both AutoDeco heads on them and writes a heads directory.
struct TrainHeads: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-heads",
        abstract: "Train AutoDeco temperature and top-p heads on a frozen GGUF model (CPU).",
        discussion: """
        Data: JSONL, one {"prompt": ..., "completion": ..., "system": ... (optional)} per line. Each prompt is \
        rendered with the model's chat template; every completion position (the end-of-turn token included) \
        is a training position. Hidden states are cached once (--cache; resumable), then the heads are \
        trained with AdamW (linear warm-up, cosine decay, gradient clipping). Writes DIR/model.safetensors \
        and DIR/config.json in the official AutoDeco layout.
        """)

    @Option(name: [.customShort("m"), .customLong("model")], help: "Path to the base model (.gguf).")
    var model: String
    @Option(help: "Training data (JSONL with prompt/completion[/system]).")
    var data: String
    @Option(help: "Output directory for model.safetensors and config.json.")
    var out: String
    @Option(help: "Hidden-state cache file (default: DIR/hidden-states.cache). Reused and extended when present.")
    var cache: String?
    @Option(help: "Passes over the training positions.")
    var epochs: Int = 2
    @Option(help: "Peak learning rate (AdamW).")
    var lr: Float = 1e-3
    @Option(name: .customLong("batch-positions"), help: "Positions per optimizer step.")
    var batchPositions: Int = 64
    @Option(help: "Linear warm-up steps before the cosine decay.")
    var warmup: Int = 20
    @Option(name: .customLong("weight-decay"), help: "AdamW weight decay.")
    var weightDecay: Float = 0.01
    @Option(name: .customLong("clip-norm"), help: "Clip the global gradient norm to this (0 = off).")
    var clipNorm: Float = 1.0
    @Option(help: "Seed for initialisation, shuffling and easy-token masking.")
    var seed: UInt64 = 0
    @Option(name: .customLong("max-examples"), help: "Use only the first N examples of the data file.")
    var maxExamples: Int?
    @Option(name: .customLong("val-fraction"), help: "Share of examples held out for validation (chosen by a hash of the example index).")
    var valFraction: Double = 0.1
    @Option(name: [.customShort("t"), .customLong("threads")], help: "Threads (default: one per core).")
    var threads: Int = 0
    @Option(name: .customLong("ctx"), help: "Longest example in tokens (longer ones are skipped).")
    var contextLength: Int = ContextParams().contextLength
    @Option(help: "Instruction-control triples (JSONL with group and diversity -1/0/1; see heads/README.md).")
    var control: String?
    @Option(name: .customLong("control-cache"), help: "Hidden-state cache of the control data (default: DIR/control.cache).")
    var controlCache: String?
    @Option(name: .customLong("control-weight"), help: "Weight of the instruction-control ranking loss.")
    var controlWeight: Double = 1
    @Option(name: .customLong("control-rows"), help: "Control positions (×3 prompts) per optimizer step.")
    var controlRows: Int = 16
    @Option(name: .customLong("control-margin-t"), help: "Ranking margin for T between neighbouring instructions.")
    var controlMarginT: Float = 0.1
    @Option(name: .customLong("control-margin-p"), help: "Ranking margin for P between neighbouring instructions.")
    var controlMarginP: Float = 0.02
    @Option(help: """
            Rejected tokens (JSONL prompt/completion, each completion ending at the token a failing sample took \
            where it left every verified answer; tasks/rejected.py): a loss makes those tokens unlikely.
            """)
    var rejected: String?
    @Option(name: .customLong("rejected-cache"), help: "Hidden-state cache of the rejected-token data (default: DIR/rejected.cache).")
    var rejectedCache: String?
    @Option(name: .customLong("rejected-weight"), help: "Weight of the rejected-token loss.")
    var rejectedWeight: Double = 1
    @Option(name: .customLong("rejected-rows"), help: "Rejected-token positions per optimizer step.")
    var rejectedRows: Int = 16
    @Option(name: .customLong("temperature-loss-weight"),
            help: "Weight of the temperature loss (1 = official; 0 = T trained by the top-p loss only).")
    var temperatureLossWeight: Double = 1
    @Option(name: .customLong("sorted-head"),
            help: "Logits sorted exactly per position; the tail keeps vocabulary order (0 = sort all: exact, slower).")
    var sortedHead: Int = 8192
    @Option(name: .customLong("init"), help: """
            Starting heads: "static" (both heads output the best static T/P pair of a grid on the training \
            positions, so training only adds per-token variation) or "random" (PyTorch's default initialisation).
            """)
    var initialisation: Initialisation = .static
    @Option(name: .customLong("eval-every"),
            help: "Score the validation split every N steps (0 = four times per epoch); with --keep-best the best scoring heads are written.")
    var evalEvery: Int = 0
    @Flag(inversion: .prefixedNo,
          help: "Write the heads of the checkpoint (initial heads included) with the best validation score, not the last.")
    var keepBest = true
    @Option(name: .customLong("control-val-fraction"),
            help: "Share of control prompts held out from training to score instruction control in the validation score.")
    var controlValFraction: Double = 0.1
    @Option(help: """
            JSONL file of training metrics: one line per optimizer step (step, epoch, lr, loss, temperature_loss, \
            top_p_loss, control_loss with --control, mean_temperature, mean_top_p, gradient_norm before clipping, \
            positions_per_second), one "checkpoint" line per validation check (objective, control_loss, score, best), \
            then one "validation" line with the held-out objective of the written heads when there is a validation split.
            """)
    var metrics: String?

    func run() throws {
        let start = Date()
        let metricsLog = try metrics.map { try TrainingMetrics(path: $0) }
        let base = try Model(path: model, findHeads: false)
        var examples = try TrainingExample.load(jsonl: data)
        if let maxExamples { examples = Array(examples.prefix(max(maxExamples, 0))) }
        guard !examples.isEmpty else { throw ValidationError("no examples in \(data)") }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let cachePath = cache ?? (out as NSString).appendingPathComponent("hidden-states.cache")
        let store = try fillHiddenStateCache(model: base, examples: examples, path: cachePath,
                                             threads: threads, contextLength: contextLength)
        let isValidation = { (i: Int) -> Bool in ValidationSplit.isValidation(i, fraction: valFraction) }
        let train = try store.positions { $0 < examples.count && !isValidation($0) }
        let val = try store.positions { $0 < examples.count && isValidation($0) }
        guard train.count > 0 else { throw ValidationError("no training positions") }
        printError("\(train.count) training positions, \(val.count) validation positions")

        let pool = ThreadPool(threads: threads > 0 ? threads : nil)
        let output = try OutputProjection(model: base)
        var config = TrainerConfig()
        config.learningRate = lr
        config.batchPositions = batchPositions
        config.warmupSteps = warmup
        config.weightDecay = weightDecay
        config.clipNorm = clipNorm
        config.seed = seed
        config.sortedHead = sortedHead > 0 ? sortedHead : nil
        config.controlWeight = controlWeight
        config.temperatureLossWeight = temperatureLossWeight
        config.controlRows = controlRows
        config.controlMargins.temperature = controlMarginT
        config.controlMargins.topP = controlMarginP
        config.rejectedWeight = rejectedWeight
        config.rejectedRows = rejectedRows
        let stepsPerEpoch = (train.count + batchPositions - 1) / batchPositions
        config.totalSteps = max(stepsPerEpoch * epochs, 1)
        var initial = try AutoDecoHeads.randomlyInitialised(hiddenSize: base.config.dim, seed: seed)
        var initialPair: (Float, Float)?
        if initialisation == .static {
            let best = HeadsEvaluation.bestStaticPair(train, output: output, gridT: HeadsTrainingRun.initialGridT,
                                                      gridP: HeadsTrainingRun.initialGridP, pool: pool)
            let t = best.temperature ?? 1, p = best.topP ?? 0.99
            initial = try AutoDecoHeads.constantInitialised(hiddenSize: base.config.dim, seed: seed, temperature: t, topP: p)
            initialPair = (t, p)
            printError(String(format: "initial heads: the best static pair on the training positions, T %.2f P %.2f (objective %.5f)",
                              t, p, best.objective))
        }
        let trainer = try HeadsTrainer(heads: initial, output: output, config: config, pool: pool)
        let run = HeadsTrainingRun(trainer: trainer, train: train, validation: val, epochs: epochs)
        run.evalEvery = evalEvery
        run.keepBest = keepBest
        if let control {
            let controlExamples = try TrainingExample.load(jsonl: control)
            let path = controlCache ?? (out as NSString).appendingPathComponent("control.cache")
            let controlStore = try fillHiddenStateCache(model: base, examples: controlExamples, path: path,
                                                        threads: threads, contextLength: contextLength)
            let positions = try controlStore.positions { $0 < controlExamples.count }
            let all = try ControlTriples(examples: controlExamples, positions: positions)
            var (triples, held) = all.split { ValidationSplit.isValidation($0, fraction: controlValFraction) }
            if triples.rows.isEmpty { (triples, held) = (all, triples) }   // too few prompts to hold any out
            run.setControl(positions, training: triples, held: held)
            printError("instruction control: \(triples.groups.count) prompts (\(triples.rows.count) aligned positions) for training, "
                       + "\(held.groups.count) held out for validation")
        }
        if let rejected {
            let rejectedExamples = try TrainingExample.load(jsonl: rejected)
            let path = rejectedCache ?? (out as NSString).appendingPathComponent("rejected.cache")
            let rejectedStore = try fillHiddenStateCache(model: base, examples: rejectedExamples, path: path,
                                                         threads: threads, contextLength: contextLength)
            let positions = try rejectedStore.positions { $0 < rejectedExamples.count }
            let isHeld = { (i: Int) -> Bool in ValidationSplit.isValidation(i, fraction: valFraction) }
            let all = 0..<rejectedExamples.count
            let trainRows = RejectedTokenObjective.lastPositions(positions, examples: all.filter { !isHeld($0) })
            let heldRows = RejectedTokenObjective.lastPositions(positions, examples: all.filter(isHeld))
            guard !trainRows.isEmpty else { throw ValidationError("no rejected-token positions in \(rejected)") }
            run.setRejected(positions, training: trainRows, held: heldRows)
            printError("rejected tokens: \(trainRows.count) for training, \(heldRows.count) held out for validation")
        }

        // Progress and metrics; the run itself (steps, validation checks, checkpoint choice) is the engine's.
        let bar = ProgressBar(total: config.totalSteps, unit: "steps")
        var smoothed: Double?
        let (written, writtenStep) = try run.run(onStep: { s in
            smoothed = smoothed.map { 0.95 * $0 + 0.05 * s.loss.total } ?? s.loss.total
            try metricsLog?.step(s.step, epoch: s.epoch, learningRate: s.learningRate, loss: s.loss,
                                 withControl: control != nil, withRejected: rejected != nil,
                                 positionsPerSecond: s.positionsPerSecond)
            let rank = (control == nil ? "" : String(format: " rank %.4f", s.loss.controlLoss))
                + (rejected == nil ? "" : String(format: " rejected %.4f", s.loss.rejectedLoss))
            bar.update(s.step, detail: String(format: "loss %.4f (temp %.4f, top-p %.4f%@) T %.3f P %.3f  %.0f pos/s",
                                              smoothed ?? 0, s.loss.temperatureLoss, s.loss.topPLoss, rank,
                                              s.loss.meanTemperature, s.loss.meanTopP, s.positionsPerSecond))
        }, onCheckpoint: { c in
            try metricsLog?.checkpoint(c.step, objective: c.objective, controlLoss: c.controlLoss, score: c.score, best: c.best)
            bar.note(String(format: "checkpoint at step %d: validation objective %.5f%@, score %.5f%@",
                            c.step, c.objective,
                            (c.controlLoss.map { String(format: ", control %.4f", $0) } ?? "")
                                + (c.rejectedLoss.map { String(format: ", rejected %.4f", $0) } ?? ""),
                            c.score, c.best ? " (best)" : ""))
        })
        bar.finish()
        if writtenStep != trainer.stepCount { printError("writing the heads of step \(writtenStep) (best validation score)") }
        let last = run.lastLoss
        let speed = Double(run.positionsDone) / max(run.trainingSeconds, 1e-9)

        var metadata: [(String, String)] = [
            ("format", "pt"),
            ("autodeco.trainer", "autodeco train-heads \(AutoDecoVersion.string)"),
            ("autodeco.base_model", (model as NSString).lastPathComponent),
            ("autodeco.data", (data as NSString).lastPathComponent),
            ("autodeco.examples", "\(examples.count)"),
            ("autodeco.train_positions", "\(train.count)"),
            ("autodeco.val_positions", "\(val.count)"),
            ("autodeco.epochs", "\(epochs)"),
            ("autodeco.steps", "\(trainer.stepCount)"),
            ("autodeco.lr", "\(lr)"),
            ("autodeco.warmup", "\(warmup)"),
            ("autodeco.batch_positions", "\(batchPositions)"),
            ("autodeco.weight_decay", "\(weightDecay)"),
            ("autodeco.clip_norm", "\(clipNorm)"),
            ("autodeco.seed", "\(seed)"),
            ("autodeco.final_temperature_loss", String(format: "%.6f", last.temperatureLoss)),
            ("autodeco.final_top_p_loss", String(format: "%.6f", last.topPLoss)),
            ("autodeco.train_positions_per_second", String(format: "%.1f", speed)),
            ("autodeco.sorted_head", "\(sortedHead)"),
            ("autodeco.temperature_loss_weight", "\(temperatureLossWeight)"),
            ("autodeco.init", initialPair.map { String(format: "static T=%.2f P=%.2f", $0.0, $0.1) } ?? "random"),
            ("autodeco.written_step", "\(writtenStep)"),
        ]
        if let control {
            metadata += [("autodeco.control_data", (control as NSString).lastPathComponent),
                         ("autodeco.control_weight", "\(controlWeight)"),
                         ("autodeco.control_margins", "\(controlMarginT),\(controlMarginP)")]
        }
        if let rejected {
            metadata += [("autodeco.rejected_data", (rejected as NSString).lastPathComponent),
                         ("autodeco.rejected_weight", "\(rejectedWeight)")]
        }
        if val.count > 0 {
            let report = HeadsEvaluation.evaluate(val, output: output, heads: written, pool: pool)
            printReport(report)
            try metricsLog?.validation(report, afterStep: trainer.stepCount)
            if let t = report.headsMeanTemperature, let p = report.headsMeanTopP {
                // The calibrated static pair behind the "mean" sampler mode (MeanShift).
                metadata.append((AutoDecoHeads.meanTemperatureKey, String(format: "%.6f", t)))
                metadata.append((AutoDecoHeads.meanTopPKey, String(format: "%.6f", p)))
            }
            if let e = report.perToken {
                metadata.append(("autodeco.val_soft_top_p_objective", String(format: "%.6f", e.objective)))
                metadata.append(("autodeco.val_nll", String(format: "%.6f", e.plain)))
            }
        }
        try HeadsTrainingRun.write(written, to: out, metadata: metadata, model: base,
                                   modelFileName: (model as NSString).lastPathComponent)
        printError(String(format: "trained %d steps at %.0f positions/s; wrote %@ (%.0f s in all)",
                          trainer.stepCount, speed, out, Date().timeIntervalSince(start)))
    }
}

extension TrainHeads {
    enum Initialisation: String, ExpressibleByArgument, CaseIterable {
        case `static`, random
    }
}

/// Opens (or creates) the hidden-state cache at `path` and runs the model over every example
/// not in it yet, with a progress bar.
func fillHiddenStateCache(model: Model, examples: [TrainingExample], path: String, threads: Int,
                          contextLength: Int) throws -> HiddenStateCache {
    let store = try HiddenStateCache(path: path, hiddenSize: model.config.dim, vocabSize: model.config.vocabSize)
    var params = ContextParams()
    params.threads = threads
    params.contextLength = contextLength
    let missing = examples.indices.filter { !store.contains(example: $0) }.count
    guard missing > 0 else { return store }
    printError("caching hidden states of \(missing) examples in \(path)")
    let bar = ProgressBar(total: examples.count, unit: "examples")
    try store.fill(model: model, examples: examples, params: params) { done, _, positions in
        bar.update(done, detail: "\(positions) positions")
        return true
    }
    bar.finish()
    return store
}
