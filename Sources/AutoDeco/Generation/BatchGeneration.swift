/// Several continuations of one prompt, decoded in lockstep: the prompt runs once, every
/// sequence starts from a copy of its keys and values, then each step is one forward pass
/// with a row per live sequence, so the weights are read once per step for all of them
/// (decode is memory-bandwidth bound: B rows cost little more than one).
///
/// Sequence i draws with its own generator seeded with `sampler.seed + i` (or with its own
/// sampler settings, seed included, when the call gives one per sequence), and its rows are
/// computed with the batch-1 kernels, so it produces exactly what `generate` produces on a
/// fresh context whose sampler is that (seed `seed + i`, or sequence i's settings).

extension InferenceContext {
    /// Generates `options.count` continuations of `prompt` (appended to what the context
    /// holds, as in `generate`); `options[i]` are sequence i's limits and stop strings.
    /// `samplers` (nil, or one per sequence): sequence i's sampler settings, seed included,
    /// instead of the context's with seed + i — e.g. one batch for a grid of settings.
    /// `onToken(i, event)` gets sequence i's events and returns false to stop that sequence
    /// only; `cancel()` stops all. Returns each sequence's stop reason.
    ///
    /// Afterwards the context holds what it held before plus the prompt (the shared prefix),
    /// nothing is queued, and its own random generator is untouched; `logits` and
    /// `lastHidden` are not meaningful until the next forward pass.
    public func generateBatch(prompt: [Int32], options: [GenerationOptions], samplers: [SamplerParams]? = nil,
                              onToken: (Int, GenerationEvent) throws -> Bool) throws -> [StopReason] {
        let n = options.count
        guard n >= 1, n <= params.sequenceCapacity else {
            throw ContextError.invalidParameter("n_seq \(n) must be in [1, n_seq_max = \(params.sequenceCapacity)]")
        }
        guard options.allSatisfy({ $0.maxTokens >= 0 }) else {
            throw ContextError.invalidParameter("max tokens must be ≥ 0")
        }
        if let samplers {
            guard samplers.count == n else {
                throw ContextError.invalidParameter("\(samplers.count) sampler settings for \(n) sequences")
            }
            for (i, sp) in samplers.enumerated() {
                do { try sp.validate() } catch let ContextError.invalidParameter(why) {
                    throw ContextError.invalidParameter("sequence \(i)'s sampler: \(why)")
                }
                try checkCanRun(sp)
            }
        } else {
            try checkSamplerCanRun()
        }
        clearCancel()
        try feed(prompt)
        let prefix = position + pending.count
        let mainRNG = sampler.rng
        defer {
            sampler.rng = mainRNG
            dropPending()
            if transformer.cache.count > history.count { transformer.cache.count = history.count }
        }
        // The prompt runs even when nothing will be generated, so the context always ends
        // holding it.
        do { try runPending() } catch ContextError.cancelled {
            return Array(repeating: .cancelled, count: n)
        }
        guard let promptHidden = lastHidden.baseAddress else { throw ContextError.emptyInput }

        var reasons = [StopReason?](repeating: nil, count: n)
        var live: [Int] = []
        for i in 0..<n {
            if options[i].maxTokens == 0 { reasons[i] = .maxTokens }
            else if prefix >= contextLength { reasons[i] = .contextFull }   // as `generate`: no room
            else { live.append(i) }
        }
        var sequences = (0..<n).map { i in
            SequenceState(seed: samplers?[i].seed ?? params.sampler.seed &+ UInt64(i), tokenizer: model.tokenizer,
                          stops: options[i].stopStrings, history: history)
        }
        let caches = (0..<n).map { $0 == 0 ? transformer.cache : sequenceCaches[$0 - 1] }
        for i in live where i > 0 { caches[i].copyPrefix(of: transformer.cache, count: prefix) }

        // Every sequence's first token comes from the prompt's logits; each gets its own copy
        // (the repetition penalty edits logits in place).
        let vocab = vocabSize, dim = model.config.dim
        let logits = transformer.state.logits
        for b in 1..<max(live.count, 1) { (logits + b * vocab).update(from: logits, count: vocab) }
        var rowHidden: (Int) -> UnsafePointer<Float> = { _ in promptHidden }

        var tokens: [Int32] = []
        var rowCaches: [KVCache] = []
        var step = 0
        while !live.isEmpty {
            if step > 0 {
                if isCancelled { break }
                let pos = prefix + step - 1
                if pos + 1 >= contextLength {
                    for i in live { reasons[i] = .contextFull }
                    live.removeAll()
                    break
                }
                tokens.removeAll(keepingCapacity: true)
                rowCaches.removeAll(keepingCapacity: true)
                for i in live {
                    tokens.append(sequences[i].next)
                    rowCaches.append(caches[i])
                }
                tokens.withUnsafeBufferPointer { t in
                    if let base = t.baseAddress { transformer.forwardSequences(tokens: base, caches: rowCaches) }
                }
                for i in live { sequences[i].history.append(sequences[i].next) }
                let hidden = UnsafePointer(transformer.state.hidden)
                rowHidden = { hidden + $0 * dim }
            }
            step += 1
            var stillLive: [Int] = []
            for (b, i) in live.enumerated() {
                sampler.rng = sequences[i].rng
                let (s, prediction) = try choose(logits: logits + b * vocab, hidden: rowHidden(b),
                                                 history: sequences[i].history[...],
                                                 // Step 0: every row is the prompt's last position,
                                                 // whose head projection the forward pass made.
                                                 projected: transformer.companionIsCurrent,
                                                 settings: samplers?[i])
                sequences[i].rng = sampler.rng
                if let reason = try sequences[i].emit(s, prediction: prediction, options: options[i], model: model,
                                                      onToken: { try onToken(i, $0) }) {
                    reasons[i] = reason
                } else {
                    stillLive.append(i)
                }
            }
            live = stillLive
        }
        for i in live { reasons[i] = .cancelled }
        return reasons.map { $0 ?? .cancelled }
    }
}

