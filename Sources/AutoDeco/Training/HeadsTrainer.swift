import CBLAS

/// The losses of one minibatch.
public struct BatchLoss: Sendable {
    /// DFT-weighted CE at T, mean over the positions kept by easy-token masking.
    public var temperatureLoss: Double = 0
    /// DFT-weighted soft top-p NLL, mean over all positions.
    public var topPLoss: Double = 0
    public var kept = 0
    public var count = 0
    public var meanTemperature: Double = 0
    public var meanTopP: Double = 0
    public var gradientNorm: Double = 0
    /// The instruction-control ranking loss (unweighted), 0 without control data.
    public var controlLoss: Double = 0
    /// The rejected-token loss (unweighted), 0 without rejected tokens.
    public var rejectedLoss: Double = 0
    public var total: Double { temperatureLoss + topPLoss }

    public init() {}
}

/// Trains the AutoDeco heads on cached hidden states (docs/autodeco.md), the base model
/// frozen. Loss = temperature loss + soft top-p loss. Gradients are analytic: T receives
/// both losses (the top-p loss through p = softmax(l/T), the cumulative sum included); P the
/// top-p loss. The top-p head's inputs T and the four statistics of softmax(l/(T+1e-8)) are
/// treated as constants (detached), as the official code detaches T.
public final class HeadsTrainer {
    public let config: TrainerConfig
    public let output: OutputProjection
    public private(set) var parameters: [Float]
    public private(set) var heads: AutoDecoHeads
    public private(set) var stepCount = 0
    /// The worker threads every minibatch is split over.
    public var pool: ThreadPool { batch.pool }
    private var optimizer: AdamW
    private var rng: RandomGenerator
    private let batch: HeadsBatch
    private var control: (positions: TrainingPositions, triples: ControlTriples, batch: HeadsBatch)?
    private var rejected: (positions: TrainingPositions, indices: [Int], batch: HeadsBatch)?

    public init(heads: AutoDecoHeads, output: OutputProjection, config: TrainerConfig, pool: ThreadPool) throws {
        try config.validate()
        guard heads.hiddenSize == output.hiddenSize else {
            throw TrainingError.invalid("heads are for hidden size \(heads.hiddenSize), the model has \(output.hiddenSize)")
        }
        self.config = config
        self.output = output
        self.heads = heads
        parameters = heads.flatParameters
        optimizer = AdamW(count: parameters.count, beta1: config.beta1, beta2: config.beta2,
                          epsilon: config.epsilon, weightDecay: config.weightDecay)
        rng = RandomGenerator(seed: config.seed)
        batch = HeadsBatch(capacity: config.batchPositions, hiddenSize: output.hiddenSize,
                           vocabSize: output.vocabSize, pool: pool)
    }

    /// Adds the instruction-control ranking loss over `triples` (rows into `positions`) to
    /// every following step.
    public func setControl(_ positions: TrainingPositions, triples: ControlTriples) {
        let b = HeadsBatch(capacity: 3 * config.controlRows, hiddenSize: output.hiddenSize,
                           vocabSize: output.vocabSize, pool: batch.pool)
        control = (positions, triples, b)
    }

    /// Adds the rejected-token loss over positions `indices` of `positions` (each one's target
    /// is a rejected token) to every following step: `rejectedRows` of them drawn per step.
    public func setRejected(_ positions: TrainingPositions, indices: [Int]) {
        guard !indices.isEmpty else { rejected = nil; return }
        let b = HeadsBatch(capacity: config.rejectedRows, hiddenSize: output.hiddenSize,
                           vocabSize: output.vocabSize, pool: batch.pool)
        rejected = (positions, indices, b)
    }

    /// The mean rejected-token loss of positions `rows` (indices into the rejected set, at most
    /// `rejectedRows`) and its gradient, added into `grad` scaled by `rejectedWeight`.
    public func rejectedLossAndGradient(rows: [Int], into grad: inout [Float]) -> Double {
        guard let (positions, indices, b) = rejected else { return 0 }
        let picked = rows.filter { indices.indices.contains($0) }.prefix(config.rejectedRows).map { indices[$0] }
        guard !picked.isEmpty else { return 0 }
        b.load(positions, indices: picked[...], output: output, heads: heads, sortedHead: config.sortedHead)
        let terms = b.rejectedLosses(gradients: true)
        let n = b.count, scale = config.rejectedWeight / Double(n)
        var dz = [Float](repeating: 0, count: n), du = dz, total = 0.0
        for k in 0..<n {
            let t = Double(b.temperatures[k]), p = Double(b.topPs[k])
            total += terms[k].loss
            dz[k] = Float(scale * terms[k].gradT * t * (1 - t / 2))
            du[k] = Float(scale * terms[k].gradP * p * (1 - p))
        }
        backwardBoth(dz: dz, du: du, batch: b, into: &grad)
        return total / Double(n)
    }

