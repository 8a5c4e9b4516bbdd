import Foundation
import XCTest
@testable import AutoDeco

/// The heads trainer: analytic gradients against central finite differences of an
/// independent double-precision implementation of the loss, and a short training run on a
/// problem whose best temperature is known.
final class HeadsTrainerTests: XCTestCase {
    struct Setup {
        let h: Int, v: Int
        let output: OutputProjection
        let positions: TrainingPositions
    }

    /// Random W_out (logits of spread ~`scale`) and hidden states; targets drawn from
    /// softmax(l / targetT).
    static func makeSetup(h: Int = 8, v: Int = 50, count: Int, targetT: Double, scale: Double = 3, seed: UInt64) throws -> Setup {
        var rng = RandomGenerator(seed: seed)
        func gauss() -> Double {
            let u1 = max(rng.nextUnit(), 1e-12), u2 = rng.nextUnit()
            return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        }
        let w = (0..<(v * h)).map { _ in Float(gauss() * scale / Double(h).squareRoot()) }
        let output = try OutputProjection(vocabSize: v, hiddenSize: h, weights: w)
        var hidden = [Float](), targets = [Int32]()
        for _ in 0..<count {
            let hv = (0..<h).map { _ in Float(gauss()) }
            var logits = [Float](repeating: 0, count: v)
            hv.withUnsafeBufferPointer { hp in logits.withUnsafeMutableBufferPointer { lp in
                output.logits(hidden: hp.baseAddress!, count: 1, into: lp.baseAddress!)
            } }
            let mx = Double(logits.max()!)
            let e = logits.map { Foundation.exp((Double($0) - mx) / targetT) }
            var u = rng.nextUnit() * e.reduce(0, +), y = v - 1
            for (i, x) in e.enumerated() { u -= x; if u < 0 { y = i; break } }
            hidden += hv
            targets.append(Int32(y))
        }
        return Setup(h: h, v: v, output: output, positions: try TrainingPositions(hiddenSize: h, hidden: hidden, targets: targets))
    }

    /// The loss without masking, all in Double, straight from docs/autodeco.md. The top-p
    /// head's T and statistics inputs are the detached values `features` ([count][5]).
    /// One head in Double: σ(W2 · relu(W1 · x + b1) + b2), tensors at offsets of `flat`.
    static func referenceHead(_ flat: [Double], _ x: [Double], _ w1: Int, _ b1: Int, _ w2: Int, _ b2: Int) -> Double {
        var out = flat[b2]
        for j in 0..<AutoDecoHeads.width {
            var a = flat[b1 + j]
            for i in 0..<x.count { a += flat[w1 + j * x.count + i] * x[i] }
            if a > 0 { out += flat[w2 + j] * a }
        }
        return 1 / (1 + Foundation.exp(-out))
    }

    /// Per position, in Double: the DFT weight softmax(l)[y], CE(l / max(T, 0.01), y) and the
    /// sampling probability of the target p̃[y] under the soft top-p mask.
    static func referenceTerms(_ s: Setup, flat: [Double], features: [[Double]]) -> [(weight: Double, ce: Double, pTilde: Double)] {
        let h = s.h, v = s.v
        let o = AutoDecoHeads.tensorOffsets(hiddenSize: h)
        return (0..<s.positions.count).map { k in
            let hv = (0..<h).map { Double(s.positions.hidden[k * h + $0]) }
            let l = (0..<v).map { r in (0..<h).reduce(0.0) { $0 + Double(s.output.weights[r * h + $1]) * hv[$1] } }
            let y = Int(s.positions.targets[k])
            let t = 2 * referenceHead(flat, hv, o[0], o[1], o[2], o[3])
            let p = referenceHead(flat, hv + features[k], o[4], o[5], o[6], o[7])
            func softmax(_ temp: Double) -> [Double] {
                let mx = l.max()!
                let e = l.map { Foundation.exp(($0 - mx) / temp) }
                let z = e.reduce(0, +)
                return e.map { $0 / z }
            }
            let probs = softmax(t)
            let order = (0..<v).sorted { l[$0] > l[$1] || (l[$0] == l[$1] && $0 < $1) }
            var mask = [Double](repeating: 0, count: v), c = 0.0
            for i in order { c += probs[i]; mask[i] = Foundation.exp(-30 * max(c - p, 0)) }
            let denom = zip(probs, mask).reduce(0.0) { $0 + $1.0 * $1.1 } + 1e-9
            return (softmax(1)[y], -Foundation.log(softmax(max(t, 0.01))[y]), probs[y] * mask[y] / denom)
        }
    }