/// One sequence of a batch: its generator, text state, tokens run so far and next input.
struct SequenceState {
    var rng: RandomGenerator
    var detokenizer: StreamingDetokenizer
    var stops: StopStringMatcher
    /// Every token before the one being sampled (the prefix, then this sequence's own).
    var history: [Int32]
    var produced = 0
    /// The last sampled token: the sequence's input for the next step.
    var next: Int32 = 0

    init(seed: UInt64, tokenizer: Tokenizer, stops: [String], history: [Int32]) {
        rng = RandomGenerator(seed: seed)
        detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        self.stops = StopStringMatcher(stops)
        self.history = history
    }

    /// Turns a sampled token into an event exactly as `generate` does; returns why the
    /// sequence ends, or nil if it goes on.
    mutating func emit(_ s: SampledToken, prediction: InferenceContext.Prediction?, options: GenerationOptions,
                       model: Model, onToken: (GenerationEvent) throws -> Bool) throws -> StopReason? {
        produced += 1
        let ends = options.stopAtEndOfGeneration && model.isEndOfGeneration(s.token)
        let last = ends || produced == options.maxTokens
        var piece = ends ? detokenizer.finish() : try detokenizer.append(s.token)
        if last && !ends { piece += detokenizer.finish() }
        var reason: StopReason? = ends ? .endOfGeneration : nil
        let text: String
        if let cut = stops.push(piece) {
            text = cut
            reason = .stopString
        } else {
            text = last ? stops.flush() : stops.release()
        }
        let event = GenerationEvent(token: s.token, text: text, temperature: s.temperature, topP: s.topP,
                                    probability: s.probability,
                                    predictedTemperature: prediction?.temperature,
                                    predictedTopP: prediction?.topP,
                                    entropy: prediction?.stats.entropy)
        next = s.token
        if !(try onToken(event)) { return .callback }
        if let reason { return reason }
        return produced == options.maxTokens ? .maxTokens : nil
    }
}
