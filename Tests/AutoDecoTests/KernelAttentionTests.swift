// Attention and vocabulary-statistics kernels against plain double-precision references;
// the split (block + combine) path equals the one-call path bit for bit.
import XCTest
import Foundation
import CKernels
@testable import AutoDeco

final class KernelAttentionTests: XCTestCase {
    func testAttentionMatchesReference() {
        var rng = SplitMix(seed: 11)
        let hd = 64, group = 3, stride = 192
        for n in [1, 7, 8, 100, 128, 129, 300] {
            let q = (0..<group * hd).map { _ in Float(rng.nextDouble() * 4 - 2) }
            let k = (0..<n * stride).map { _ in Float(rng.nextDouble() - 0.5) }
            let v = (0..<n * stride).map { _ in Float(rng.nextDouble() - 0.5) }
            var out = [Float](repeating: 0, count: group * hd)
            var scratch = [Float](repeating: 0, count: 8 * group * (hd + 2) + group * 128)
            ck_attention(q, Int64(group), Int64(hd), k, v, Int64(stride), Int64(n), 128, 0.125, &scratch, &out)
            for g in 0..<group {
                var s = (0..<n).map { p in (0..<hd).reduce(0.0) { $0 + Double(q[g * hd + $1]) * Double(k[p * stride + $1]) } * 0.125 }
                let m = s.max() ?? 0
                s = s.map { Foundation.exp($0 - m) }
                let total = s.reduce(0, +)
                for i in 0..<hd {
                    let ref = (0..<n).reduce(0.0) { $0 + s[$1] * Double(v[$1 * stride + i]) } / total
                    XCTAssertEqual(Double(out[g * hd + i]), ref, accuracy: 1e-5, "n \(n) head \(g) dim \(i)")
                }
            }
            // Blocks then combine, as the decode split runs it, give the same bits.
            let blocks = (n + 127) / 128
            var m = [Float](repeating: 0, count: blocks * group), s = m
            var o = [Float](repeating: 0, count: blocks * group * hd), split = out
            for b in 0..<blocks {
                let p0 = b * 128, len = min(128, n - p0)
                k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
                    ck_attention_block(q, Int64(group), Int64(hd), kp.baseAddress! + p0 * stride, vp.baseAddress! + p0 * stride,
                                       Int64(stride), Int64(len), 0.125, &scratch, &m[b * group], &s[b * group], &o[b * group * hd])
                } }
            }
            ck_attention_combine(Int64(blocks), Int64(group), Int64(hd), m, s, o, &split)
            XCTAssertEqual(split.map(\.bitPattern), out.map(\.bitPattern), "n \(n)")
        }
    }

    func testDistributionStatsMatchReference() {
        var rng = SplitMix(seed: 12)
        let n = 5003
        let logits = (0..<n).map { _ in Float(rng.nextDouble() * 30 - 15) }
        var probs = [Float](repeating: 0, count: n)
        for t: Float in [0.3, 1, 1.7] {
            let st = DistributionStats.compute(logits: logits, count: n, temperature: t, probs: &probs)
            let mx = Double(logits.max() ?? 0)
            let e = logits.map { Foundation.exp((Double($0) - mx) / Double(t + 1e-8)) }
            let z = e.reduce(0, +)
            let q = e.map { $0 / z }
            let entropy = -q.reduce(0) { $0 + $1 * Foundation.log($1 + 1e-8) }
            let mean = q.reduce(0, +) / Double(n)
            let variance = q.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
            let sorted = q.sorted(by: >)
            XCTAssertEqual(Double(st.maxProbability), sorted[0], accuracy: 1e-6 * sorted[0])
            XCTAssertEqual(Double(st.entropy), entropy, accuracy: 1e-5 * max(entropy, 1))
            XCTAssertEqual(Double(st.variance), variance, accuracy: 1e-5 * variance)
            XCTAssertEqual(Double(st.top5Sum), sorted[0..<5].reduce(0, +), accuracy: 1e-6)
            for i in stride(from: 0, to: n, by: 97) { XCTAssertEqual(Double(probs[i]), q[i], accuracy: 2e-5 * q[i] + 1e-30) }  // float (l − max)/T rounding
        }
        XCTAssertEqual(Sampler.argmax([1, 3, 3, 2], 4), 1)
    }
}
