import XCTest
@testable import AutoDeco

/// The sampler against the exact nucleus distribution (docs/autodeco.md: divide by T,
/// softmax, keep the smallest prefix reaching P, renormalise, draw).
final class SamplerTests: XCTestCase {
    /// The exact distribution the sampler should draw from.
    func nucleus(_ logits: [Float], t: Float, p: Float) -> [Double] {
        let m = logits.max() ?? 0
        var q = logits.map { exp(Double(($0 - m) / t)) }
        let z = q.reduce(0, +)
        q = q.map { $0 / z }
        let order = q.indices.sorted { q[$0] > q[$1] || (q[$0] == q[$1] && $0 < $1) }
        var keep = Set<Int>()
        var c = 0.0
        for i in order {
            keep.insert(i)
            c += q[i]
            if c >= Double(p) { break }
        }
        let kept = keep.reduce(0.0) { $0 + q[$1] }
        return q.indices.map { keep.contains($0) ? q[$0] / kept : 0 }
    }

    /// Upper 0.001 quantile of chi-square with k degrees of freedom (Wilson–Hilferty).
    func chiSquareCritical(_ k: Int) -> Double {
        let z = 3.090232  // standard normal 0.999 quantile
        let kd = Double(k)
        return kd * pow(1 - 2 / (9 * kd) + z * (2 / (9 * kd)).squareRoot(), 3)
    }

    /// 20,000 draws for each (T, P) match the exact nucleus distribution by a chi-square test at
    /// a 0.1% false-failure rate per case (6 cases: < 0.6% for the whole test), and no token
    /// outside the nucleus is ever drawn.
    func testDrawsMatchNucleusDistribution() {
        var rng = RandomGenerator(seed: 99)
        let vocab = 400
        let logits: [Float] = (0..<vocab).map { _ in Float(Double(rng.next() % 10_000) / 1000.0) - 5 }
        let cases: [(Float, Float)] = [(1.0, 1.0), (1.0, 0.9), (0.7, 0.8), (1.5, 0.95), (0.3, 0.5), (2.0, 0.3)]
        let sampler = Sampler(vocabSize: vocab, seed: 7)
        for (t, p) in cases {
            let expected = nucleus(logits, t: t, p: p)
            var counts = [Int](repeating: 0, count: vocab)
            let draws = 20_000
            logits.withUnsafeBufferPointer { l in
                for _ in 0..<draws {
                    let s = sampler.sample(l.baseAddress!, temperature: t, topP: p)
                    counts[Int(s.token)] += 1
                    XCTAssertEqual(Double(s.probability), expected[Int(s.token)], accuracy: 1e-4)
                }
            }
            for i in 0..<vocab where expected[i] == 0 {
                XCTAssertEqual(counts[i], 0, "token \(i) outside the nucleus was drawn (T \(t), P \(p))")
            }
            // Pool cells with small expected counts so every cell expects at least 5 draws.
            var chi = 0.0, cells = 0
            var pooledE = 0.0, pooledO = 0
            for i in expected.indices.sorted(by: { expected[$0] > expected[$1] }) where expected[i] > 0 {
                let e = expected[i] * Double(draws)
                if e >= 5 {
                    chi += pow(Double(counts[i]) - e, 2) / e
                    cells += 1
                } else {
                    pooledE += e
                    pooledO += counts[i]
                }
            }
            if pooledE > 0 { chi += pow(Double(pooledO) - pooledE, 2) / max(pooledE, 1e-9); cells += 1 }
            let dof = max(cells - 1, 1)
            if cells > 1 {
                XCTAssertLessThan(chi, chiSquareCritical(dof), "T \(t) P \(p): chi² \(chi) with \(dof) dof")
            } else {
                XCTAssertEqual(counts.filter { $0 > 0 }.count, 1)
            }
        }
    }

