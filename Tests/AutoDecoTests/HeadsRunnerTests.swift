import Foundation
import XCTest
import CKernels
@testable import AutoDeco

/// The decode-time heads (HeadsRunner): statistics split into blocks over threads, first
/// layers computed inside the forward pass.
final class HeadsRunnerTests: XCTestCase {
    /// Blocks run in any order and split give bit-identical results to the one-call form.
    func testStatisticBlocksDoNotDependOnTheSplit() {
        var rng = SplitMix(seed: 5)
        let n = 3 * Int(CK_STATS_BLOCK) + 123
        let logits = (0..<n).map { _ in Float(rng.nextDouble() * 20 - 10) }
        var whole = [Float](repeating: 0, count: n), split = whole
        var expected = [Float](repeating: 0, count: 4), got = expected
        ck_distribution_stats(logits, Int64(n), 0.7, &whole, &expected)

        let blocks = Int(ck_stats_block_count(Int64(n)))
        XCTAssertEqual(blocks, 4)
        var bMax = [Float](repeating: 0, count: blocks), bScale = bMax, bTop = [Float](repeating: 0, count: 5 * blocks)
        var bSum = [Double](repeating: 0, count: blocks), bAcc = [Double](repeating: 0, count: 3 * blocks)
        for (b0, b1) in [(2, 4), (0, 1), (1, 2)] {
            ck_stats_exp_blocks(logits, Int64(n), 0.7, &split, Int64(b0), Int64(b1), &bMax, &bSum)
        }
        ck_stats_block_scales(Int64(n), 0.7, bMax, bSum, &bScale)
        for (b0, b1) in [(3, 4), (0, 3)] {
            ck_stats_q_blocks(&split, Int64(n), bScale, Int64(b0), Int64(b1), &bAcc, &bTop)
        }
        ck_stats_finish(Int64(n), bAcc, bTop, &got)
        XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertEqual(split.map(\.bitPattern), whole.map(\.bitPattern))
    }

    /// The SIMD levels (eight and sixteen lanes) give bitwise the same probabilities and
    /// statistics, also for lengths that end in a partial vector.
    func testStatisticsDoNotDependOnTheSIMDLevel() throws {
        guard KernelLevel.detected.rawValue >= KernelLevel.avx2.rawValue else { throw XCTSkip("no SIMD level on this CPU") }
        var rng = SplitMix(seed: 11)
        for n in [7, 16, 1000, 4099, 2 * Int(CK_STATS_BLOCK) + 13] {
            let logits = (0..<n).map { _ in Float(rng.nextDouble() * 30 - 20) }
            var results: [[UInt32]] = []
            forEachKernelLevel { level in
                guard level != .scalar else { return }
                var probs = [Float](repeating: 0, count: n), out = [Float](repeating: 0, count: 4)
                ck_distribution_stats(logits, Int64(n), 0.6, &probs, &out)
                results.append((probs + out).map(\.bitPattern))
            }
            for r in results.dropFirst() { XCTAssertEqual(r, results[0], "n = \(n)") }
        }
    }

    /// Masked (-inf) logits, including a whole block of them, get probability 0 and leave the
    /// statistics of the rest intact.
    func testMaskedLogits() {
        let n = 2 * Int(CK_STATS_BLOCK) + 40
        var logits = (0..<n).map { Float(sin(Double($0) * 0.11) * 4) }
        for i in 0..<Int(CK_STATS_BLOCK) { logits[i] = -.infinity }
        for i in stride(from: Int(CK_STATS_BLOCK), to: n, by: 3) { logits[i] = -.infinity }
        var probs = [Float](repeating: 1, count: n), out = [Float](repeating: 0, count: 4)
        ck_distribution_stats(logits, Int64(n), 1, &probs, &out)
        let e = logits.map { $0 == -.infinity ? 0 : exp(Double($0) - 4) }
        let z = e.reduce(0, +)
        let q = e.map { $0 / z }
        let entropy = -q.reduce(0) { $0 + $1 * log($1 + 1e-8) }
        XCTAssertTrue(probs[0..<Int(CK_STATS_BLOCK)].allSatisfy { $0 == 0 })
        XCTAssertEqual(Double(probs.reduce(0, +)), 1, accuracy: 1e-5)
        XCTAssertEqual(Double(out[0]), q.max() ?? 0, accuracy: 1e-6)
        XCTAssertEqual(Double(out[1]), entropy, accuracy: 1e-5 * entropy)
    }

    /// The heads' first layers computed inside the forward pass equal the fallback that
    /// computes them afterwards (after the heads are re-attached), and predictions do not
    /// depend on the thread count.
    func testFusedFirstLayersMatchSeparatePass() throws {
        let model = try Model(path: try TestModels.require(TestModels.smollm2),
                              headsPath: Repo.fixture("heads/smollm2.safetensors").path)
        var predictions: [InferenceContext.Prediction] = []
        for threads in [1, 2] {
            var p = ContextParams()
            p.contextLength = 64
            p.threads = threads
            let ctx = try InferenceContext(model: model, params: p)
            try ctx.decode([1, 2, 3, 4])
            let fused = try XCTUnwrap(ctx.predict())
            let heads = ctx.heads
            ctx.heads = heads   // new runner: its first layers were not part of the last forward pass
            let separate = try XCTUnwrap(ctx.predict())
            XCTAssertEqual(fused, separate)
            predictions.append(fused)
        }
        XCTAssertEqual(predictions[0], predictions[1])
        XCTAssertGreaterThan(predictions[0].temperature, 0)
    }
}

final class SamplerReuseTests: XCTestCase {
    /// Sampling from probabilities the caller left in the sampler's buffer draws the same token
    /// as letting the sampler compute them.
    func testReadyProbabilitiesDrawTheSameTokens() {
        let n = 1000
        let logits = (0..<n).map { Float(sin(Double($0) * 0.37) * 5) }
        let fresh = Sampler(vocabSize: n, seed: 9), reusing = Sampler(vocabSize: n, seed: 9)
        var differentTokens = Set<Int32>()
        for t: Float in [0.5, 0.9, 1.3, 0.7, 1.1, 0.8, 1.2, 0.6] {
            let a = fresh.sample(logits, temperature: t, topP: 0.9, minP: 0.01)
            Sampler.softmax(logits, n, temperature: t, into: reusing.probabilities)
            let b = reusing.sample(logits, temperature: t, topP: 0.9, minP: 0.01, probabilitiesReady: true)
            XCTAssertEqual(a, b)
            differentTokens.insert(a.token)
        }
        XCTAssertGreaterThan(differentTokens.count, 1)
    }
}
