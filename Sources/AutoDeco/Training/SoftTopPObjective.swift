#if canImport(Glibc)
import Glibc
#endif

/// The per-position AutoDeco losses (docs/autodeco.md) and their derivatives with respect
/// to the predicted T and P. Everything works on the logits sorted in descending order: the
/// order of softmax(l / T) is the order of l for every T > 0, so one sort serves all T.
/// Sums run in Double: the vocabulary is large and the gradient check needs the precision.
public enum SoftTopPObjective {
    public static let alpha: Double = 30

    /// One position's terms: `ce` = CE(l / max(T, 0.01), y), `nll` = −ln(p̃[y] + 1e-9) · w
    /// with w = softmax(l)[y], and the derivatives of each with respect to T and P.
    public struct Terms: Sendable {
        public var ce: Double = 0
        public var ceGradT: Double = 0
        public var nll: Double = 0
        public var nllGradT: Double = 0
        public var nllGradP: Double = 0
    }

    /// A float's bits made monotone as an unsigned integer, then inverted: ascending keys are
    /// descending values.
    @inline(__always)
    static func descendingKey(_ x: Float) -> UInt32 {
        let b = x.bitPattern
        return ~((b & 0x8000_0000) != 0 ? ~b : b | 0x8000_0000)
    }

    /// Sorts `logits` (length n) into `sorted` in descending order and returns the rank of
    /// `target` there. `keys` is scratch of n.
    public static func sortDescending(_ logits: UnsafePointer<Float>, count n: Int, target: Int,
                                      keys: UnsafeMutablePointer<UInt64>, sorted: UnsafeMutablePointer<Float>) -> Int {
        // The descending key above the index: sorting plain integers is much faster than
        // sorting with a closure.
        for i in 0..<n { keys[i] = UInt64(descendingKey(logits[i])) << 32 | UInt64(UInt32(truncatingIfNeeded: i)) }
        var buffer = UnsafeMutableBufferPointer(start: keys, count: n)
        buffer.sort()
        var rank = 0
        for j in 0..<n {
            let i = Int(keys[j] & 0xFFFF_FFFF)
            sorted[j] = logits[i]
            if i == target { rank = j }
        }
        return rank
    }

    /// Like `sortDescending`, but only the largest logits (at least `head` of them) are put in
    /// order; the rest follow in vocabulary order. Training uses it: the losses depend on the
    /// order only through the cumulative sum c, and past the head c is within the tail's mass
    /// of its final value, so the tail's order moves the masks by about α times that mass —
    /// nothing measurable on real logits (TrainingRealModelTests: equal to 1e-13 with 2,048 of
    /// SmolLM2's 49,152), while a full sort of a 150k vocabulary costs more than all the rest.
    /// A radix select on the top 16 key bits finds the head in two linear passes. `histogram`
    /// is scratch of 65,536 counts. Exact (a full sort) when n ≤ head.
    public static func sortHeadDescending(_ logits: UnsafePointer<Float>, count n: Int, head: Int, target: Int,
                                          keys: UnsafeMutablePointer<UInt64>, histogram: UnsafeMutablePointer<UInt32>,
                                          sorted: UnsafeMutablePointer<Float>) -> Int {
        guard n > head else {
            return sortDescending(logits, count: n, target: target, keys: keys, sorted: sorted)
        }
        histogram.initialize(repeating: 0, count: 65536)
        for i in 0..<n {
            let key = descendingKey(logits[i])
            keys[i] = UInt64(key) << 32 | UInt64(UInt32(truncatingIfNeeded: i))
            histogram[Int(key >> 16)] += 1
        }
        // The smallest bucket at which the running count reaches `head`: every key in a bucket
        // up to it belongs to the head.
        var cut = 0, seen = 0
        while cut < 65535 {
            seen += Int(histogram[cut])
            if seen >= head { break }
            cut += 1
        }
        // Head keys to the front (front ≤ i: nothing unread is overwritten), then sorted.
        var front = 0
        for i in 0..<n where Int(keys[i] >> 48) <= cut {
            keys[front] = keys[i]
            front += 1
        }
        var headKeys = UnsafeMutableBufferPointer(start: keys, count: front)
        headKeys.sort()
        var rank = 0
        for j in 0..<front {
            let i = Int(keys[j] & 0xFFFF_FFFF)
            sorted[j] = logits[i]
            if i == target { rank = j }
        }
        // The tail in vocabulary order.
        var at = front
        for i in 0..<n {
            guard Int(descendingKey(logits[i]) >> 16) > cut else { continue }
            sorted[at] = logits[i]
            if i == target { rank = at }
            at += 1
        }
        return rank
    }

    /// softmax(l)[y] for sorted logits: the DFT weight (no gradient flows through it).
    public static func baseProbability(sorted l: UnsafePointer<Float>, count n: Int, rank: Int) -> Double {
        let mx = Double(l[0])
        var z = 0.0
        for j in 0..<n { z += exp(Double(l[j]) - mx) }
        return exp(Double(l[rank]) - mx) / z
    }

