/// Keys and values of every past position, per layer: `[layer][position][kvDim]` in F32.
/// F32 keeps attention exact and simple; at the default context of 2048 the cache is
/// 2 · layers · 2048 · kvDim · 4 bytes (94 MB for SmolLM2, 24 MB for Qwen2.5-0.5B).
final class KVCache {
    let layerCount: Int
    let capacity: Int
    let kvDim: Int
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    /// Positions filled so far.
    var count = 0

    init(layerCount: Int, capacity: Int, kvDim: Int) throws {
        let (perLayer, o1) = capacity.multipliedReportingOverflow(by: kvDim)
        let (total, o2) = perLayer.multipliedReportingOverflow(by: layerCount)
        guard !o1, !o2, total > 0, total <= (1 << 36) else {
            throw ContextError.cacheTooLarge(bytes: UInt64(clamping: total) &* 8)
        }
        self.layerCount = layerCount
        self.capacity = capacity
        self.kvDim = kvDim
        keys = .allocate(capacity: total)
        values = .allocate(capacity: total)
        keys.initialize(repeating: 0, count: total)
        values.initialize(repeating: 0, count: total)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    var bytes: Int { 2 * layerCount * capacity * kvDim * MemoryLayout<Float>.size }

    /// Makes this cache hold the first `count` positions of `other` (same shape): how a
    /// shared prompt is handed to each sequence of a batch.
    func copyPrefix(of other: KVCache, count: Int) {
        for l in 0..<layerCount {
            key(layer: l, position: 0).update(from: other.key(layer: l, position: 0), count: count * kvDim)
            value(layer: l, position: 0).update(from: other.value(layer: l, position: 0), count: count * kvDim)
        }
        self.count = count
    }

    @inline(__always) func key(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        keys + (layer * capacity + position) * kvDim
    }

    @inline(__always) func value(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        values + (layer * capacity + position) * kvDim
    }
}

public enum ContextError: Error, CustomStringConvertible, Equatable {
    case cacheTooLarge(bytes: UInt64)
    case contextFull(capacity: Int, needed: Int)
    case invalidToken(Int32, vocabSize: Int)
    case invalidParameter(String)
    case emptyInput
    case cancelled
    case noHeads
    case memoryLimit(needed: UInt64, limit: UInt64)

    public var description: String {
        switch self {
        case let .cacheTooLarge(b): return "KV cache of \(b) bytes is too large; use a smaller n_ctx"
        case let .contextFull(cap, need):
            return "context is full: \(need) positions needed, n_ctx is \(cap) (reset or rewind the context, or use a larger n_ctx)"
        case let .invalidToken(t, v): return "token id \(t) is out of range [0, \(v))"
        case let .invalidParameter(s): return "invalid parameter: \(s)"
        case .emptyInput: return "no tokens to decode"
        case .cancelled: return "cancelled"
        case let .memoryLimit(need, limit):
            return "the context needs \(need) bytes (KV cache and buffers), over the memory limit of \(limit); use a smaller n_ctx"
        case .noHeads: return "AutoDeco sampling needs heads: load them (model params heads_path, autodeco_context_load_heads, or --heads) or choose a static sampler"
        }
    }
}
