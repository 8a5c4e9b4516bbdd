/// Many different prompts through a few sequence slots (continuous batching): at most
/// `sequenceCapacity` requests decode in lockstep, one forward pass per step for all of them,
/// and a slot whose sequence ends takes the next waiting request at once, so the batch stays
/// full while requests of different lengths come and go.
///
/// A request's prompt runs on its own (prefill, in batches of `batchSize` like `generate`) into
/// its slot's KV cache, its first token is drawn right after, and it then joins the lockstep
/// steps, where every row is computed with the batch-1 arithmetic at its own position. When a
/// running slot started from the very same prompt (several samples of one question), the new
/// slot copies that slot's prompt keys and values and its saved last-position logits and hidden
/// state instead of running the prompt again: the same numbers, without the prefill. So each
/// request produces exactly what `generate` produces on a fresh context with the same prompt
/// and sampler settings, however the requests were scheduled.

/// One request of `generateRequests`: a prompt (token ids), limits and stop strings, and the
/// sampler settings to draw with (nil: the context's, with seed + the request's index).
public struct GenerationRequest: Sendable {
    public var prompt: [Int32]
    public var options: GenerationOptions
    public var sampler: SamplerParams?

    public init(prompt: [Int32], options: GenerationOptions = GenerationOptions(), sampler: SamplerParams? = nil) {
        self.prompt = prompt
        self.options = options
        self.sampler = sampler
    }
}