    /// The training loss without masking: mean DFT-weighted CE plus mean weighted soft top-p NLL.
    static func referenceLoss(_ s: Setup, flat: [Double], features: [[Double]]) -> Double {
        let terms = referenceTerms(s, flat: flat, features: features)
        return terms.reduce(0.0) { $0 + $1.weight * $1.ce + -Foundation.log($1.pTilde + 1e-9) * $1.weight } / Double(terms.count)
    }

    /// The rejected-token loss, mean over positions of −ln(max(1 − p̃[y], 1e-6)).
    static func referenceRejectedLoss(_ s: Setup, flat: [Double], features: [[Double]]) -> Double {
        let terms = referenceTerms(s, flat: flat, features: features)
        return terms.reduce(0.0) { $0 - Foundation.log(max(1 - $1.pTilde, 1e-6)) } / Double(terms.count)
    }

    /// The detached top-p features (T and the four statistics) of every position.
    static func detachedFeatures(_ s: Setup, heads: AutoDecoHeads) -> [[Double]] {
        (0..<s.positions.count).map { k in
            var l = [Float](repeating: 0, count: s.v), probs = [Float](repeating: 0, count: s.v)
            let hk = Array(s.positions.hidden[k * s.h..<(k + 1) * s.h])
            var scratch = [Float](repeating: 0, count: 256)
            let t = heads.temperature(hidden: hk, scratch: &scratch)
            hk.withUnsafeBufferPointer { hp in l.withUnsafeMutableBufferPointer { lp in
                s.output.logits(hidden: hp.baseAddress!, count: 1, into: lp.baseAddress!)
            } }
            let st = DistributionStats.compute(logits: l, count: s.v, temperature: t, probs: &probs)
            return [Double(t), Double(st.maxProbability), Double(st.entropy), Double(st.variance), Double(st.top5Sum)]
        }
    }

    /// Compares `grad` with central finite differences of `loss` at 20 random entries of every
    /// tensor; returns nothing, asserts a relative error below 1e-3.
    static func checkGradient(_ grad: [Float], at flat: [Double], hiddenSize h: Int, label: String,
                              seed: UInt64, loss: ([Double]) -> Double) {
        let sizes = AutoDecoHeads.tensorSizes(hiddenSize: h), offsets = AutoDecoHeads.tensorOffsets(hiddenSize: h)
        var rng = RandomGenerator(seed: seed)
        let eps = 1e-6
        for (t, name) in AutoDecoHeads.tensorNames.enumerated() {
            let tensorGrad = grad[offsets[t]..<offsets[t] + sizes[t]]
            let scale = tensorGrad.map { abs(Double($0)) }.max() ?? 0
            XCTAssertGreaterThan(scale, 0, name)
            var worst = 0.0
            for _ in 0..<min(20, sizes[t]) {
                let i = offsets[t] + (sizes[t] == 1 ? 0 : Int(rng.next() % UInt64(sizes[t])))
                var plus = flat, minus = flat
                plus[i] += eps; minus[i] -= eps
                let fd = (loss(plus) - loss(minus)) / (2 * eps)
                worst = max(worst, abs(Double(grad[i]) - fd) / max(abs(fd), 1e-3 * scale, 1e-12))
            }
            print("\(label) gradient check \(name): max relative error \(worst) (max |grad| \(scale))")
            XCTAssertLessThan(worst, 1e-3, name)
        }
    }

    /// Random heads with their outputs spread, so T and P vary across positions and the masks are active.
    static func spreadHeads(hiddenSize h: Int, seed: UInt64) throws -> AutoDecoHeads {
        var heads = try AutoDecoHeads.randomlyInitialised(hiddenSize: h, seed: seed)
        heads.tempW2 = heads.tempW2.map { $0 * 8 }
        heads.topPW2 = heads.topPW2.map { $0 * 8 }
        heads.topPB2 = 1
        return heads
    }

