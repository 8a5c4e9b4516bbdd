#if canImport(Glibc)
import Glibc
#endif

/// One conversation with a model: KV cache, buffers, sampler and its random generator.
/// Not thread-safe: use one context per thread (a model may be shared by many contexts).
/// `cancel()` is the exception: any thread may call it.
public final class InferenceContext {
    public let model: Model
    public private(set) var params: ContextParams
    let transformer: Transformer
    let sampler: Sampler
    /// Every token whose keys and values are in the cache, in order.
    public private(set) var history: [Int32] = []
    /// Tokens fed but not yet run through the model (the prompt, or the last sampled token).
    public private(set) var pending: [Int32] = []
    private let cancelFlag = AtomicFlag()
    /// AutoDeco heads used by the `autodeco` and `override` sampler modes.
    public var heads: AutoDecoHeads? {
        didSet {
            if let h = heads, h.hiddenSize != model.config.dim { heads = nil }
            attachHeadsRunner()
        }
    }
    private var headsRunner: HeadsRunner?
    /// KV caches of sequences 1 ..< sequenceCapacity of `generateBatch` (sequence 0 uses the
    /// context's own cache).
    let sequenceCaches: [KVCache]

    /// Worker threads of the context's pool (`params.threads`, or one per core).
    public var threadCount: Int { transformer.pool.threadCount }

    public init(model: Model, params: ContextParams = ContextParams()) throws {
        try params.validate(model: model)
        self.model = model
        self.params = params
        let threads: Int? = params.threads > 0 ? params.threads : nil
        transformer = try Transformer(model: model, weights: try model.weights(),
                                      contextCapacity: params.contextLength,
                                      batchCapacity: min(params.batchSize, params.contextLength),
                                      sequenceCapacity: params.sequenceCapacity,
                                      pool: ThreadPool(threads: threads))
        transformer.integerPrefill = params.prefill == .integer
        let c = model.config
        sequenceCaches = try (1..<params.sequenceCapacity).map { _ in
            try KVCache(layerCount: c.layerCount, capacity: params.contextLength, kvDim: c.kvHeadCount * c.headDim)
        }
        sampler = Sampler(vocabSize: model.config.vocabSize, seed: params.sampler.seed)
        heads = model.defaultHeads
        attachHeadsRunner()   // observers do not run during init
    }

    deinit {
        transformer.logitsCompanion = nil
    }

    /// Prepares the decode-time form of `heads` and has the forward pass compute the heads'
    /// first layers alongside the logits.
    private func attachHeadsRunner() {
        transformer.logitsCompanion = nil
        headsRunner = heads.map { HeadsRunner(heads: $0, vocabSize: vocabSize) }
        if let r = headsRunner { transformer.logitsCompanion = (r.firstLayerMatrix, r.projected) }
    }

    public var vocabSize: Int { model.config.vocabSize }
    public var position: Int { transformer.cache.count }
    public var contextLength: Int { params.contextLength }

