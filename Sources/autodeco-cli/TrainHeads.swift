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
            let best = HeadsEvaluation.bestStaticPair(train, output: output, gridT: Self.initialGridT,
                                                      gridP: Self.initialGridP, pool: pool)
            let t = best.temperature ?? 1, p = best.topP ?? 0.99
            initial = try AutoDecoHeads.constantInitialised(hiddenSize: base.config.dim, seed: seed, temperature: t, topP: p)
            initialPair = (t, p)
            printError(String(format: "initial heads: the best static pair on the training positions, T %.2f P %.2f (objective %.5f)",
                              t, p, best.objective))
        }
        let trainer = try HeadsTrainer(heads: initial, output: output, config: config, pool: pool)
        var controlCheck: (positions: TrainingPositions, triples: ControlTriples)?
        if let control {
            let controlExamples = try TrainingExample.load(jsonl: control)
            let path = controlCache ?? (out as NSString).appendingPathComponent("control.cache")
            let controlStore = try fillHiddenStateCache(model: base, examples: controlExamples, path: path,
                                                        threads: threads, contextLength: contextLength)
            let positions = try controlStore.positions { $0 < controlExamples.count }
            let all = try ControlTriples(examples: controlExamples, positions: positions)
            var (triples, held) = all.split { ValidationSplit.isValidation($0, fraction: controlValFraction) }
            if triples.rows.isEmpty { (triples, held) = (all, triples) }   // too few prompts to hold any out
            trainer.setControl(positions, triples: triples)
            if !held.rows.isEmpty { controlCheck = (positions, held) }
            printError("instruction control: \(triples.groups.count) prompts (\(triples.rows.count) aligned positions) for training, "
                       + "\(held.groups.count) held out for validation")
        }

        var rejectedCheck: (positions: TrainingPositions, indices: [Int])?
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
            trainer.setRejected(positions, indices: trainRows)
            if !heldRows.isEmpty { rejectedCheck = (positions, heldRows) }
            printError("rejected tokens: \(trainRows.count) for training, \(heldRows.count) held out for validation")
        }

        // Validation score: the soft top-p objective on the validation split plus the weighted
        // ranking loss on the held-out control prompts and the weighted rejected-token loss on
        // the held-out rejected tokens (what training minimises, less the auxiliary temperature loss).
        var best = BestCheckpoint()
        let bar = ProgressBar(total: config.totalSteps, unit: "steps")
        func check() throws {
            guard val.count > 0 else { return }
            let e = HeadsEvaluation.perTokenScore(val, output: output, heads: trainer.heads, sortedHead: config.sortedHead, pool: pool)
            let c = controlCheck.map {
                ControlEvaluation.rankingLoss($0.positions, triples: $0.triples, output: output, heads: trainer.heads,
                                              margins: config.controlMargins, pool: pool)
            }
            let r = rejectedCheck.map {
                RejectedTokenObjective.meanLoss($0.positions, indices: $0.indices, output: output, heads: trainer.heads,
                                                sortedHead: config.sortedHead, pool: pool)
            }
            let score = e.objective + controlWeight * (c ?? 0) + rejectedWeight * (r ?? 0)
            let improved = best.offer(trainer.heads, step: trainer.stepCount, score: score)
            try metricsLog?.checkpoint(trainer.stepCount, objective: e.objective, controlLoss: c, score: score, best: improved)
            bar.note(String(format: "checkpoint at step %d: validation objective %.5f%@, score %.5f%@",
                              trainer.stepCount, e.objective,
                              (c.map { String(format: ", control %.4f", $0) } ?? "") + (r.map { String(format: ", rejected %.4f", $0) } ?? ""),
                              score, improved ? " (best)" : ""))
        }
        let interval = evalEvery > 0 ? evalEvery : max(stepsPerEpoch / 4, 1)
        try check()

        var smoothed: Double?
        var last = BatchLoss()
        let trainStart = Date()
        var positionsDone = 0
        for epoch in 0..<epochs {
            let order = trainer.shuffledOrder(train.count)
            var at = 0
            while at < order.count {
                let idx = order[at..<min(at + batchPositions, order.count)]
                last = try trainer.step(train, indices: idx)
                at += idx.count
                positionsDone += idx.count
                smoothed = smoothed.map { 0.95 * $0 + 0.05 * last.total } ?? last.total
                let rate = Double(positionsDone) / max(Date().timeIntervalSince(trainStart), 1e-9)
                try metricsLog?.step(trainer.stepCount, epoch: epoch + 1,
                                     learningRate: config.learningRate(atStep: trainer.stepCount - 1),
                                     loss: last, withControl: control != nil, withRejected: rejected != nil,
                                     positionsPerSecond: rate)
                let rank = (control == nil ? "" : String(format: " rank %.4f", last.controlLoss))
                    + (rejected == nil ? "" : String(format: " rejected %.4f", last.rejectedLoss))
                bar.update(trainer.stepCount, detail: String(format: "loss %.4f (temp %.4f, top-p %.4f%@) T %.3f P %.3f  %.0f pos/s",
                                                             smoothed ?? 0, last.temperatureLoss, last.topPLoss, rank,
                                                             last.meanTemperature, last.meanTopP, rate))
                if trainer.stepCount % interval == 0 && trainer.stepCount < config.totalSteps { try check() }
            }
        }
        bar.finish()
        if trainer.stepCount > 0 { try check() }
        let written = keepBest ? (best.heads ?? trainer.heads) : trainer.heads
        let writtenStep = keepBest && best.heads != nil ? best.step : trainer.stepCount
        if keepBest, best.heads != nil { printError("writing the heads of step \(writtenStep) (best validation score)") }
        let trainSeconds = Date().timeIntervalSince(trainStart)
        let speed = Double(positionsDone) / max(trainSeconds, 1e-9)

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
        try written.safetensors(metadata: metadata).write(to: (out as NSString).appendingPathComponent("model.safetensors"))
        // The official layout, plus the GGUF's name: heads are discovered by this identity.
        var fields: [(String, JSON)] = [
            ("model_type", .string("autodeco")),
            ("base_model_name_or_path", .string((model as NSString).lastPathComponent)),
            ("enable_temperature_head", .bool(true)),
            ("enable_top_p_head", .bool(true)),
            ("use_enhanced_features", .bool(true)),
        ]
        fields += HeadsIdentity(model: base).configFields
        let configJSON = JSON.object(fields)
        try (configJSON.pretty + "\n").write(toFile: (out as NSString).appendingPathComponent("config.json"),
                                             atomically: true, encoding: .utf8)
        printError(String(format: "trained %d steps at %.0f positions/s; wrote %@ (%.0f s in all)",
                          trainer.stepCount, speed, out, Date().timeIntervalSince(start)))
    }
}

