#if canImport(Glibc)
import Glibc
#endif

/// A whole training run of AutoDeco heads over cached positions: the epochs of optimizer steps,
/// the validation checks, the choice of the checkpoint to keep, and writing it in the official
/// layout. Front ends (the CLI's `train-heads`) only gather the inputs and report progress.
public final class HeadsTrainingRun {
    /// What one validation check measured.
    public struct Checkpoint: Sendable {
        public var step: Int
        /// Soft top-p objective on the validation split.
        public var objective: Double
        /// Ranking loss on the held-out control prompts, when there are some.
        public var controlLoss: Double?
        /// Rejected-token loss on the held-out rejected tokens, when there are some.
        public var rejectedLoss: Double?
        /// What the best checkpoint minimises: objective + weighted control and rejected losses.
        public var score: Double
        /// Whether this check scored best so far.
        public var best: Bool
    }

    /// One optimizer step, for progress reports and metrics.
    public struct Step: Sendable {
        public var step: Int
        public var epoch: Int
        public var learningRate: Float
        public var loss: BatchLoss
        public var positionsPerSecond: Double
    }

    public let trainer: HeadsTrainer
    public let train: TrainingPositions
    public let validation: TrainingPositions
    public let epochs: Int
    /// Steps between validation checks (0: four per epoch).
    public var evalEvery = 0
    /// Write the best-scoring checkpoint (the initial heads included) rather than the last.
    public var keepBest = true
    private var controlCheck: (positions: TrainingPositions, triples: ControlTriples)?
    private var rejectedCheck: (positions: TrainingPositions, indices: [Int])?
    private var best = BestCheckpoint()
    public private(set) var positionsDone = 0
    public private(set) var trainingSeconds = 0.0
    public private(set) var lastLoss = BatchLoss()

    public init(trainer: HeadsTrainer, train: TrainingPositions, validation: TrainingPositions, epochs: Int) {
        self.trainer = trainer
        self.train = train
        self.validation = validation
        self.epochs = epochs
    }

    public var stepsPerEpoch: Int { (train.count + trainer.config.batchPositions - 1) / trainer.config.batchPositions }

    /// Instruction control: `training` triples join every step, `held` ones the validation score.
    public func setControl(_ positions: TrainingPositions, training: ControlTriples, held: ControlTriples) {
        trainer.setControl(positions, triples: training)
        controlCheck = held.rows.isEmpty ? nil : (positions, held)
    }

    /// Rejected tokens: `training` rows join every step, `held` ones the validation score.
    public func setRejected(_ positions: TrainingPositions, training: [Int], held: [Int]) {
        trainer.setRejected(positions, indices: training)
        rejectedCheck = held.isEmpty ? nil : (positions, held)
    }

    /// Scores the current heads on the validation split and offers them as the best checkpoint.
    func check() -> Checkpoint? {
        guard validation.count > 0 else { return nil }
        let c = trainer.config, pool = trainer.pool, output = trainer.output
        let e = HeadsEvaluation.perTokenScore(validation, output: output, heads: trainer.heads, sortedHead: c.sortedHead, pool: pool)
        let control = controlCheck.map {
            ControlEvaluation.rankingLoss($0.positions, triples: $0.triples, output: output, heads: trainer.heads,
                                          margins: c.controlMargins, pool: pool)
        }
        let rejected = rejectedCheck.map {
            RejectedTokenObjective.meanLoss($0.positions, indices: $0.indices, output: output, heads: trainer.heads,
                                            sortedHead: c.sortedHead, pool: pool)
        }
        let score = e.objective + c.controlWeight * (control ?? 0) + c.rejectedWeight * (rejected ?? 0)
        let improved = best.offer(trainer.heads, step: trainer.stepCount, score: score)
        return Checkpoint(step: trainer.stepCount, objective: e.objective, controlLoss: control, rejectedLoss: rejected,
                          score: score, best: improved)
    }

    /// Trains for `epochs`, checking the validation split before the first step, every
    /// `evalEvery` steps and at the end. Returns the heads to write and the step they come from.
    public func run(onStep: (Step) throws -> Void, onCheckpoint: (Checkpoint) throws -> Void) throws
        -> (heads: AutoDecoHeads, step: Int) {
        let interval = evalEvery > 0 ? evalEvery : max(stepsPerEpoch / 4, 1)
        if let c = check() { try onCheckpoint(c) }
        let start = Self.monotonicSeconds()
        for epoch in 0..<epochs {
            let order = trainer.shuffledOrder(train.count)
            var at = 0
            while at < order.count {
                let idx = order[at..<min(at + trainer.config.batchPositions, order.count)]
                lastLoss = try trainer.step(train, indices: idx)
                at += idx.count
                positionsDone += idx.count
                trainingSeconds = Self.monotonicSeconds() - start
                try onStep(Step(step: trainer.stepCount, epoch: epoch + 1,
                                learningRate: trainer.config.learningRate(atStep: trainer.stepCount - 1), loss: lastLoss,
                                positionsPerSecond: Double(positionsDone) / max(trainingSeconds, 1e-9)))
                if trainer.stepCount % interval == 0 && trainer.stepCount < trainer.config.totalSteps,
                   let c = check() { try onCheckpoint(c) }
            }
        }
        if trainer.stepCount > 0, let c = check() { try onCheckpoint(c) }
        trainingSeconds = Self.monotonicSeconds() - start
        if keepBest, let heads = best.heads { return (heads, best.step) }
        return (trainer.heads, trainer.stepCount)
    }

    /// Where static initialisation looks: T ∈ {0.05 … 1.5 step 0.05} × P ∈ {0.5 … 0.95 step 0.05,
    /// 0.99} (P = 1 is out of a sigmoid's reach).
    public static let initialGridT: [Float] = (1...30).map { Float($0) / 20 }
    public static let initialGridP: [Float] = (10...19).map { Float($0) / 20 } + [0.99]

    /// Writes `heads` as DIR/model.safetensors (with `metadata` in its header) and DIR/config.json
    /// in the official layout, plus the identity of the model they were trained for (HeadsIdentity).
    public static func write(_ heads: AutoDecoHeads, to dir: String, metadata: [(String, String)],
                             model: Model, modelFileName: String) throws {
        try heads.safetensors(metadata: metadata).write(to: dir + "/model.safetensors")
        var fields: [(String, JSON)] = [
            ("model_type", .string("autodeco")),
            ("base_model_name_or_path", .string(modelFileName)),
            ("enable_temperature_head", .bool(true)),
            ("enable_top_p_head", .bool(true)),
            ("use_enhanced_features", .bool(true)),
        ]
        fields += HeadsIdentity(model: model).configFields
        try writeFile(Array((JSON.object(fields).pretty + "\n").utf8), to: dir + "/config.json")
    }

    /// Seconds on the monotonic clock (the engine does without Foundation).
    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
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

/// Which examples are held out: a fixed hash of the example index, so the split never
/// changes when the data file grows or the cache is resumed.
public enum ValidationSplit {
    public static func isValidation(_ index: Int, fraction: Double) -> Bool {
        var x = UInt64(index) &+ 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        x ^= x >> 31
        return Double(x % 1_000_000) < fraction * 1_000_000
    }
}
