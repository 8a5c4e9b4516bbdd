import Foundation
import XCTest
@testable import AutoDeco

/// The instruction-control ranking objective: analytic gradients against finite differences,
/// a synthetic problem where the instruction is visible in the hidden state, and the data format.
final class InstructionControlTests: XCTestCase {
    /// Groups of three examples (diversity 1, 0, −1) of `length` positions each; the hidden
    /// states of the high/low versions are the plain ones shifted by ±`shift` along one axis.
    static func makeControl(groups: Int, length: Int, shift: Float, seed: UInt64)
        throws -> (HeadsTrainerTests.Setup, [TrainingExample]) {
        let base = try HeadsTrainerTests.makeSetup(count: groups * length, targetT: 0.7, seed: seed)
        let h = base.h
        var hidden = [Float](), targets = [Int32](), examples = [TrainingExample](), ranges: [Int: Range<Int>] = [:]
        for g in 0..<groups {
            for d in [1, 0, -1] {
                ranges[examples.count] = targets.count..<targets.count + length
                examples.append(TrainingExample(prompt: "p\(g)", completion: "c", group: "g\(g)", diversity: d))
                for k in 0..<length {
                    let i = g * length + k
                    var row = Array(base.positions.hidden[i * h..<(i + 1) * h])
                    row[0] += Float(d) * shift
                    hidden += row
                    targets.append(base.positions.targets[i])
                }
            }
        }
        var positions = try TrainingPositions(hiddenSize: h, hidden: hidden, targets: targets)
        positions.exampleRanges = ranges
        return (HeadsTrainerTests.Setup(h: h, v: base.v, output: base.output, positions: positions), examples)
    }

    func testTriplesAlignPositionsAndSkipIncompleteGroups() throws {
        let (s, made) = try Self.makeControl(groups: 3, length: 4, shift: 0, seed: 1)
        var examples = made
        examples[3].diversity = nil   // group g1 loses its high version
        examples[3].group = nil
        let triples = try ControlTriples(examples: examples, positions: s.positions)
        XCTAssertEqual(triples.groups.count, 2)
        XCTAssertEqual(triples.rows.count, 8)
        XCTAssertEqual(triples.rows[0], ControlTriples.Row(low: 8, none: 4, high: 0))
        XCTAssertEqual(triples.rows[5], ControlTriples.Row(low: 33, none: 29, high: 25))
        XCTAssertThrowsError(try ControlTriples(examples: Array(examples.prefix(2)), positions: s.positions))
    }

    func testRankingGradientsMatchFiniteDifferences() throws {
        let (s, examples) = try Self.makeControl(groups: 4, length: 3, shift: 0.5, seed: 2)
        let triples = try ControlTriples(examples: examples, positions: s.positions)
        var heads = try AutoDecoHeads.randomlyInitialised(hiddenSize: s.h, seed: 7)
        heads.tempW2 = heads.tempW2.map { $0 * 8 }
        heads.topPW2 = heads.topPW2.map { $0 * 8 }
        var config = TrainerConfig()
        config.controlRows = triples.rows.count
        config.controlWeight = 0.7
        config.controlMargins.temperature = 0.05
        config.controlMargins.topP = 0.03
        let trainer = try HeadsTrainer(heads: heads, output: s.output, config: config, pool: ThreadPool(threads: 2))
        trainer.setControl(s.positions, triples: triples)
        let rows = Array(0..<triples.rows.count)
        var grad = [Float](repeating: 0, count: heads.flatParameters.count)
        let loss = trainer.controlLossAndGradient(rows: rows, into: &grad)

        // Reference in Double: T = 2σ(MLP(h)), P = σ(MLP([h, detached T and statistics])).
        let h = s.h, v = s.v, o = AutoDecoHeads.tensorOffsets(hiddenSize: h)
        var features: [[Double]] = []
        for k in 0..<s.positions.count {
            let hk = Array(s.positions.hidden[k * h..<(k + 1) * h])
            var scratch = [Float](repeating: 0, count: 256), l = [Float](repeating: 0, count: v), probs = l
            let t = heads.temperature(hidden: hk, scratch: &scratch)
            hk.withUnsafeBufferPointer { hp in l.withUnsafeMutableBufferPointer { lp in
                s.output.logits(hidden: hp.baseAddress!, count: 1, into: lp.baseAddress!)
            } }
            let st = DistributionStats.compute(logits: l, count: v, temperature: t, probs: &probs)
            features.append([Double(t), Double(st.maxProbability), Double(st.entropy), Double(st.variance), Double(st.top5Sum)])
        }
        func reference(_ flat: [Double]) -> Double {
            func mlp(_ x: [Double], _ w1: Int, _ b1: Int, _ w2: Int, _ b2: Int) -> Double {
                HeadsTrainerTests.referenceHead(flat, x, w1, b1, w2, b2)
            }
            func tp(_ k: Int) -> (Double, Double) {
                let x = (0..<h).map { Double(s.positions.hidden[k * h + $0]) }
                return (2 * mlp(x, o[0], o[1], o[2], o[3]), mlp(x + features[k], o[4], o[5], o[6], o[7]))
            }
            var total = 0.0
            for r in triples.rows {
                let (tl, pl) = tp(r.low), (tn, pn) = tp(r.none), (th, ph) = tp(r.high)
                let mt = 0.05, mp = 0.03
                total += max(mt - (th - tn), 0) + max(mt - (tn - tl), 0) + max(mp - (ph - pn), 0) + max(mp - (pn - pl), 0)
            }
            return total / Double(triples.rows.count)
        }
        let flat = heads.flatParameters.map(Double.init)
        XCTAssertEqual(loss, reference(flat), accuracy: 1e-5)
        XCTAssertGreaterThan(loss, 0, "some margins must be active for the check to mean anything")
        let sizes = AutoDecoHeads.tensorSizes(hiddenSize: h)
        var rng = RandomGenerator(seed: 3)
        let eps = 1e-6
        for (t, name) in AutoDecoHeads.tensorNames.enumerated() {
            let scale = grad[o[t]..<o[t] + sizes[t]].map { abs(Double($0)) }.max() ?? 0
            XCTAssertGreaterThan(scale, 0, "\(name) gets no gradient")
            var worst = 0.0
            for _ in 0..<min(20, sizes[t]) {
                let i = o[t] + (sizes[t] == 1 ? 0 : Int(rng.next() % UInt64(sizes[t])))
                var plus = flat, minus = flat
                plus[i] += eps; minus[i] -= eps
                let fd = 0.7 * (reference(plus) - reference(minus)) / (2 * eps)
                worst = max(worst, abs(Double(grad[i]) - fd) / max(abs(fd), 1e-3 * scale, 1e-12))
            }
            print("ranking gradient check \(name): max relative error \(worst)")
            XCTAssertLessThan(worst, 1e-3, name)
        }
    }

