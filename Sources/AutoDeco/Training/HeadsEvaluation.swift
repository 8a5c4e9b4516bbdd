/// Held-out scores under the soft top-p objective (docs/autodeco.md), for the acceptance
/// table: (a) T = 1, P = 1; (b) a fixed static pair; (c) the best static pair of a grid;
/// (d) a static pair equal to the heads' mean T and P ("MeanShift"); (e) the heads per token.
public struct NLLScore: Sendable {
    public var temperature: Float?   // nil for per-token heads
    public var topP: Float?
    /// Mean of −ln(p̃[y] + 1e-9) · softmax(l)[y]: the training objective.
    public var objective: Double = 0
    /// Mean of −ln(p̃[y] + 1e-9): the plain held-out NLL under the truncated distribution.
    public var plain: Double = 0
}

public struct EvaluationReport: Sendable {
    public var positions = 0
    public var unit = NLLScore()
    public var fixed = NLLScore()
    public var bestGrid = NLLScore()
    public var grid: [NLLScore] = []
    public var meanShift: NLLScore?
    public var perToken: NLLScore?
    public var headsMeanTemperature: Double?
    public var headsMeanTopP: Double?
}

public enum HeadsEvaluation {
    /// The oracle grid: T ∈ {0.1 … 1.5 step 0.1} × P ∈ {0.5 … 1.0 step 0.05}.
    public static let defaultGridT: [Float] = (1...15).map { Float($0) / 10 }
    public static let defaultGridP: [Float] = (10...20).map { Float($0) / 20 }

    /// Scores every position; `heads` nil leaves (d) and (e) out. The grid's best pair is
    /// chosen on these same positions (an optimistic baseline, as a test-set-tuned static pair).
    public static func evaluate(_ positions: TrainingPositions, output: OutputProjection, heads: AutoDecoHeads?,
                                fixed: (Float, Float) = (0.7, 0.95), gridT: [Float] = defaultGridT,
                                gridP: [Float] = defaultGridP, batchSize: Int = 64, pool: ThreadPool) -> EvaluationReport {
        var pairs: [(Float, Float)] = [(1, 1), fixed]
        for t in gridT { for p in gridP { pairs.append((t, p)) } }
        let batch = HeadsBatch(capacity: batchSize, hiddenSize: output.hiddenSize, vocabSize: output.vocabSize, pool: pool)
        let n = positions.count
        // Per setting, then per position: (objective, plain). Setting pairs.count is per-token.
        var sums = [Double](repeating: 0, count: (pairs.count + 1) * 2)
        var sumT = 0.0, sumP = 0.0
        let all = Array(0..<n)
        func run(_ settingPairs: [(Float, Float)], withHeads: AutoDecoHeads?, into totals: inout [Double]) {
            let width = settingPairs.count + (withHeads == nil ? 0 : 1)
            // Static pairs grouped by temperature: one pass over the vocabulary per T.
            var groups: [(t: Float, ps: [Float], slots: [Int])] = []
            for (i, pair) in settingPairs.enumerated() {
                if let g = groups.firstIndex(where: { $0.t == pair.0 }) {
                    groups[g].ps.append(pair.1); groups[g].slots.append(i)
                } else {
                    groups.append((pair.0, [pair.1], [i]))
                }
            }
            let widest = groups.map { $0.ps.count }.max() ?? 0
            var start = 0
            while start < n {
                let idx = all[start..<min(start + batchSize, n)]
                batch.load(positions, indices: idx, output: output, heads: withHeads)
                let b = batch.count, v = batch.vocabSize
                var slots = [Double](repeating: 0, count: b * width * 2)
                slots.withUnsafeMutableBufferPointer { out in
                    guard let base = out.baseAddress else { return }
                    pool.parallelFor(b) { range, thread in
                        let s = batch.scratch(forThread: thread)
                        let values = UnsafeMutablePointer<Double>.allocate(capacity: max(widest, 1))
                        defer { values.deallocate() }
                        for k in range {
                            let w = batch.weights[k], row = batch.sorted + k * v
                            func store(_ nll: Double, _ slot: Int) {
                                base[(k * width + slot) * 2] = nll * w
                                base[(k * width + slot) * 2 + 1] = nll
                            }
                            for g in groups {
                                SoftTopPObjective.nlls(sorted: row, count: v, rank: batch.ranks[k], temperature: g.t,
                                                       topPs: g.ps, c: s.p, q: s.m, into: values)
                                for (j, slot) in g.slots.enumerated() { store(values[j], slot) }
                            }
                            if withHeads != nil {
                                let terms = SoftTopPObjective.terms(sorted: row, count: v, rank: batch.ranks[k],
                                                                    temperature: batch.temperatures[k], topP: batch.topPs[k],
                                                                    weight: 1, gradients: false, p: s.p, m: s.m, e: s.e)
                                store(terms.nll, settingPairs.count)
                            }
                        }
                    }
                }
                for k in 0..<b {
                    for j in 0..<width * 2 { totals[j] += slots[k * width * 2 + j] }
                    if withHeads != nil { sumT += Double(batch.temperatures[k]); sumP += Double(batch.topPs[k]) }
                }
                start += b
            }
        }
        run(pairs, withHeads: heads, into: &sums)
        var report = EvaluationReport()
        report.positions = n
        let inv = 1 / Double(max(n, 1))
        func score(_ j: Int, _ pair: (Float, Float)?) -> NLLScore {
            NLLScore(temperature: pair?.0, topP: pair?.1, objective: sums[2 * j] * inv, plain: sums[2 * j + 1] * inv)
        }
        report.unit = score(0, pairs[0])
        report.fixed = score(1, pairs[1])
        report.grid = (2..<pairs.count).map { score($0, pairs[$0]) }
        report.bestGrid = report.grid.min { $0.objective < $1.objective } ?? report.unit
        if heads != nil {
            report.perToken = score(pairs.count, nil)
            let meanT = Float(sumT * inv), meanP = Float(sumP * inv)
            report.headsMeanTemperature = sumT * inv
            report.headsMeanTopP = sumP * inv
            var meanSums = [Double](repeating: 0, count: 2)
            run([(meanT, meanP)], withHeads: nil, into: &meanSums)
            report.meanShift = NLLScore(temperature: meanT, topP: meanP, objective: meanSums[0] * inv, plain: meanSums[1] * inv)
        }
        return report
    }
}