    func testGradientsMatchFiniteDifferences() throws {
        let s = try Self.makeSetup(count: 16, targetT: 0.7, seed: 1)
        let heads = try Self.spreadHeads(hiddenSize: s.h, seed: 7)
        var config = TrainerConfig()
        config.batchPositions = 16
        let trainer = try HeadsTrainer(heads: heads, output: s.output, config: config, pool: ThreadPool(threads: 2))
        let (loss, grad) = trainer.lossAndGradient(s.positions, indices: Array(0..<16)[...], maskDraws: nil)
        let features = Self.detachedFeatures(s, heads: heads)   // at the current parameters
        let flat = heads.flatParameters.map(Double.init)
        let ref = Self.referenceLoss(s, flat: flat, features: features)
        XCTAssertEqual(loss.total, ref, accuracy: 1e-5 * abs(ref))
        Self.checkGradient(grad, at: flat, hiddenSize: s.h, label: "training loss", seed: 3) {
            Self.referenceLoss(s, flat: $0, features: features)
        }
    }

    func testRejectedTokenGradientsMatchFiniteDifferences() throws {
        // Flat logits and targets drawn at a high temperature keep p̃[b] away from 1, where the
        // factor 1/(1 − p̃) would amplify the float32 rounding of the engine side.
        let s = try Self.makeSetup(count: 12, targetT: 2.5, scale: 2, seed: 5)
        let heads = try Self.spreadHeads(hiddenSize: s.h, seed: 9)
        var config = TrainerConfig()
        config.batchPositions = 12
        config.rejectedRows = 12
        config.sortedHead = nil
        let trainer = try HeadsTrainer(heads: heads, output: s.output, config: config, pool: ThreadPool(threads: 2))
        trainer.setRejected(s.positions, indices: Array(0..<12))
        var grad = [Float](repeating: 0, count: heads.flatParameters.count)
        let loss = trainer.rejectedLossAndGradient(rows: Array(0..<12), into: &grad)
        let features = Self.detachedFeatures(s, heads: heads)
        let flat = heads.flatParameters.map(Double.init)
        let ref = Self.referenceRejectedLoss(s, flat: flat, features: features)
        XCTAssertGreaterThan(ref, 0.01)
        XCTAssertEqual(loss, ref, accuracy: 1e-5 * abs(ref))
        Self.checkGradient(grad, at: flat, hiddenSize: s.h, label: "rejected-token", seed: 4) {
            Self.referenceRejectedLoss(s, flat: $0, features: features)
        }
        // A step with rejected tokens lowers their loss.
        config.learningRate = 1e-2
        config.warmupSteps = 0
        let stepper = try HeadsTrainer(heads: heads, output: s.output, config: config, pool: ThreadPool(threads: 2))
        stepper.setRejected(s.positions, indices: Array(0..<12))
        var before = [Float](repeating: 0, count: grad.count), after = before
        let l0 = stepper.rejectedLossAndGradient(rows: Array(0..<12), into: &before)
        for _ in 0..<20 { try stepper.step(s.positions, indices: Array(0..<1)[...]) }
        let l1 = stepper.rejectedLossAndGradient(rows: Array(0..<12), into: &after)
        XCTAssertLessThan(l1, l0)
    }

    func testTrainingMovesTemperatureTowardOptimum() throws {
        let s = try Self.makeSetup(count: 4096, targetT: 0.5, seed: 11)
        var config = TrainerConfig()
        config.learningRate = 3e-3
        config.batchPositions = 64
        config.totalSteps = 300
        config.warmupSteps = 10
        config.seed = 5
        let trainer = try HeadsTrainer(heads: try AutoDecoHeads.randomlyInitialised(hiddenSize: s.h, seed: 2),
                                       output: s.output, config: config, pool: ThreadPool(threads: 2))
        var first: BatchLoss?, last = BatchLoss()
        var lossesStart = 0.0, lossesEnd = 0.0
        var order: [Int] = []
        for step in 0..<config.totalSteps {
            if order.count < 64 { order = trainer.shuffledOrder(s.positions.count) }
            let idx = order.suffix(64); order.removeLast(64)
            last = try trainer.step(s.positions, indices: idx)
            if first == nil { first = last }
            if step < 20 { lossesStart += last.total / 20 }
            if step >= config.totalSteps - 20 { lossesEnd += last.total / 20 }
        }
        print("synthetic training: loss \(lossesStart) → \(lossesEnd), mean T \(first!.meanTemperature) → \(last.meanTemperature), mean P \(first!.meanTopP) → \(last.meanTopP)")
        XCTAssertLessThan(lossesEnd, lossesStart)
        XCTAssertLessThan(abs(last.meanTemperature - 0.5), abs(first!.meanTemperature - 0.5))
        XCTAssertLessThan(last.meanTemperature, 0.75)
    }