extension InferenceContext {
    /// Runs every request, at most `params.sequenceCapacity` at once, and returns each one's
    /// stop reason in request order. `onToken(i, event)` gets request i's events (those of the
    /// live requests of one step in slot order) and returns false to stop request i only;
    /// `cancel()` stops every running and waiting request (reason `.cancelled`).
    ///
    /// Every request is validated before anything runs (token ids, empty prompt, sampler
    /// settings, heads the sampler needs): an invalid one throws, naming it. A prompt that
    /// fills the context (≥ `contextLength` tokens) ends that request alone with `.contextFull`
    /// and no tokens, where `generate` would throw.
    /// The context's own contents are discarded: it is empty before and after the call, and
    /// its own sampler settings and generator are untouched.
    public func generateRequests(_ requests: [GenerationRequest],
                                 onToken: (Int, GenerationEvent) throws -> Bool) throws -> [StopReason] {
        for (i, r) in requests.enumerated() {
            do {
                guard !r.prompt.isEmpty else { throw ContextError.invalidParameter("the prompt is empty") }
                for t in r.prompt where t < 0 || Int(t) >= vocabSize {
                    throw ContextError.invalidToken(t, vocabSize: vocabSize)
                }
                guard r.options.maxTokens >= 0 else { throw ContextError.invalidParameter("max tokens must be ≥ 0") }
                if let sp = r.sampler { try sp.validate() }
                try checkCanRun(r.sampler ?? params.sampler)
            } catch let ContextError.invalidParameter(why) {
                throw ContextError.invalidParameter("request \(i): \(why)")
            }
        }
        clearCancel()
        reset()
        let mainRNG = sampler.rng
        defer {
            sampler.rng = mainRNG
            reset()
        }
        let slotCaches = [transformer.cache] + sequenceCaches
        let vocab = vocabSize, dim = model.config.dim
        var reasons = [StopReason?](repeating: nil, count: requests.count)
        var slots = [RequestSlot?](repeating: nil, count: slotCaches.count)
        // Per slot: logits and hidden state of its prompt's last position, for slots that
        // start later from the same prompt.
        var promptEnds = [(logits: [Float], hidden: [Float])?](repeating: nil, count: slotCaches.count)
        var waiting = requests.indices.makeIterator()

        /// Prefills the next runnable request into slot `s` and draws its first token; returns
        /// false when no request is left. A request that ends at once leaves the slot free.
        func start(slot s: Int) throws -> Bool {
            while let i = waiting.next() {
                let r = requests[i]
                if r.options.maxTokens == 0 { reasons[i] = .maxTokens; continue }
                if r.prompt.count >= contextLength { reasons[i] = .contextFull; continue }
                let cache = slotCaches[s]
                let fresh = { RequestSlot(request: i, cache: cache, state: SequenceState(
                    seed: r.sampler?.seed ?? self.params.sampler.seed &+ UInt64(i), tokenizer: self.model.tokenizer,
                    stops: r.options.stopStrings, history: r.prompt)) }
                promptEnds[s] = nil
                if let source = slots.indices.first(where: { o in
                       o != s && promptEnds[o] != nil && slots[o].map { requests[$0.request].prompt == r.prompt } == true
                   }), let end = promptEnds[source] {
                    cache.copyPrefix(of: slotCaches[source], count: r.prompt.count)
                    let logits = transformer.state.logits   // free between steps; `choose` may edit it
                    end.logits.withUnsafeBufferPointer { b in
                        if let base = b.baseAddress { logits.update(from: base, count: vocab) }
                    }
                    promptEnds[s] = end
                    var slot = fresh()
                    let goesOn = try end.hidden.withUnsafeBufferPointer { h -> Bool in
                        guard let hp = h.baseAddress else { throw ContextError.emptyInput }
                        return try advance(&slot, logits: logits, hidden: hp, projected: false)
                    }
                    if goesOn {
                        slots[s] = slot
                        return true
                    }
                    continue
                }
                cache.count = 0
                var done = 0
                while done < r.prompt.count {
                    if isCancelled { throw ContextError.cancelled }
                    let n = min(transformer.state.batchCapacity, r.prompt.count - done)
                    r.prompt.withUnsafeBufferPointer { buf in
                        if let base = buf.baseAddress {
                            transformer.forward(tokens: base + done, count: n, computeLogits: done + n == r.prompt.count,
                                                cache: cache)
                        }
                    }
                    done += n
                    if done == r.prompt.count {
                        let last = transformer.state.hidden + (n - 1) * dim
                        promptEnds[s] = (Array(UnsafeBufferPointer(start: transformer.state.logits, count: vocab)),
                                         Array(UnsafeBufferPointer(start: last, count: dim)))
                        var slot = fresh()
                        if try advance(&slot, logits: transformer.state.logits, hidden: last,
                                       projected: transformer.companionIsCurrent) {
                            slots[s] = slot
                            return true
                        }
                    }
                }
            }
            return false
        }

        /// Draws slot's next token from its row and emits it; true while the request goes on.
        func advance(_ slot: inout RequestSlot, logits: UnsafeMutablePointer<Float>, hidden: UnsafePointer<Float>,
                     projected: Bool) throws -> Bool {
            let r = requests[slot.request]
            sampler.rng = slot.state.rng
            let (s, prediction) = try choose(logits: logits, hidden: hidden, history: slot.state.history[...],
                                             projected: projected, settings: r.sampler)
            slot.state.rng = sampler.rng
            let request = slot.request
            if let reason = try slot.state.emit(s, prediction: prediction, options: r.options, model: model,
                                                onToken: { try onToken(request, $0) }) {
                reasons[request] = reason
                return false
            }
            if slot.cache.count + 1 >= contextLength {   // as `generate`: no room to run the token just drawn
                reasons[request] = .contextFull
                return false
            }
            return true
        }

        var tokens: [Int32] = []
        var rowCaches: [KVCache] = []
        var rowSlots: [Int] = []
        do {
            var more = true
            while true {
                for s in slots.indices where slots[s] == nil && more {
                    more = try start(slot: s)
                }
                rowSlots = slots.indices.filter { slots[$0] != nil }
                if rowSlots.isEmpty { break }
                if isCancelled { throw ContextError.cancelled }
                tokens.removeAll(keepingCapacity: true)
                rowCaches.removeAll(keepingCapacity: true)
                for s in rowSlots {
                    guard let slot = slots[s] else { continue }
                    tokens.append(slot.state.next)
                    rowCaches.append(slot.cache)
                }
                tokens.withUnsafeBufferPointer { t in
                    if let base = t.baseAddress { transformer.forwardSequences(tokens: base, caches: rowCaches) }
                }
                for (b, s) in rowSlots.enumerated() {
                    guard var slot = slots[s] else { continue }
                    slot.state.history.append(slot.state.next)
                    let goesOn = try advance(&slot, logits: transformer.state.logits + b * vocab,
                                             hidden: transformer.state.hidden + b * dim, projected: false)
                    slots[s] = goesOn ? slot : nil
                }
            }
        } catch ContextError.cancelled {
            // Running and waiting requests alike end as cancelled (filled in below).
        }
        return reasons.map { $0 ?? .cancelled }
    }
}

/// A slot of `generateRequests`: which request it runs, its KV cache and its sequence state.
private struct RequestSlot {
    let request: Int
    let cache: KVCache
    var state: SequenceState
}