    /// Logits of the last position run (valid until the next forward pass).
    public var logits: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: transformer.state.logits, count: vocabSize)
    }

    /// Final normed hidden state of the last position run (the heads' input).
    public var lastHidden: UnsafeBufferPointer<Float> {
        let n = max(lastBatchCount, 1)
        return UnsafeBufferPointer(start: transformer.state.hidden + (n - 1) * model.config.dim, count: model.config.dim)
    }
    private var lastBatchCount = 0

    // MARK: - Feeding tokens

    /// Queues tokens for the next forward pass (validated now, run by `evaluate` or `step`).
    public func feed(_ tokens: [Int32]) throws {
        for t in tokens where t < 0 || Int(t) >= vocabSize {
            throw ContextError.invalidToken(t, vocabSize: vocabSize)
        }
        let needed = position + pending.count + tokens.count
        guard needed <= params.contextLength else {
            throw ContextError.contextFull(capacity: params.contextLength, needed: needed)
        }
        pending += tokens
    }

    /// Runs every pending token through the model in batches of `batchSize`; afterwards
    /// `logits` and `lastHidden` belong to the last of them.
    public func evaluate() throws {
        cancelFlag.clear()
        try runPending(hiddenStates: nil)
    }

    /// As `evaluate()`, also handing over the final normed hidden state of every position
    /// run: `hiddenStates(first, rows)` gets the pending tokens `first ..< first + n` as n
    /// rows of `dim` floats (valid during the call). Training caches these.
    public func evaluate(hiddenStates: ((Int, UnsafeBufferPointer<Float>) throws -> Void)?) throws {
        cancelFlag.clear()
        try runPending(hiddenStates: hiddenStates)
    }

    /// `evaluate` without clearing an earlier cancel request (generation loops use this, so a
    /// cancel that arrives between two tokens is not lost).
    func runPending(hiddenStates: ((Int, UnsafeBufferPointer<Float>) throws -> Void)? = nil) throws {
        guard !pending.isEmpty else { throw ContextError.emptyInput }
        var start = 0
        while start < pending.count {
            if cancelFlag.isSet {
                pending.removeFirst(start)
                throw ContextError.cancelled
            }
            let n = min(transformer.state.batchCapacity, pending.count - start)
            let isLast = start + n == pending.count
            pending.withUnsafeBufferPointer { buf in
                if let base = buf.baseAddress {
                    transformer.forward(tokens: base + start, count: n, computeLogits: isLast)
                }
            }
            history += pending[start..<start + n]
            lastBatchCount = n
            if let hiddenStates {
                do {
                    try hiddenStates(start, UnsafeBufferPointer(start: transformer.state.hidden, count: n * model.config.dim))
                } catch {
                    pending.removeFirst(start + n)   // what ran stays in the cache
                    throw error
                }
            }
            start += n
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Feeds `tokens` and runs them: the logits of the last one are then available.
    public func decode(_ tokens: [Int32]) throws {
        try feed(tokens)
        try evaluate()
    }

    // MARK: - Sampling

    public func setSampler(_ p: SamplerParams) throws {
        try p.validate()
        if p.seed != params.sampler.seed { sampler.reseed(p.seed) }
        params.sampler = p
    }

    /// The heads' predictions for the current position (nil without heads).
    public struct Prediction: Sendable, Equatable {
        public var temperature: Float
        public var topP: Float
        /// Statistics of softmax(logits / temperature) that the top-p head read.
        public var stats: DistributionStats
    }

    /// The heads' prediction made by the last `sampleCurrent` (nil without heads).
    public private(set) var lastPrediction: Prediction?

    /// Runs both heads on the last position's hidden state and logits.
    public func predict() -> Prediction? {
        guard let hp = lastHidden.baseAddress else { return nil }
        return predict(hidden: hp, logits: transformer.state.logits, projected: transformer.companionIsCurrent)
    }

    /// Runs both heads on one position's final hidden state and logits; `projected` says the
    /// forward pass already computed the heads' first layers for this hidden state.
    func predict(hidden hp: UnsafePointer<Float>, logits: UnsafePointer<Float>, projected: Bool) -> Prediction? {
        guard let runner = headsRunner else { return nil }
        if !projected { runner.project(hidden: hp, pool: transformer.pool) }
        // The statistics' softmax goes to the sampler's buffer, which `choose` can reuse.
        let r = runner.predict(logits: logits, pool: transformer.pool, probs: sampler.probabilities)
        return Prediction(temperature: r.temperature, topP: r.topP, stats: r.stats)
    }

    /// Fails early (before any forward pass changes the context) when the sampler needs heads
    /// the context does not have.
    public func checkSamplerCanRun() throws {
        try checkCanRun(params.sampler)
    }

    /// Throws unless sampler settings `sp` can run with this context's heads.
    func checkCanRun(_ sp: SamplerParams) throws {
        let mode = sp.mode
        // .autodeco without heads is the default policy's greedy fallback, not an error.
        if (mode == .override || mode == .mean) && heads == nil { throw ContextError.noHeads }
        if mode == .mean && (heads?.meanTemperature == nil || heads?.meanTopP == nil) {
            throw ContextError.invalidParameter("the mean sampler needs heads whose checkpoint records their mean T and P (\(AutoDecoHeads.meanTemperatureKey))")
        }
    }

    /// Chooses the next token from the current logits with the context's sampler settings.
    public func sampleCurrent() throws -> SampledToken {
        guard let hp = lastHidden.baseAddress else { throw ContextError.emptyInput }
        let (s, prediction) = try choose(logits: transformer.state.logits, hidden: hp, history: history[...],
                                         projected: transformer.companionIsCurrent)
        lastPrediction = prediction
        return s
    }

    /// The sampler's choice for one position from its `logits` (the repetition penalty
    /// changes them in place) and final `hidden` state, given the tokens before it; also the
    /// heads' prediction, reported in every mode when heads are attached. Draws with
    /// `sampler`'s current generator, with `settings` (default: the context's sampler settings).
    func choose(logits: UnsafeMutablePointer<Float>, hidden: UnsafePointer<Float>,
                history: ArraySlice<Int32>, projected: Bool,
                settings: SamplerParams? = nil) throws -> (SampledToken, Prediction?) {
        let sp = settings ?? params.sampler
        if sp.repetitionPenalty != 1 {
            Sampler.applyRepetitionPenalty(logits, vocabSize: vocabSize,
                                           recent: history.suffix(sp.repetitionWindow), penalty: sp.repetitionPenalty)
        }
        var temperature = sp.temperature
        var topP = sp.topP
        let lastPrediction = predict(hidden: hidden, logits: logits, projected: projected)
        switch sp.mode {
        case .greedy:
            return (sampler.greedy(logits), lastPrediction)
        case .staticSampling:
            break
        case .mean:
            try checkCanRun(sp)
            temperature = (heads?.meanTemperature ?? 1) * sp.temperature
            topP = min(max((heads?.meanTopP ?? 1) * sp.topP, 0), 1)
        case .autodeco, .override:
            guard let prediction = lastPrediction else {
                // The default policy: AutoDeco with heads, greedy without (SamplerParams.Mode.autodeco).
                if sp.mode == .autodeco { return (sampler.greedy(logits), nil) }
                throw ContextError.noHeads
            }
            if sp.mode == .autodeco {
                // The official combination: user values scale the predictions.
                temperature = (sp.useTemperatureHead ? prediction.temperature : 1) * sp.temperature
                topP = min(max((sp.useTopPHead ? prediction.topP : 1) * sp.topP, 0), 1)
            }
        }
        if temperature == 0 {
            var g = sampler.greedy(logits)
            g.topP = topP
            return (g, lastPrediction)
        }
        // The statistics left softmax(l / (T + 1e-8)) in the sampler's buffer: reuse it when
        // that is the temperature to sample at (the default autodeco mode, T ≥ ~0.2).
        let ready = lastPrediction.map { temperature == $0.temperature + 1e-8 } ?? false
        // A top-p of exactly 0 would keep nothing: keep at least the most likely token.
        return (sampler.sample(logits, temperature: temperature, topP: max(topP, 1e-6),
                               topK: sp.topK, minP: sp.minP, probabilitiesReady: ready), lastPrediction)
    }

    /// One forward pass over the pending tokens, then one sampled token, which becomes the
    /// next pending token. `stepText` is then the text that token completed.
    public func step() throws -> SampledToken {
        try checkSamplerCanRun()
        try evaluate()
        let s = try sampleCurrent()
        try feed([s.token])
        stepText = model.isEndOfGeneration(s.token) ? stepStream.finish() : try stepStream.append(s.token)
        return s
    }

    /// The UTF-8 text completed by the token of the last `step()`, from a streaming detokenizer
    /// that lives across steps (as `generate`'s events: bytes of an unfinished character wait for
    /// the next token, an end-of-generation token flushes them). Cleared by reset and rewind.
    public private(set) var stepText = ""
    private lazy var stepStream = StreamingDetokenizer(tokenizer: model.tokenizer)

    private func restartStepText() {
        stepText = ""
        stepStream = StreamingDetokenizer(tokenizer: model.tokenizer)
    }

    // MARK: - Cache control

    /// Forgets everything: empty cache, nothing pending.
    public func reset() {
        transformer.cache.count = 0
        history.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        lastBatchCount = 0
        restartStepText()
    }

    /// Keeps only the first `count` positions (e.g. to regenerate an answer after a shared
    /// prompt). Pending tokens are dropped.
    public func rewind(to count: Int) throws {
        guard count >= 0, count <= position else {
            throw ContextError.invalidParameter("cannot rewind to \(count): the context holds \(position) positions")
        }
        transformer.cache.count = count
        history.removeLast(history.count - count)
        pending.removeAll(keepingCapacity: true)
        restartStepText()
    }

    /// Drops queued tokens that were never run.
    func dropPending() { pending.removeAll(keepingCapacity: true) }

    /// Asks a running `evaluate`/`generate` to stop at the next token boundary. Thread-safe.
    public func cancel() { cancelFlag.set() }
    var isCancelled: Bool { cancelFlag.isSet }
    func clearCancel() { cancelFlag.clear() }
}