    /// Per-position work is split over threads but reduced in position order: the trained
    /// parameters are bit-identical for any thread count.
    func testTrainingIsDeterministicAcrossThreadCounts() throws {
        let s = try Self.makeSetup(count: 512, targetT: 0.5, seed: 4)
        var config = TrainerConfig()
        config.batchPositions = 64
        config.totalSteps = 16
        config.seed = 9
        func train(threads: Int) throws -> [Float] {
            let trainer = try HeadsTrainer(heads: try AutoDecoHeads.randomlyInitialised(hiddenSize: s.h, seed: 1),
                                           output: s.output, config: config, pool: ThreadPool(threads: threads))
            let order = trainer.shuffledOrder(s.positions.count)
            for step in 0..<config.totalSteps {
                try trainer.step(s.positions, indices: order[(step % 8) * 64..<(step % 8 + 1) * 64])
            }
            return trainer.parameters
        }
        XCTAssertEqual(try train(threads: 1), try train(threads: 2))
    }

    /// The evaluation grid's shortcut equals the direct soft top-p NLL.
    func testGridNLLsMatchDirectObjective() throws {
        var rng = RandomGenerator(seed: 21)
        let n = 300
        let logits = (0..<n).map { _ in Float(rng.nextUnit() * 12 - 6) }
        var keys = [UInt64](repeating: 0, count: n), sorted = [Float](repeating: 0, count: n)
        let rank = SoftTopPObjective.sortDescending(logits, count: n, target: 17, keys: &keys, sorted: &sorted)
        var a = [Double](repeating: 0, count: n), b = a, c = a
        let ps: [Float] = [0.3, 0.7, 0.9, 0.95, 1.0]
        for t: Float in [0.3, 0.8, 1.4] {
            var grid = [Double](repeating: 0, count: ps.count)
            SoftTopPObjective.nlls(sorted: sorted, count: n, rank: rank, temperature: t, topPs: ps, c: &a, q: &b, into: &grid)
            for (i, p) in ps.enumerated() {
                let direct = SoftTopPObjective.terms(sorted: sorted, count: n, rank: rank, temperature: t, topP: p, weight: 1,
                                                     gradients: false, p: &a, m: &b, e: &c).nll
                XCTAssertEqual(grid[i], direct, accuracy: 1e-9 * max(1, abs(direct)), "T \(t) P \(p)")
            }
        }
    }

    /// The training sort: the first `head` logits are exactly the full sort's, nothing after
    /// them is larger, the tail keeps vocabulary order, and the rank points at the target.
    func testHeadSortKeepsTheLargestLogitsInOrder() throws {
        var rng = RandomGenerator(seed: 5)
        let n = 20_000, head = 700
        // Ties included: a few hundred repeated values.
        let logits = (0..<n).map { i in i % 97 == 0 ? Float(3.25) : Float(rng.nextUnit() * 30 - 20) }
        var keys = [UInt64](repeating: 0, count: n), full = [Float](repeating: 0, count: n)
        var partial = full, histogram = [UInt32](repeating: 0, count: 65536)
        for target in [0, 97, 12_345, n - 1] {
            let fullRank = SoftTopPObjective.sortDescending(logits, count: n, target: target, keys: &keys, sorted: &full)
            let rank = SoftTopPObjective.sortHeadDescending(logits, count: n, head: head, target: target, keys: &keys,
                                                            histogram: &histogram, sorted: &partial)
            XCTAssertEqual(Array(partial[..<head]), Array(full[..<head]))
            XCTAssertEqual(partial[rank], logits[target])
            if fullRank < head { XCTAssertEqual(rank, fullRank) }
            let floor = partial[head - 1]
            XCTAssertTrue(partial[head...].allSatisfy { $0 <= floor })
            XCTAssertEqual(partial.sorted(), logits.sorted())
            // The tail (after the ordered head) is a subsequence of the vocabulary order.
            let front = (head..<n).first { partial[$0] > partial[$0 - 1] } ?? n
            var at = 0
            for v in partial[front...] {
                while at < n && logits[at] != v { at += 1 }
                XCTAssertLessThan(at, n, "tail out of vocabulary order")
                at += 1
            }
        }
    }
}
