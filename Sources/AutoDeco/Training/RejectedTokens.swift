#if canImport(Glibc)
import Glibc
#endif

/// Rejected tokens: the token at which a failing sample leaves every verified answer to the
/// same task (its first step off the known-good paths). Verified trajectories only say what
/// the sampler should keep likely; these positions say what it should have made unlikely, the
/// per-token signal that separates a correct answer from a wrong one. The loss asks the
/// sampling distribution p̃ (softmax(l/T) cut by the soft top-p mask) to give the rejected
/// token little mass: −ln(1 − p̃[b]). It reaches T and P only through p̃, like the soft top-p
/// loss, so a head can answer with a lower T (b is not the argmax), a smaller P (b sits in
/// the tail) or a higher T (b is the argmax).
public enum RejectedTokenObjective {
    /// −ln(max(1 − p̃[b], ε)): finite when the rejected token holds all the mass, never negative.
    static let epsilon = 1e-6

    /// Loss and its derivatives with respect to T and P at one position, from the soft top-p
    /// terms computed with the rejected token as target and weight 1 (`terms.nll` = −ln(p̃[b] + 1e-9)).
    /// With L = −ln(1 − p̃) and N = −ln p̃: dL = dp̃ / (1 − p̃) and dp̃ = −p̃ · dN.
    public static func loss(fromTerms t: SoftTopPObjective.Terms) -> (loss: Double, gradT: Double, gradP: Double) {
        let pb = min(max(exp(-t.nll), 0), 1)
        let rest = max(1 - pb, epsilon)
        let factor = -pb / rest
        return (-log(rest), factor * t.nllGradT, factor * t.nllGradP)
    }

    /// The positions of rejected tokens in `positions`: the last completion position of every
    /// example (the examples of a rejected-token file end at the rejected token).
    public static func lastPositions(_ positions: TrainingPositions, examples: [Int]) -> [Int] {
        examples.compactMap { positions.exampleRanges[$0].flatMap { $0.isEmpty ? nil : $0.upperBound - 1 } }
    }

    /// Mean loss of `heads` over positions `indices`, for validation.
    public static func meanLoss(_ positions: TrainingPositions, indices: [Int], output: OutputProjection,
                                heads: AutoDecoHeads, sortedHead: Int?, batchSize: Int = 64, pool: ThreadPool) -> Double {
        guard !indices.isEmpty else { return 0 }
        let batch = HeadsBatch(capacity: batchSize, hiddenSize: output.hiddenSize, vocabSize: output.vocabSize, pool: pool)
        var total = 0.0, start = 0
        while start < indices.count {
            let chunk = indices[start..<min(start + batchSize, indices.count)]
            batch.load(positions, indices: chunk, output: output, heads: heads, sortedHead: sortedHead)
            total += batch.rejectedLosses(gradients: false).reduce(0) { $0 + $1.loss }
            start += chunk.count
        }
        return total / Double(indices.count)
    }
}

extension HeadsBatch {
    /// The rejected-token loss (and, with `gradients`, its derivatives in T and P) of every
    /// loaded position, its target being the rejected token.
    func rejectedLosses(gradients: Bool) -> [(loss: Double, gradT: Double, gradP: Double)] {
        let n = count, v = vocabSize
        var out = [(loss: Double, gradT: Double, gradP: Double)](repeating: (0, 0, 0), count: n)
        out.withUnsafeMutableBufferPointer { slots in
            guard let base = slots.baseAddress else { return }
            pool.parallelFor(n) { range, thread in
                let s = self.scratch(forThread: thread)
                for k in range {
                    let t = SoftTopPObjective.terms(sorted: self.sorted + k * v, count: v, rank: self.ranks[k],
                                                    temperature: self.temperatures[k], topP: self.topPs[k], weight: 1,
                                                    gradients: gradients, p: s.p, m: s.m, e: s.e)
                    base[k] = RejectedTokenObjective.loss(fromTerms: t)
                }
            }
        }
        return out
    }
}