extension TrainHeads {
    enum Initialisation: String, ExpressibleByArgument, CaseIterable {
        case `static`, random
    }

    /// Where static initialisation looks: T ∈ {0.05 … 1.5 step 0.05} × P ∈ {0.5 … 0.95 step 0.05, 0.99}
    /// (P = 1 is out of a sigmoid's reach).
    static let initialGridT: [Float] = (1...30).map { Float($0) / 20 }
    static let initialGridP: [Float] = (10...19).map { Float($0) / 20 } + [0.99]
}

/// The heads with the lowest validation score offered so far.
struct BestCheckpoint {
    private(set) var heads: AutoDecoHeads?
    private(set) var step = 0
    private(set) var score = Double.infinity

    /// Keeps `candidate` if it scores lower than every earlier one; says whether it did.
    mutating func offer(_ candidate: AutoDecoHeads, step: Int, score: Double) -> Bool {
        guard score < self.score else { return false }
        heads = candidate; self.step = step; self.score = score
        return true
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

/// Which examples are held out: a fixed hash of the example index, so the split never
/// changes when the data file grows or the cache is resumed.
enum ValidationSplit {
    static func isValidation(_ index: Int, fraction: Double) -> Bool {
        var x = UInt64(index) &+ 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        x ^= x >> 31
        return Double(x % 1_000_000) < fraction * 1_000_000
    }
}