extension HeadsEvaluation {
    /// The heads' per-token score alone, (e) of `evaluate` without the static rows: the
    /// validation check during training. `sortedHead` as in training (exact to ~1e-13).
    public static func perTokenScore(_ positions: TrainingPositions, output: OutputProjection, heads: AutoDecoHeads,
                                     sortedHead: Int? = nil, batchSize: Int = 64, pool: ThreadPool) -> NLLScore {
        let batch = HeadsBatch(capacity: batchSize, hiddenSize: output.hiddenSize, vocabSize: output.vocabSize, pool: pool)
        let n = positions.count, all = Array(0..<n)
        var objective = 0.0, plain = 0.0
        var start = 0
        while start < n {
            batch.load(positions, indices: all[start..<min(start + batchSize, n)], output: output, heads: heads,
                       sortedHead: sortedHead)
            let b = batch.count, v = batch.vocabSize
            var nll = [Double](repeating: 0, count: b)
            nll.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return }
                pool.parallelFor(b) { range, thread in
                    let s = batch.scratch(forThread: thread)
                    for k in range {
                        base[k] = SoftTopPObjective.terms(sorted: batch.sorted + k * v, count: v, rank: batch.ranks[k],
                                                          temperature: batch.temperatures[k], topP: batch.topPs[k],
                                                          weight: 1, gradients: false, p: s.p, m: s.m, e: s.e).nll
                    }
                }
            }
            for k in 0..<b { objective += nll[k] * batch.weights[k]; plain += nll[k] }   // in position order
            start += b
        }
        let inv = 1 / Double(max(n, 1))
        return NLLScore(temperature: nil, topP: nil, objective: objective * inv, plain: plain * inv)
    }

    /// The best static pair of a grid on `positions` (at most `limit` of them, evenly spaced):
    /// where constant-initialised heads start.
    public static func bestStaticPair(_ positions: TrainingPositions, output: OutputProjection, gridT: [Float],
                                      gridP: [Float], limit: Int = 4096, pool: ThreadPool) -> NLLScore {
        let n = positions.count, k = min(n, max(limit, 1))
        let sample = k == n ? positions : positions.subset((0..<k).map { $0 * n / k })
        return evaluate(sample, output: output, heads: nil, gridT: gridT, gridP: gridP, pool: pool).bestGrid
    }
}
