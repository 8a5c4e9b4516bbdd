#if canImport(Glibc)
import Glibc
#endif

/// Buffers for one forward pass of up to `batchCapacity` tokens, allocated once per context
/// (llama2.c's `RunState`): nothing is allocated per token.
final class RunState {
    let batchCapacity: Int
    let x: UnsafeMutablePointer<Float>        // [batch][dim] residual stream
    let xb: UnsafeMutablePointer<Float>       // [batch][dim] normed input of a sub-layer
    let xb2: UnsafeMutablePointer<Float>      // [batch][dim] attention output before wo
    let q: UnsafeMutablePointer<Float>        // [batch][dim]
    let k: UnsafeMutablePointer<Float>        // [batch][kvDim]
    let v: UnsafeMutablePointer<Float>        // [batch][kvDim]
    let hb: UnsafeMutablePointer<Float>       // [batch][ffnDim] gate, then silu(gate)·up
    let hb2: UnsafeMutablePointer<Float>      // [batch][ffnDim] up
    let hidden: UnsafeMutablePointer<Float>   // [batch][dim] final normed hidden states
    let logits: UnsafeMutablePointer<Float>   // [sequences][vocab] logits of the last position (per sequence)
    private var all: [UnsafeMutablePointer<Float>] = []

    init(config c: ModelConfig, batchCapacity n: Int, contextCapacity: Int, sequenceCapacity: Int = 1) {
        batchCapacity = n
        let kvDim = c.kvHeadCount * c.headDim
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        x = buffer(n * c.dim); xb = buffer(n * c.dim); xb2 = buffer(n * c.dim)
        q = buffer(n * c.dim); k = buffer(n * kvDim); v = buffer(n * kvDim)
        hb = buffer(n * c.ffnDim); hb2 = buffer(n * c.ffnDim)
        hidden = buffer(n * c.dim)
        logits = buffer(c.vocabSize * max(1, sequenceCapacity))
        all = [x, xb, xb2, q, k, v, hb, hb2, hidden, logits]
    }

    deinit { for p in all { p.deallocate() } }
}

/// The decoder-only transformer (llama and qwen2 families) for one context: reads the shared
/// weights, owns its KV cache and buffers. `forward` reads like the math.
final class Transformer {
    let config: ModelConfig
    let weights: Weights
    let cache: KVCache
    let state: RunState
    let pool: ThreadPool
    private let linear: LinearLayer
    /// `ContextParams.prefill == .integer`.
    var integerPrefill: Bool {
        get { linear.integerPrefill }
        set { linear.integerPrefill = newValue }
    }
    private let attention: Attention
    private let ropeStyle: RopeStyle
    // Decode products that share an input, per layer: [q, k, v] and [gate, up].
    private let qkv: [FusedProduct]
    private let gateUp: [FusedProduct]

    /// Extra float rows multiplied with the last position's final hidden state in the same
    /// pool pass as the logits (the AutoDeco heads' first layers), results to `out`; the
    /// caller keeps both alive while set.
    var logitsCompanion: (matrix: WeightMatrix, out: UnsafeMutablePointer<Float>)? {
        didSet {
            companionIsCurrent = false
            outputProduct = logitsCompanion.map { c in
                FusedProduct([(weights.output, state.logits, nil), (c.matrix, c.out, nil)])
            }
        }
    }
    private var outputProduct: FusedProduct?
    /// Whether `logitsCompanion.out` belongs to the current logits.
    private(set) var companionIsCurrent = false

    /// `sequenceCapacity`: most sequences `forwardSequences` runs at once (each needs a row of
    /// every buffer, so the batch capacity is at least this).
    init(model: Model, weights: Weights, contextCapacity: Int, batchCapacity: Int, sequenceCapacity: Int = 1,
         pool: ThreadPool) throws {
        config = model.config
        self.weights = weights
        self.pool = pool
        cache = try KVCache(layerCount: config.layerCount, capacity: contextCapacity,
                            kvDim: config.kvHeadCount * config.headDim)
        state = RunState(config: config, batchCapacity: max(batchCapacity, sequenceCapacity),
                         contextCapacity: contextCapacity, sequenceCapacity: sequenceCapacity)
        linear = LinearLayer(pool: pool, maxCols: max(config.dim, config.ffnDim))
        ropeStyle = config.ropeStyle == .normal ? .interleaved : .neox
        attention = Attention(config: config, cache: cache, pool: pool)
        let s = state
        qkv = weights.layers.map { w in FusedProduct([(w.wq, s.q, w.bq), (w.wk, s.k, w.bk), (w.wv, s.v, w.bv)]) }
        gateUp = weights.layers.map { w in FusedProduct([(w.gate, s.hb, nil), (w.up, s.hb2, nil)]) }
    }

