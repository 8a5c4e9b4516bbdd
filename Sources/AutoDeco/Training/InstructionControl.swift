/// Instruction control (docs/autodeco.md; the paper's ranking objective). A control
/// triple is one completion after three versions of its prompt: with a high-diversity
/// instruction ("be creative"), with none, and with a low-diversity one ("be precise"). The
/// heads see the instruction only through the hidden states, and should rank their
/// predictions high > none > low, position by position.
public struct ControlTriples: Sendable {
    /// One aligned completion position: its index in the control positions under each prompt.
    public struct Row: Sendable, Equatable {
        public var low: Int, none: Int, high: Int
    }

    public var rows: [Row] = []
    /// The rows of each prompt (group), in data order: evaluation averages per prompt.
    public var groups: [Range<Int>] = []

    /// Pairs up the examples of each group by `diversity` (−1, 0, +1). Groups without all
    /// three, or whose versions differ in length (a different tokenisation), are skipped.
    public init(examples: [TrainingExample], positions: TrainingPositions) throws {
        var order: [String] = []
        var members: [String: [Int: Int]] = [:]   // group → diversity → example index
        for (i, e) in examples.enumerated() {
            guard let g = e.group, let d = e.diversity else { continue }
            if members[g] == nil { order.append(g); members[g] = [:] }
            members[g]?[d] = i
        }
        for g in order {
            guard let m = members[g], let lo = m[-1], let no = m[0], let hi = m[1],
                  let a = positions.exampleRanges[lo], let b = positions.exampleRanges[no],
                  let c = positions.exampleRanges[hi], a.count == b.count, b.count == c.count, a.count > 0 else { continue }
            let start = rows.count
            for k in 0..<a.count {
                rows.append(Row(low: a.lowerBound + k, none: b.lowerBound + k, high: c.lowerBound + k))
            }
            groups.append(start..<rows.count)
        }
        guard !rows.isEmpty else {
            throw TrainingError.invalid("no complete control triples (each group needs diversity -1, 0 and 1)")
        }
    }
}

/// The margin ranking loss over control rows and its derivatives.
public enum RankingObjective {
    /// Wanted gaps between neighbouring instructions: T(high) ≥ T(none) + margin ≥ T(low) + 2·margin.
    public struct Margins: Sendable {
        public var temperature: Float = 0.1
        public var topP: Float = 0.02
        public init() {}
    }

    /// Values laid out as [low × R, none × R, high × R]; returns the mean over rows of
    /// relu(m − (v_high − v_none)) + relu(m − (v_none − v_low)), and d(loss)/d(value) into `grad`.
    public static func loss(_ v: UnsafePointer<Float>, rows r: Int, margin: Float,
                            grad: UnsafeMutablePointer<Double>) -> Double {
        var total = 0.0
        let inv = 1 / Double(max(r, 1))
        for k in 0..<3 * r { grad[k] = 0 }
        for k in 0..<r {
            let lo = Double(v[k]), no = Double(v[r + k]), hi = Double(v[2 * r + k]), m = Double(margin)
            if m - (hi - no) > 0 {
                total += m - (hi - no)
                grad[2 * r + k] -= inv; grad[r + k] += inv
            }
            if m - (no - lo) > 0 {
                total += m - (no - lo)
                grad[r + k] -= inv; grad[k] += inv
            }
        }
        return total * inv
    }
}

/// How the heads' predictions move with the instruction, per prompt (mean over its positions).
public struct ControlReport: Sendable {
    public var prompts = 0
    public var positions = 0
    /// Mean over prompts of (mean T after the high instruction − mean T with none), etc.
    public var temperatureUp = 0.0, temperatureDown = 0.0
    public var topPUp = 0.0, topPDown = 0.0
    /// Share of prompts whose mean moved in the intended direction.
    public var temperatureUpConsistency = 0.0, temperatureDownConsistency = 0.0
    public var topPUpConsistency = 0.0, topPDownConsistency = 0.0
    public var meanTemperature = (low: 0.0, none: 0.0, high: 0.0)
    public var meanTopP = (low: 0.0, none: 0.0, high: 0.0)
}