    /// The ranking loss of control rows `rows` (at most `controlRows`) and its gradient, added
    /// into `grad` scaled by `controlWeight`. Each row contributes its low, none and high
    /// positions; T and P are ranked with the configured margins.
    public func controlLossAndGradient(rows: [Int], into grad: inout [Float]) -> Double {
        guard let (positions, triples, b) = control else { return 0 }
        let valid = rows.filter { triples.rows.indices.contains($0) }
        guard !valid.isEmpty else { return 0 }
        let r = min(valid.count, config.controlRows)
        var indices = [Int](repeating: 0, count: 3 * r)
        for (k, row) in valid.prefix(r).enumerated() {
            let t = triples.rows[row]
            indices[k] = t.low; indices[r + k] = t.none; indices[2 * r + k] = t.high
        }
        b.load(positions, indices: indices[...], output: output, heads: heads, lossInputs: false)
        var gradT = [Double](repeating: 0, count: 3 * r), gradP = gradT
        let lossT = RankingObjective.loss(b.temperatures, rows: r, margin: config.controlMargins.temperature, grad: &gradT)
        let lossP = RankingObjective.loss(b.topPs, rows: r, margin: config.controlMargins.topP, grad: &gradP)
        let w = config.controlWeight
        var dz = [Float](repeating: 0, count: 3 * r), du = dz
        for k in 0..<3 * r {
            let t = Double(b.temperatures[k]), p = Double(b.topPs[k])
            dz[k] = Float(w * gradT[k] * t * (1 - t / 2))
            du[k] = Float(w * gradP[k] * p * (1 - p))
        }
        backwardBoth(dz: dz, du: du, batch: b, into: &grad)
        return lossT + lossP
    }

    /// Loss and gradient (flat, `flatParameters` layout) of the current heads on positions
    /// `indices` (at most `batchPositions`). `maskDraws[k]`, uniform in [0, 1), drops an easy
    /// position k from the temperature loss when below `easyDropFraction`; nil keeps all.
    public func lossAndGradient(_ positions: TrainingPositions, indices: ArraySlice<Int>,
                                maskDraws: [Double]? = nil) -> (BatchLoss, [Float]) {
        let b = batch
        b.load(positions, indices: indices, output: output, heads: heads, sortedHead: config.sortedHead)
        let n = b.count, v = b.vocabSize
        var terms = [SoftTopPObjective.Terms](repeating: .init(), count: n)
        terms.withUnsafeMutableBufferPointer { out in
            guard let slots = out.baseAddress else { return }
            b.pool.parallelFor(n) { range, thread in
                let s = b.scratch(forThread: thread)
                for k in range {
                    slots[k] = SoftTopPObjective.terms(sorted: b.sorted + k * v, count: v, rank: b.ranks[k],
                                                       temperature: b.temperatures[k], topP: b.topPs[k],
                                                       weight: b.weights[k], gradients: true, p: s.p, m: s.m, e: s.e)
                }
            }
        }
        // Reductions in position order: deterministic for any thread count.
        var keep = [Bool](repeating: true, count: n)
        if let draws = maskDraws {
            for k in 0..<n where b.easy[k] && k < draws.count && draws[k] < config.easyDropFraction { keep[k] = false }
        }
        var loss = BatchLoss()
        loss.count = n
        loss.kept = keep.filter { $0 }.count
        let invKept = loss.kept > 0 ? 1 / Double(loss.kept) : 0, invN = 1 / Double(max(n, 1))
        var dz = [Float](repeating: 0, count: n), du = [Float](repeating: 0, count: n)
        for k in 0..<n {
            let t = Double(b.temperatures[k]), p = Double(b.topPs[k]), w = b.weights[k]
            var gradT = terms[k].nllGradT * invN
            if keep[k] {
                loss.temperatureLoss += w * terms[k].ce * invKept
                gradT += config.temperatureLossWeight * w * terms[k].ceGradT * invKept
            }
            loss.topPLoss += terms[k].nll * invN
            loss.meanTemperature += t * invN
            loss.meanTopP += p * invN
            dz[k] = Float(gradT * t * (1 - t / 2))          // T = 2σ(z): dT/dz = T(1 − T/2)
            du[k] = Float(terms[k].nllGradP * invN * p * (1 - p))   // P = σ(u)
        }
        var grad = [Float](repeating: 0, count: parameters.count)
        backwardBoth(dz: dz, du: du, batch: b, into: &grad)
        return (loss, grad)
    }