    /// The sampler finds the nucleus band by band (Sampler.nucleus). Against the plain method
    /// (sort every token above the bound, walk to P, then top-k) it must give bitwise the same
    /// token and probability, for distributions flat and peaked, with ties, top-k and min-p.
    func testBandedNucleusIsBitwiseTheFullSort() {
        var rng = RandomGenerator(seed: 5)
        let vocab = 6000
        let settings: [(t: Float, p: Float, k: Int, minP: Float)] = [
            (1, 0.9, 0, 0), (0.7, 0.8, 20, 0), (1.5, 0.95, 0, 0), (1, 1, 40, 0), (1, 1, 0, 0.05),
            (0.3, 0.99, 0, 0), (1, 0.999, 0, 0), (2, 0.5, 5, 0.01), (1, 0.9999, 3000, 0), (1.8, 0.999, 0, 0),
        ]
        var compared = 0
        for trial in 0..<24 {
            let spread = [0.5, 3, 12, 40][trial % 4]
            // Rounded to 1/64 so that equal probabilities (ties) occur.
            let logits: [Float] = (0..<vocab).map { _ in Float((rng.nextUnit() * spread * 64).rounded() / 64) }
            for (i, c) in settings.enumerated() {
                let seed = UInt64(trial * 100 + i)
                let sampler = Sampler(vocabSize: vocab, seed: seed)
                let got = logits.withUnsafeBufferPointer {
                    sampler.sample($0.baseAddress!, temperature: c.t, topP: c.p, topK: c.k, minP: c.minP)
                }
                // The plain method on the sampler's own probabilities.
                let pr = Array(UnsafeBufferPointer(start: sampler.probabilities, count: vocab))
                let best = pr.indices.max { pr[$0] < pr[$1] || (pr[$0] == pr[$1] && $0 > $1) }!
                var threshold: Float = c.p < 1 ? (1 - c.p) / Float(vocab) : 0
                if c.minP > 0 { threshold = max(threshold, c.minP * pr[best]) }
                let sorted = pr.indices.filter { pr[$0] >= threshold && pr[$0] > 0 }
                    .sorted { pr[$0] > pr[$1] || (pr[$0] == pr[$1] && $0 < $1) }
                var keep = c.k > 0 ? min(sorted.count, c.k) : sorted.count
                if c.p < 1 {
                    var cumulative: Float = 0
                    for j in 0..<keep {
                        cumulative += pr[sorted[j]]
                        if cumulative >= c.p { keep = j + 1; break }
                    }
                }
                var total: Float = 0
                for j in 0..<keep { total += pr[sorted[j]] }
                var draw = RandomGenerator(seed: seed)
                let r = Float(draw.nextUnit()) * total
                var cumulative: Float = 0, pick = keep - 1
                for j in 0..<keep {
                    cumulative += pr[sorted[j]]
                    if r < cumulative { pick = j; break }
                }
                XCTAssertEqual(got.token, Int32(sorted[pick]), "trial \(trial) setting \(c)")
                XCTAssertEqual(got.probability.bitPattern, (pr[sorted[pick]] / total).bitPattern, "trial \(trial) setting \(c)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 24 * settings.count)
    }

    func testGreedyAndFilters() {
        let logits: [Float] = [1, 5, 3, 5, -2]
        let sampler = Sampler(vocabSize: 5, seed: 1)
        logits.withUnsafeBufferPointer { l in
            XCTAssertEqual(sampler.greedy(l.baseAddress!).token, 1, "first of tied maxima")
            for _ in 0..<200 {
                let k = sampler.sample(l.baseAddress!, temperature: 1, topP: 1, topK: 2)
                XCTAssertTrue(k.token == 1 || k.token == 3)
                let m = sampler.sample(l.baseAddress!, temperature: 1, topP: 1, minP: 0.5)
                XCTAssertTrue(m.token == 1 || m.token == 3, "min-p 0.5 keeps only the two tied maxima")
                let tiny = sampler.sample(l.baseAddress!, temperature: 1, topP: 1e-6)
                XCTAssertEqual(tiny.token, 1, "a tiny top-p keeps only the most likely token")
            }
        }
    }

    func testParamsValidation() {
        var p = SamplerParams.fixed(temperature: -1)
        XCTAssertThrowsError(try p.validate())
        p = .fixed(temperature: 1, topP: 1.5)
        XCTAssertThrowsError(try p.validate())
        p = .fixed(temperature: 1, topP: 0)
        XCTAssertThrowsError(try p.validate())
        p = .fixed(temperature: .nan)
        XCTAssertThrowsError(try p.validate())
        p = .fixed(temperature: 0.7, topP: 0.8)
        XCTAssertNoThrow(try p.validate())
    }
}
