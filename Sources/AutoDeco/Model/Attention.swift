import CKernels

/// Grouped-query attention over the KV cache (C kernel `ck_attention*`): the query heads that
/// share a key/value head are computed together, so each cached row is read once per group.
/// Positions go in fixed blocks of `block`, combined in block order, so results are the same
/// for any thread count and for decode and prefill alike.
final class Attention {
    static let block = 128
    /// Below this many (position × query head) pairs a decode step runs on one thread: a pool
    /// hand-off costs more than it saves.
    static let parallelThreshold = 2048

    private let config: ModelConfig
    private let cache: KVCache
    private let pool: ThreadPool
    private let group: Int
    private let maxBlocks: Int
    // Per thread: scratch for one whole `ck_attention` call.
    private let perThread: Int
    private let scratch: UnsafeMutablePointer<Float>
    // Decode split over (kv head, block): partial maxima, sums and outputs per kv head.
    private let partM: UnsafeMutablePointer<Float>
    private let partS: UnsafeMutablePointer<Float>
    private let partO: UnsafeMutablePointer<Float>

    init(config c: ModelConfig, cache: KVCache, pool: ThreadPool) {
        config = c
        self.cache = cache
        self.pool = pool
        group = c.headCount / c.kvHeadCount
        maxBlocks = (cache.capacity + Attention.block - 1) / Attention.block
        perThread = maxBlocks * group * (c.headDim + 2) + group * Attention.block
        scratch = .allocate(capacity: perThread * pool.threadCount)
        let parts = c.kvHeadCount * maxBlocks * group
        partM = .allocate(capacity: parts)
        partS = .allocate(capacity: parts)
        partO = .allocate(capacity: parts * c.headDim)
    }

    deinit {
        scratch.deallocate(); partM.deallocate(); partS.deallocate(); partO.deallocate()
    }

    /// Several sequences decoding in lockstep: row b (dim floats of q) is the token at
    /// position `caches[b].count` of sequence b, whose keys and values (that position's
    /// included) are in `caches[b]` (same capacity as this attention's cache). Each (row, kv head) is one `ck_attention`, the arithmetic of
    /// a batch-1 decode, so every row's result is what that sequence alone would get.
    func runSequences(layer l: Int, q: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                      caches: [KVCache]) {
        let c = config, hd = c.headDim, dim = c.dim, group = self.group, kvHeads = c.kvHeadCount
        let stride = Int64(cache.kvDim), scale = 1 / Float(hd).squareRoot()
        let scratch = self.scratch, perThread = self.perThread, block = Int64(Attention.block)
        pool.parallelFor(caches.count * kvHeads) { range, thread in
            for i in range {
                let b = i / kvHeads, kvh = i % kvHeads
                let keys = UnsafePointer(caches[b].key(layer: l, position: 0))
                let values = UnsafePointer(caches[b].value(layer: l, position: 0))
                ck_attention(q + b * dim + kvh * group * hd, Int64(group), Int64(hd), keys + kvh * hd,
                             values + kvh * hd, stride, Int64(caches[b].count + 1), block, scale,
                             scratch + thread * perThread, out + b * dim + kvh * group * hd)
            }
        }
    }

    /// For tokens t in 0..<n at positions start + t (already in the cache): out[t] (dim floats)
    /// = attention of q[t] (dim floats) over positions 0...start + t of `layer` in `cache`
    /// (default: this attention's own).
    func run(layer l: Int, q: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, count n: Int, start: Int,
             cache: KVCache? = nil) {
        let cache = cache ?? self.cache
        let c = config, hd = c.headDim, dim = c.dim, group = self.group, kvHeads = c.kvHeadCount
        let stride = Int64(cache.kvDim), scale = 1 / Float(hd).squareRoot()
        let keys = UnsafePointer(cache.key(layer: l, position: 0))
        let values = UnsafePointer(cache.value(layer: l, position: 0))
        let scratch = self.scratch, perThread = self.perThread, block = Int64(Attention.block)
        let one = { (t: Int, kvh: Int, thread: Int) in
            ck_attention(q + t * dim + kvh * group * hd, Int64(group), Int64(hd), keys + kvh * hd, values + kvh * hd,
                         stride, Int64(start + t + 1), block, scale, scratch + thread * perThread,
                         out + t * dim + kvh * group * hd)
        }
        if n > 1 {
            // Prefill: (token, kv head) pairs are independent.
            pool.parallelFor(n * kvHeads) { range, thread in
                for i in range { one(i / kvHeads, i % kvHeads, thread) }
            }
            return
        }
        let positions = start + 1
        let blocks = (positions + Attention.block - 1) / Attention.block
        if blocks * kvHeads < 2 || positions * c.headCount < Attention.parallelThreshold || pool.threadCount == 1 {
            for kvh in 0..<kvHeads { one(0, kvh, 0) }
            return
        }
        // Decode: split over (kv head, block), then combine each kv head in block order.
        let m = partM, s = partS, o = partO, maxBlocks = self.maxBlocks
        pool.parallelFor(kvHeads * blocks) { range, thread in
            for i in range {
                let kvh = i / blocks, b = i % blocks
                let p0 = b * Attention.block, len = min(Attention.block, positions - p0)
                let part = (kvh * maxBlocks + b) * group
                ck_attention_block(q + kvh * group * hd, Int64(group), Int64(hd), keys + p0 * Int(stride) + kvh * hd,
                                   values + p0 * Int(stride) + kvh * hd, stride, Int64(len), scale,
                                   scratch + thread * perThread, m + part, s + part, o + part * hd)
            }
        }
        for kvh in 0..<kvHeads {
            let part = kvh * maxBlocks * group
            ck_attention_combine(Int64(blocks), Int64(group), Int64(hd), m + part, s + part, o + part * hd,
                                 out + kvh * group * hd)
        }
    }
}