    /// Adds the gradients of both heads for pre-sigmoid output gradients `dz` (T) and `du` (P).
    private func backwardBoth(dz: [Float], du: [Float], batch b: HeadsBatch, into grad: inout [Float]) {
        let o = AutoDecoHeads.tensorOffsets(hiddenSize: b.hiddenSize)
        grad.withUnsafeMutableBufferPointer { g in
            guard let base = g.baseAddress else { return }
            backward(dz, activations: b.tempActivations, w2: heads.tempW2, inputs: b.hidden, inputSize: b.hiddenSize,
                     gW1: base + o[0], gB1: base + o[1], gW2: base + o[2], gB2: base + o[3])
            backward(du, activations: b.topPActivations, w2: heads.topPW2, inputs: b.topPInputs,
                     inputSize: b.hiddenSize + 5, gW1: base + o[4], gB1: base + o[5], gW2: base + o[6], gB2: base + o[7])
        }
    }

    /// Back-propagates d(loss)/d(pre-sigmoid output) `dOut` ([B]) through one MLP head,
    /// adding into the gradient buffers.
    private func backward(_ dOut: [Float], activations act: UnsafeMutablePointer<Float>, w2: [Float],
                          inputs: UnsafePointer<Float>, inputSize: Int,
                          gW1: UnsafeMutablePointer<Float>, gB1: UnsafeMutablePointer<Float>,
                          gW2: UnsafeMutablePointer<Float>, gB2: UnsafeMutablePointer<Float>) {
        let n = dOut.count, w = AutoDecoHeads.width
        guard n > 0 else { return }
        let dHidden = UnsafeMutablePointer<Float>.allocate(capacity: n * w)
        defer { dHidden.deallocate() }
        for k in 0..<n {
            let d = dOut[k], a = act + k * w, dh = dHidden + k * w
            gB2[0] += d
            for j in 0..<w {
                gW2[j] += d * a[j]
                dh[j] = a[j] > 0 ? d * w2[j] : 0
                gB1[j] += dh[j]
            }
        }
        // gW1[256][in] += dHiddenᵀ[256][B] · inputs[B][in]
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(w), Int32(inputSize), Int32(n), 1,
                    dHidden, Int32(w), inputs, Int32(inputSize), 1, gW1, Int32(inputSize))
    }

    /// One optimizer step on positions `indices`: easy-token mask drawn from the trainer's
    /// seeded generator, gradient clipped to `clipNorm`, AdamW at the scheduled rate.
    @discardableResult
    public func step(_ positions: TrainingPositions, indices: ArraySlice<Int>) throws -> BatchLoss {
        let draws = (0..<indices.count).map { _ in rng.nextUnit() }
        var (loss, grad) = lossAndGradient(positions, indices: indices, maskDraws: draws)
        if let c = control {
            let rows = (0..<config.controlRows).map { _ in Int(rng.next() % UInt64(c.triples.rows.count)) }
            loss.controlLoss = controlLossAndGradient(rows: rows, into: &grad)
        }
        if let r = rejected {
            let rows = (0..<config.rejectedRows).map { _ in Int(rng.next() % UInt64(r.indices.count)) }
            loss.rejectedLoss = rejectedLossAndGradient(rows: rows, into: &grad)
        }
        var sq = 0.0
        for g in grad { sq += Double(g) * Double(g) }
        loss.gradientNorm = sq.squareRoot()
        if config.clipNorm > 0, loss.gradientNorm > Double(config.clipNorm) {
            let scale = Float(Double(config.clipNorm) / loss.gradientNorm)
            for i in grad.indices { grad[i] *= scale }
        }
        let lr = config.learningRate(atStep: stepCount)
        optimizer.update(&parameters, grad: grad, lr: lr)
        heads = try AutoDecoHeads(hiddenSize: heads.hiddenSize, flat: parameters)
        stepCount += 1
        return loss
    }

    /// A fresh random order of 0..<count from the trainer's generator (one epoch).
    public func shuffledOrder(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }
}
