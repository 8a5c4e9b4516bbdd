/// Settings of one inference context.
public struct ContextParams: Sendable, Equatable {
    /// Positions the KV cache holds (prompt + generated tokens).
    public var contextLength: Int = 2048
    /// Most tokens one prefill forward pass processes at once.
    public var batchSize: Int = 256
    /// Worker threads for matrix products; 0 = one per core.
    public var threads: Int = 0
    public var sampler = SamplerParams()

    public init() {}

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
        try sampler.validate()
    }
}