public enum ControlEvaluation {
    public static func evaluate(_ positions: TrainingPositions, triples: ControlTriples, output: OutputProjection,
                                heads: AutoDecoHeads, batchSize: Int = 64, pool: ThreadPool) -> ControlReport {
        let n = positions.count
        var t = [Float](repeating: 0, count: n), p = [Float](repeating: 0, count: n)
        let batch = HeadsBatch(capacity: batchSize, hiddenSize: output.hiddenSize, vocabSize: output.vocabSize, pool: pool)
        var start = 0
        let all = Array(0..<n)
        while start < n {
            let idx = all[start..<min(start + batchSize, n)]
            batch.load(positions, indices: idx, output: output, heads: heads, lossInputs: false)
            for k in 0..<batch.count { t[start + k] = batch.temperatures[k]; p[start + k] = batch.topPs[k] }
            start += batch.count
        }
        var report = ControlReport()
        report.prompts = triples.groups.count
        report.positions = triples.rows.count
        let inv = 1 / Double(max(triples.groups.count, 1))
        for g in triples.groups {
            func mean(_ v: [Float], _ pick: (ControlTriples.Row) -> Int) -> Double {
                triples.rows[g].reduce(0.0) { $0 + Double(v[pick($1)]) } / Double(g.count)
            }
            let tl = mean(t, \.low), tn = mean(t, \.none), th = mean(t, \.high)
            let pl = mean(p, \.low), pn = mean(p, \.none), ph = mean(p, \.high)
            report.temperatureUp += (th - tn) * inv
            report.temperatureDown += (tl - tn) * inv
            report.topPUp += (ph - pn) * inv
            report.topPDown += (pl - pn) * inv
            if th > tn { report.temperatureUpConsistency += inv }
            if tl < tn { report.temperatureDownConsistency += inv }
            if ph > pn { report.topPUpConsistency += inv }
            if pl < pn { report.topPDownConsistency += inv }
            report.meanTemperature.low += tl * inv; report.meanTemperature.none += tn * inv
            report.meanTemperature.high += th * inv
            report.meanTopP.low += pl * inv; report.meanTopP.none += pn * inv; report.meanTopP.high += ph * inv
        }
        return report
    }
}

extension ControlTriples {
    /// The triples split by prompt (group index): `isValidation` groups go to the second set.
    public func split(validation isValidation: (Int) -> Bool) -> (train: ControlTriples, validation: ControlTriples) {
        var train = self, val = self
        train.rows = []; train.groups = []; val.rows = []; val.groups = []
        for (g, range) in groups.enumerated() {
            if isValidation(g) {
                let start = val.rows.count
                val.rows += rows[range]; val.groups.append(start..<val.rows.count)
            } else {
                let start = train.rows.count
                train.rows += rows[range]; train.groups.append(start..<train.rows.count)
            }
        }
        return (train, val)
    }
}

extension ControlEvaluation {
    /// The ranking loss (T and P, unweighted, mean over rows) of `heads` on `triples`: the
    /// instruction-control part of the validation score during training.
    public static func rankingLoss(_ positions: TrainingPositions, triples: ControlTriples, output: OutputProjection,
                                   heads: AutoDecoHeads, margins: RankingObjective.Margins,
                                   batchSize: Int = 64, pool: ThreadPool) -> Double {
        guard !triples.rows.isEmpty else { return 0 }
        let batch = HeadsBatch(capacity: 3 * batchSize, hiddenSize: output.hiddenSize, vocabSize: output.vocabSize, pool: pool)
        var total = 0.0, start = 0
        while start < triples.rows.count {
            let chunk = triples.rows[start..<min(start + batchSize, triples.rows.count)]
            let r = chunk.count
            let indices = chunk.map(\.low) + chunk.map(\.none) + chunk.map(\.high)
            batch.load(positions, indices: indices[...], output: output, heads: heads, lossInputs: false)
            var grad = [Double](repeating: 0, count: 3 * r)
            let t = RankingObjective.loss(batch.temperatures, rows: r, margin: margins.temperature, grad: &grad)
            let p = RankingObjective.loss(batch.topPs, rows: r, margin: margins.topP, grad: &grad)
            total += (t + p) * Double(r)
            start += r
        }
        return total / Double(triples.rows.count)
    }
}