    /// When the instruction shifts the hidden state, training with the ranking loss makes
    /// held-out prompts move T the intended way; without it, the heads ignore the shift.
    func testTrainingLearnsTheInstructionDirection() throws {
        let (train, trainExamples) = try Self.makeControl(groups: 48, length: 8, shift: 1, seed: 5)
        let (held, heldExamples) = try Self.makeControl(groups: 24, length: 8, shift: 1, seed: 6)
        let trainTriples = try ControlTriples(examples: trainExamples, positions: train.positions)
        let heldTriples = try ControlTriples(examples: heldExamples, positions: held.positions)
        func run(control: Bool) throws -> ControlReport {
            var config = TrainerConfig()
            config.learningRate = 3e-3
            config.totalSteps = 150
            config.warmupSteps = 10
            config.seed = 3
            let pool = ThreadPool(threads: 2)
            let trainer = try HeadsTrainer(heads: try AutoDecoHeads.randomlyInitialised(hiddenSize: train.h, seed: 4),
                                           output: train.output, config: config, pool: pool)
            if control { trainer.setControl(train.positions, triples: trainTriples) }
            var order: [Int] = []
            for _ in 0..<config.totalSteps {
                if order.count < 64 { order = trainer.shuffledOrder(train.positions.count) }
                try trainer.step(train.positions, indices: order.suffix(64)); order.removeLast(64)
            }
            return ControlEvaluation.evaluate(held.positions, triples: heldTriples, output: held.output,
                                              heads: trainer.heads, pool: pool)
        }
        let with = try run(control: true)
        print(String(format: "synthetic control: ΔT up %+.3f (%.0f%%), down %+.3f (%.0f%%)", with.temperatureUp,
                     100 * with.temperatureUpConsistency, with.temperatureDown, 100 * with.temperatureDownConsistency))
        XCTAssertEqual(with.prompts, 24)
        XCTAssertGreaterThan(with.temperatureUp, 0.05)
        XCTAssertLessThan(with.temperatureDown, -0.05)
        XCTAssertGreaterThanOrEqual(with.temperatureUpConsistency, 0.9)
        XCTAssertGreaterThanOrEqual(with.temperatureDownConsistency, 0.9)
        let without = try run(control: false)
        XCTAssertLessThan(abs(without.temperatureUp), with.temperatureUp)
    }

    func testControlFieldsParse() throws {
        let path = NSTemporaryDirectory() + "control-\(getpid()).jsonl"
        defer { unlink(path) }
        try """
        {"prompt": "a", "completion": "b", "end_of_turn": false, "group": 3, "diversity": -1}
        {"prompt": "a", "completion": "b", "group": "x", "diversity": 1}
        {"prompt": "a", "completion": "b"}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let e = try TrainingExample.load(jsonl: path)
        XCTAssertEqual(e.map(\.endOfTurn), [false, true, true])
        XCTAssertEqual(e.map(\.group), ["3", "x", nil])
        XCTAssertEqual(e.map(\.diversity), [-1, 1, nil])
        for bad in [#"{"prompt": "a", "completion": "b", "group": "x"}"#,
                    #"{"prompt": "a", "completion": "b", "group": "x", "diversity": 2}"#,
                    #"{"prompt": "a", "completion": "b", "end_of_turn": "no"}"#] {
            try bad.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TrainingExample.load(jsonl: path), bad)
        }
    }
}