    /// Runs `n` tokens (validated ids, n ≤ batchCapacity, room in the cache) at positions
    /// `cache.count ..< cache.count + n` of `cache` (default: the context's own; another one
    /// of the same shape for a sequence of a request batch). Leaves the final normed hidden
    /// state of every position in `state.hidden` and, when `computeLogits`, the last
    /// position's logits in `state.logits`.
    func forward(tokens: UnsafePointer<Int32>, count n: Int, computeLogits: Bool = true, cache: KVCache? = nil) {
        companionIsCurrent = false
        let cache = cache ?? self.cache
        let c = config
        let dim = c.dim, kvDim = c.kvHeadCount * c.headDim, hd = c.headDim
        let s = state
        let start = cache.count

        // Token embeddings: one dequantised row per token.
        for t in 0..<n {
            dequantizeRow(weights.tokenEmbedding.type, weights.tokenEmbedding.row(Int(tokens[t])),
                          s.x + t * dim, count: dim)
        }

        for (l, w) in weights.layers.enumerated() {
            // Attention block: x += Wo · attention(rope(Wq·norm(x)), rope(Wk·norm(x)), Wv·norm(x))
            norm(s.xb, s.x, w.attnNorm, batch: n)
            linear.apply(qkv[l], input: s.xb, batch: n)
            for t in 0..<n {
                let pos = start + t
                rope(s.q + t * dim, heads: c.headCount, headDim: hd, position: pos, freqBase: c.ropeBase,
                     style: ropeStyle, rotaryDim: c.ropeDim)
                rope(s.k + t * kvDim, heads: c.kvHeadCount, headDim: hd, position: pos, freqBase: c.ropeBase,
                     style: ropeStyle, rotaryDim: c.ropeDim)
                cache.key(layer: l, position: pos).update(from: s.k + t * kvDim, count: kvDim)
                cache.value(layer: l, position: pos).update(from: s.v + t * kvDim, count: kvDim)
            }
            attention.run(layer: l, q: s.q, out: s.xb2, count: n, start: start, cache: cache)
            linear.apply(w.wo, input: s.xb2, batch: n, output: s.xb, bias: nil)
            add(s.x, s.xb, count: n * dim)

            // Feed-forward block: x += Wdown · (silu(Wgate·norm(x)) ⊙ Wup·norm(x))
            norm(s.xb, s.x, w.ffnNorm, batch: n)
            linear.apply(gateUp[l], input: s.xb, batch: n)
            swiglu(s.hb, s.hb2, count: n * c.ffnDim)
            linear.apply(w.down, input: s.hb, batch: n, output: s.xb, bias: nil)
            add(s.x, s.xb, count: n * dim)
        }
        cache.count = start + n

        norm(s.hidden, s.x, weights.outputNorm, batch: n)
        if computeLogits {
            if let product = outputProduct {
                linear.apply(product, input: s.hidden + (n - 1) * dim, batch: 1)
                companionIsCurrent = true
            } else {
                linear.apply(weights.output, input: s.hidden + (n - 1) * dim, batch: 1, output: s.logits, bias: nil)
            }
        }
    }

    /// One decode step of several sequences in lockstep: row b is `tokens[b]` at position
    /// `caches[b].count` of the sequence whose keys and values are `caches[b]` (afterwards it
    /// holds one position more; sequences may be at different positions). Every row is computed with the arithmetic of a
    /// batch-1 `forward` (matrix-vector kernels, the same attention), so sequence b gets
    /// bitwise the values it would get alone, while each weight matrix is read once per step
    /// for all rows. Leaves row b's final hidden state in `state.hidden + b · dim` and its
    /// logits in `state.logits + b · vocab`. count ≤ sequence capacity, validated ids.
    func forwardSequences(tokens: UnsafePointer<Int32>, caches: [KVCache]) {
        companionIsCurrent = false
        let c = config, n = caches.count
        let dim = c.dim, kvDim = c.kvHeadCount * c.headDim, hd = c.headDim
        let s = state
        for t in 0..<n {
            dequantizeRow(weights.tokenEmbedding.type, weights.tokenEmbedding.row(Int(tokens[t])),
                          s.x + t * dim, count: dim)
        }
        for (l, w) in weights.layers.enumerated() {
            norm(s.xb, s.x, w.attnNorm, batch: n)
            linear.applyRows(qkv[l], input: s.xb, count: n)
            for (t, cache) in caches.enumerated() {
                let pos = cache.count
                rope(s.q + t * dim, heads: c.headCount, headDim: hd, position: pos, freqBase: c.ropeBase,
                     style: ropeStyle, rotaryDim: c.ropeDim)
                rope(s.k + t * kvDim, heads: c.kvHeadCount, headDim: hd, position: pos, freqBase: c.ropeBase,
                     style: ropeStyle, rotaryDim: c.ropeDim)
                cache.key(layer: l, position: pos).update(from: s.k + t * kvDim, count: kvDim)
                cache.value(layer: l, position: pos).update(from: s.v + t * kvDim, count: kvDim)
            }
            attention.runSequences(layer: l, q: s.q, out: s.xb2, caches: caches)
            linear.applyRows(w.wo, input: s.xb2, count: n, output: s.xb, bias: nil)
            add(s.x, s.xb, count: n * dim)

            norm(s.xb, s.x, w.ffnNorm, batch: n)
            linear.applyRows(gateUp[l], input: s.xb, count: n)
            swiglu(s.hb, s.hb2, count: n * c.ffnDim)
            linear.applyRows(w.down, input: s.hb, count: n, output: s.xb, bias: nil)
            add(s.x, s.xb, count: n * dim)
        }
        for cache in caches { cache.count += 1 }
        norm(s.hidden, s.x, weights.outputNorm, batch: n)
        linear.applyRows(weights.output, input: s.hidden, count: n, output: s.logits, bias: nil)
    }

    /// RMS-normalises each of `batch` rows of `dim` floats.
    private func norm(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: [Float], batch: Int) {
        let dim = config.dim, eps = config.rmsEps
        weight.withUnsafeBufferPointer { w in
            guard let wp = w.baseAddress else { return }
            var o = out, xi = x
            for _ in 0..<batch {
                rmsNorm(o, xi, weight: wp, count: dim, eps: eps)
                o += dim
                xi += dim
            }
        }
    }
}