    /// Both losses at (T, P) for sorted logits, target at `rank`, DFT weight `weight`.
    /// `p`, `m`, `e` are scratch of n Doubles. Without `gradients` only the values are set.
    public static func terms(sorted l: UnsafePointer<Float>, count n: Int, rank r: Int, temperature: Float,
                             topP: Float, weight w: Double, gradients: Bool,
                             p: UnsafeMutablePointer<Double>, m: UnsafeMutablePointer<Double>,
                             e: UnsafeMutablePointer<Double>) -> Terms {
        var out = Terms()
        let t = Double(temperature), bigP = Double(topP)
        let invT = 1 / t, mx = Double(l[0])
        var z = 0.0
        for j in 0..<n {
            let v = exp((Double(l[j]) - mx) * invT)
            p[j] = v
            z += v
        }
        let invZ = 1 / z
        var mu = 0.0
        for j in 0..<n {
            p[j] *= invZ
            mu += p[j] * Double(l[j])
        }
        // Temperature loss. Below the 0.01 clamp it is flat in T.
        if t >= 0.01 {
            out.ce = -((Double(l[r]) - mx) * invT - log(z))
            out.ceGradT = (Double(l[r]) - mu) * invT * invT
        } else {
            var zc = 0.0
            for j in 0..<n { zc += exp((Double(l[j]) - mx) * 100) }
            out.ce = -((Double(l[r]) - mx) * 100 - log(zc))
        }
        // Soft top-p: m_j = exp(−α·relu(c_j − P)) along the cumulative sum c.
        var c = 0.0, s = 0.0, sActive = 0.0
        for j in 0..<n {
            c += p[j]
            if c > bigP {
                let mj = exp(-alpha * (c - bigP))
                m[j] = mj
                e[j] = -alpha * p[j] * mj   // p_j · ∂m_j/∂c_j
                sActive += p[j] * mj
            } else {
                m[j] = 1
                e[j] = 0
            }
            s += p[j] * m[j]
        }
        let d = s + 1e-9
        let num = p[r] * m[r]
        let pt = num / d
        out.nll = -log(pt + 1e-9) * w
        guard gradients else { return out }
        let g = -w / (pt + 1e-9)
        // P moves every active mask: ∂m_j/∂P = α·m_j.
        let numGradP = e[r] != 0 ? alpha * num : 0
        out.nllGradP = g * (numGradP / d - num * alpha * sActive / (d * d))
        // ∂p̃/∂p_k: p_k enters m_j for every j ≥ k (through c_j) and the sum directly.
        // Then ∂p_k/∂T = −p_k (l_k − μ) / T².
        var suffix = 0.0, acc = 0.0
        let nd2 = num / (d * d)
        var j = n - 1
        while j >= 0 {
            suffix += e[j]
            var dNum = j <= r ? e[r] : 0
            if j == r { dNum += m[r] }
            let gk = g * (dNum / d - nd2 * (m[j] + suffix))
            acc += gk * p[j] * (Double(l[j]) - mu)
            j -= 1
        }
        out.nllGradT = -acc * invT * invT
        return out
    }

    /// The soft top-p NLL −ln(p̃[y] + 1e-9) (unweighted) at one temperature for many top-p
    /// values, for evaluation grids. Since c is non-decreasing, the active masks form a suffix,
    /// and exp(−α(c_j − P)) = exp(−α c_j) · exp(α P): after one pass per temperature each P
    /// costs a binary search. `c` and `q` are scratch of n Doubles; `out` receives one value per P.
    public static func nlls(sorted l: UnsafePointer<Float>, count n: Int, rank r: Int, temperature: Float,
                            topPs: [Float], c: UnsafeMutablePointer<Double>, q: UnsafeMutablePointer<Double>,
                            into out: UnsafeMutablePointer<Double>) {
        let invT = 1 / Double(temperature), mx = Double(l[0])
        var z = 0.0
        for j in 0..<n { let v = exp((Double(l[j]) - mx) * invT); c[j] = v; z += v }
        let invZ = 1 / z
        let pr = c[r] * invZ
        var cum = 0.0, ar = 0.0
        for j in 0..<n {
            let pj = c[j] * invZ
            cum += pj
            let a = exp(-alpha * cum)
            if j == r { ar = a }
            q[j] = pj * a
            c[j] = cum
        }
        // Suffix sums of p_j · exp(−α c_j), from the small end: a prefix-sum difference would
        // cancel catastrophically (the tail is ~e^(−αP) times the head).
        var j = n - 1, tail = 0.0
        while j >= 0 { tail += q[j]; q[j] = tail; j -= 1 }
        for (i, bigPf) in topPs.enumerated() {
            let bigP = Double(bigPf)
            // First index with c_j > P.
            var lo = 0, hi = n
            while lo < hi { let mid = (lo + hi) / 2; if c[mid] > bigP { hi = mid } else { lo = mid + 1 } }
            let scale = exp(alpha * bigP)
            let head = lo > 0 ? c[lo - 1] : 0
            let s = head + (lo < n ? scale * q[lo] : 0)
            let mr = r >= lo ? ar * scale : 1
            out[i] = -log(pr * mr / (s + 1e-9) + 1e-9)
        }
    }
}
