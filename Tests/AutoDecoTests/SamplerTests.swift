import XCTest
@testable import AutoDeco

/// The sampler against the exact nucleus distribution (DESIGN.md section 10: divide by T,
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
