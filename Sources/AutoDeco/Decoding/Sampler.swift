#if canImport(Glibc)
import Glibc
#endif
import CKernels

/// One sampled token and the decoding values actually used for it.
public struct SampledToken: Sendable, Equatable {
    public var token: Int32
    /// Probability of the token under the final (filtered, renormalised) distribution;
    /// for greedy, under softmax(logits).
    public var probability: Float
    public var temperature: Float
    public var topP: Float
}

/// Draws tokens from logits: temperature, then top-k, nucleus (top-p) and min-p filtering,
/// renormalise, draw with the context's seeded generator. Owns its scratch buffers, so a
/// draw allocates nothing. The nucleus is found without sorting the whole vocabulary: a
/// token with probability below (1 − P)/V can never be inside it (all such tokens together
/// hold less than 1 − P), so only the tokens above that bound are sorted, and those in bands
/// of falling probability, stopping at the band where the nucleus ends (`nucleus`).
public final class Sampler {
    public let vocabSize: Int
    public var rng: RandomGenerator
    private let probs: UnsafeMutablePointer<Float>
    /// Token ids of the filter's candidates (capacity max(vocabSize, 1)): a buffer, not an
    /// array, so the vocabulary pass has no uniqueness check, growth path or bounds-check
    /// trap per element (integration/test_hot_loops_assembly.py).
    private let candidates: UnsafeMutablePointer<Int32>
    /// Sort keys of one band of candidates (capacity max(vocabSize, 1)): probability bits
    /// above, inverted id below, so sorting plain integers orders by probability, then id.
    private let keys: UnsafeMutablePointer<UInt64>

    public init(vocabSize: Int, seed: UInt64) {
        self.vocabSize = vocabSize
        rng = RandomGenerator(seed: seed)
        probs = .allocate(capacity: vocabSize)
        probs.initialize(repeating: 0, count: vocabSize)
        candidates = .allocate(capacity: max(vocabSize, 1))
        keys = .allocate(capacity: max(vocabSize, 1))
    }

    deinit {
        probs.deallocate()
        candidates.deallocate()
        keys.deallocate()
    }

    /// The buffer `sample` draws from. A caller that has already written softmax(logits / t)
    /// here (the AutoDeco heads' statistics compute exactly that) passes
    /// `probabilitiesReady: true` to `sample` with the same t, saving a softmax.
    public var probabilities: UnsafeMutablePointer<Float> { probs }

    public func reseed(_ seed: UInt64) { rng = RandomGenerator(seed: seed) }

    /// Index of the largest logit (the first one on ties, as llama.cpp).
    public static func argmax(_ logits: UnsafePointer<Float>, _ n: Int) -> Int {
        Int(ck_argmax_f32(logits, Int64(n)))
    }

    /// softmax(logits / temperature) into `out`; returns the index of the maximum.
    @discardableResult
    public static func softmax(_ logits: UnsafePointer<Float>, _ n: Int, temperature: Float,
                               into out: UnsafeMutablePointer<Float>) -> Int {
        let best = argmax(logits, n)
        let sum = ck_exp_sum(logits, out, Int64(n), logits[best], 1 / temperature)
        ck_scale_f32(out, Int64(n), Float(1 / sum))
        return best
    }

    /// Greedy choice.
    public func greedy(_ logits: UnsafePointer<Float>) -> SampledToken {
        let best = Sampler.softmax(logits, vocabSize, temperature: 1, into: probs)
        return SampledToken(token: Int32(best), probability: probs[best], temperature: 0, topP: 1)
    }

