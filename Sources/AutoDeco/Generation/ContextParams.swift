/// Settings of one inference context.
public struct ContextParams: Sendable, Equatable {
    /// Positions the KV cache holds (prompt + generated tokens).
    public var contextLength: Int = 2048
    /// Most tokens one prefill forward pass processes at once.
    public var batchSize: Int = 256
    /// Worker threads for matrix products; 0 = one per core.
    public var threads: Int = 0
    public var sampler = SamplerParams()
    /// Largest number of bytes the context's buffers may take; 0 = no limit.
    public var memoryLimit: UInt64 = 0
    /// Most sequences `generateBatch` decodes in parallel (1...64). Each has a KV cache of
    /// `contextLength` positions and a row of the forward buffers and logits.
    public var sequenceCapacity: Int = 1
    public static let maxSequences = 64
    /// How prefill (several tokens per pass) multiplies by quantised weights.
    public enum PrefillArithmetic: Sendable, Equatable {
        /// 8-bit activations and integer SIMD: the decode path's arithmetic (and llama.cpp's),
        /// about twice as fast as `.float`. Weight types without an integer kernel use `.float`.
        case integer
        /// Weights dequantised for OpenBLAS sgemm on float activations: closer to an exact
        /// float64 forward pass (no activation quantisation error), slower.
        case float
    }
    public var prefill: PrefillArithmetic = .integer

    public init() {}

    /// Bytes the context's buffers take for `config`: KV cache, activations, logits.
    public func memoryNeeded(for c: ModelConfig) -> UInt64 {
        let kvDim = UInt64(c.kvHeadCount * c.headDim)
        let sequences = UInt64(max(1, sequenceCapacity))
        let kv = sequences * 2 * UInt64(c.layerCount) * UInt64(contextLength) * kvDim * 4
        let batch = max(UInt64(min(batchSize, contextLength)), sequences)
        // Float rows, plus the prefill's 8-bit copy of its widest input (≤ 1.2 bytes a value).
        let activations = batch * UInt64(6 * c.dim + 2 * c.ffnDim + 2 * Int(kvDim)) * 4
            + batch * UInt64(max(c.dim, c.ffnDim)) * 6 / 5
        let scores = UInt64(c.headCount * contextLength) * 4
        // Logits (one row per sequence), sampler and statistics scratch.
        let vocab = (sequences + 2) * UInt64(c.vocabSize) * 4
        return kv + activations + scores + vocab
    }

    public func validate(model: Model) throws {
        guard contextLength >= 1, contextLength <= 1 << 20 else {
            throw ContextError.invalidParameter("n_ctx \(contextLength) must be in [1, 1048576]")
        }
        guard batchSize >= 1, batchSize <= 4096 else {
            throw ContextError.invalidParameter("n_batch \(batchSize) must be in [1, 4096]")
        }
        guard threads >= 0, threads <= 256 else {
            throw ContextError.invalidParameter("n_threads \(threads) must be in [0, 256]")
        }
        guard sequenceCapacity >= 1, sequenceCapacity <= ContextParams.maxSequences else {
            throw ContextError.invalidParameter("n_seq_max \(sequenceCapacity) must be in [1, \(ContextParams.maxSequences)]")
        }
        try sampler.validate()
        let need = memoryNeeded(for: model.config)
        if memoryLimit > 0 && need > memoryLimit {
            throw ContextError.memoryLimit(needed: need, limit: memoryLimit)
        }
        // Without a limit, still refuse what no machine of today holds (a typo such as n_ctx 2^30).
        if need > (1 << 40) { throw ContextError.cacheTooLarge(bytes: need) }
    }
}