    /// Samples with temperature `t` (> 0) and filters `topP` ∈ (0, 1], `topK` (0 = off),
    /// `minP` ∈ [0, 1). `probabilitiesReady`: `probabilities` already holds softmax(logits / t).
    public func sample(_ logits: UnsafePointer<Float>, temperature t: Float, topP: Float,
                       topK: Int = 0, minP: Float = 0, probabilitiesReady: Bool = false) -> SampledToken {
        guard t > 0 else { return greedy(logits) }
        let n = vocabSize
        let best = probabilitiesReady ? Sampler.argmax(logits, n) : Sampler.softmax(logits, n, temperature: t, into: probs)
        let p = max(min(topP, 1), 0)

        // Fast path: no filtering, draw from the whole distribution.
        if p >= 1, topK <= 0, minP <= 0 {
            let token = draw(count: n, total: 1) { $0 }
            return SampledToken(token: Int32(token), probability: probs[token], temperature: t, topP: p)
        }

        // Candidates: every token that any active filter could keep, sorted by probability.
        var threshold: Float = p < 1 ? (1 - p) / Float(n) : 0
        if minP > 0 { threshold = max(threshold, minP * probs[best]) }
        let keep = nucleus(threshold: threshold, topK: topK, topP: p, best: best)
        let cands = candidates, pr = probs
        var total: Float = 0
        for i in 0..<keep { total += pr[Int(cands[i])] }
        let index = draw(count: keep, total: total) { Int(cands[$0]) }
        let token = Int(cands[index])
        return SampledToken(token: Int32(token), probability: probs[token] / total, temperature: t, topP: p)
    }

    /// Sorts into `candidates` the head of the tokens with probability ≥ `threshold` (and
    /// > 0; `best` if none), by probability then id, far enough for top-k and top-p, and
    /// returns how many of them the filters keep. The tokens are taken in bands of falling
    /// probability (each 100× below the previous one, the fourth down to `threshold`): every
    /// token of a band is below every token of the bands before it, so sorting band by band
    /// gives the full order's head, and the walk stops at the band where the nucleus or the
    /// top k end. Usually that is the first, a few tokens out of the vocabulary.
    private func nucleus(threshold: Float, topK: Int, topP p: Float, best: Int) -> Int {
        let pr = probs, cands = candidates
        var count = 0, cumulative: Float = 0
        var upper = Float.infinity, cut = pr[best] * 0.01, bands = 1
        while true {
            // At most four bands: the fourth goes down to the threshold.
            let low = bands < 4 ? max(cut, threshold) : threshold
            // Positive floats order as their bit patterns do. Token ids fit in Int32 (the
            // API's token type), so the conversions cannot truncate; at most n candidates, so
            // the counts cannot overflow.
            let start = count
            var n = 0
            for i in 0..<vocabSize where pr[i] >= low && pr[i] < upper && pr[i] > 0 {
                keys[n] = UInt64(pr[i].bitPattern) << 32 | UInt64(~UInt32(truncatingIfNeeded: i))
                n &+= 1
            }
            var band = UnsafeMutableBufferPointer(start: keys, count: n)
            band.sort(by: >)
            for k in 0..<n {
                cands[start &+ k] = Int32(truncatingIfNeeded: ~UInt32(truncatingIfNeeded: keys[k]))
            }
            count = start &+ n
            var i = start
            while i < count {
                if topK > 0 && i >= topK { return topK }
                cumulative += pr[Int(cands[i])]
                i &+= 1
                // Smallest prefix whose mass reaches p.
                if p < 1 && cumulative >= p { return i }
            }
            if low <= threshold || !(low > 0) { break }
            upper = low
            cut = low * 0.01
            bands += 1
        }
        if topK > 0 && count >= topK { return topK }
        if count == 0 {
            cands[0] = Int32(truncatingIfNeeded: best)
            return 1
        }
        return count
    }

    /// Walks `count` items (mapped to token ids by `id`) until the cumulative probability
    /// passes a uniform draw in [0, total); returns the position reached.
    private func draw(count: Int, total: Float, id: (Int) -> Int) -> Int {
        let r = Float(rng.nextUnit()) * total
        var cumulative: Float = 0
        for i in 0..<count {
            cumulative += probs[id(i)]
            if r < cumulative { return i }
        }
        // Rounding left r just above the sum: take the last item with non-zero probability.
        var i = count - 1
        while i > 0 && probs[id(i)] == 0 { i -= 1 }
        return i
    }

    /// Divides positive logits by `penalty` and multiplies negative ones (llama.cpp's rule)
    /// for each distinct token in `recent`.
    public static func applyRepetitionPenalty(_ logits: UnsafeMutablePointer<Float>, vocabSize: Int,
                                              recent: ArraySlice<Int32>, penalty: Float) {
        guard penalty != 1 else { return }
        var seen = Set<Int32>()
        for t in recent where t >= 0 && Int(t) < vocabSize && seen.insert(t).inserted {
            let l = logits[Int(t)]
            logits[Int(t)] = l > 0 ? l / penalty : l * penalty
        }
    }
}
