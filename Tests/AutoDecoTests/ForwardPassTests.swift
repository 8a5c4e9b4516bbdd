import Foundation
import XCTest
@testable import AutoDeco

/// The forward pass against llama.cpp (fixtures from scripts/fixtures/make_forward_fixtures.py,
/// same GGUF files): last-position logits and 64-token greedy continuations.
final class ForwardPassTests: XCTestCase {
    struct Fixture: Decodable {
        struct Prompt: Decodable {
            let prompt: String
            let ids: [Int32]
            let top5: [Int32]
            let logit_min: Float
            let logit_max: Float
            let greedy: [Int32]
        }
        let vocab: Int
        let prompts: [Prompt]
    }

    static var models: [String: Model] = [:]

    func model(_ name: String) throws -> Model {
        if let m = ForwardPassTests.models[name] { return m }
        let path = try TestModels.require(name == "qwen" ? TestModels.qwen : TestModels.smollm2)
        let m = try Model(path: path, findHeads: false)
        ForwardPassTests.models[name] = m
        return m
    }

    func fixture(_ name: String) throws -> (Fixture, llama: [Float], exact: [Float]) {
        let json = try Data(contentsOf: Repo.fixture("forward/\(name).json"))
        let f = try JSONDecoder().decode(Fixture.self, from: json)
        func halves(_ file: String) throws -> [Float] {
            let raw = try Data(contentsOf: Repo.fixture("forward/\(file)"))
            let h = raw.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
            return h.map { Float(Float16(bitPattern: UInt16(littleEndian: $0))) }
        }
        return (f, try halves("\(name).logits.f16"), try halves("\(name).numpy.f16"))
    }

    /// Our logits against two references: the exact float64 numpy forward pass
    /// (make_numpy_reference.py) and llama.cpp (its 8-bit activations and F16 KV cache move
    /// its logits by up to several units on SmolLM2), for both prefill arithmetics:
    /// - `.float` (sgemm on float activations): within 0.01·range of numpy with numpy's top-5;
    /// - `.integer` (the default; 8-bit activations as in decode and in llama.cpp): within
    ///   0.05·range of numpy — the activation rounding moves logits by up to ~0.04·range on
    ///   SmolLM2 Q4_1 — with numpy's top token, unless numpy's runner-up is within `nearTie`.
    /// Either way llama.cpp's top token (same tie rule), and the strict criterion — max |Δ| <
    /// 0.05·range and the same top-5 — on all but at most `llamaMisses` prompts.
    func checkLogits(_ name: String, prefill: ContextParams.PrefillArithmetic, llamaMisses: Int) throws {
        let (f, llama, exact) = try fixture(name)
        let m = try model(name)
        XCTAssertEqual(f.vocab, m.config.vocabSize)
        var params = ContextParams()
        params.contextLength = 512
        params.prefill = prefill
        let ctx = try InferenceContext(model: m, params: params)
        let nearTie: Float = 0.1
        var strict = 0
        for (i, p) in f.prompts.enumerated() {
            ctx.reset()
            try ctx.decode(p.ids)
            let ours = Array(ctx.logits)
            let slice = (i * f.vocab)..<((i + 1) * f.vocab)
            let ref = Array(llama[slice]), ex = Array(exact[slice])
            var dLlama: Float = 0, dExact: Float = 0
            for j in 0..<f.vocab {
                dLlama = max(dLlama, abs(ours[j] - ref[j]))
                dExact = max(dExact, abs(ours[j] - ex[j]))
            }
            let range = p.logit_max - p.logit_min
            func top5(_ v: [Float]) -> [Int32] { v.indices.sorted { v[$0] > v[$1] }.prefix(5).map { Int32($0) } }
            let ourTop = top5(ours), exactTop = top5(ex)
            print("\(name) \(prefill) prompt \(i): max |Δ| vs numpy \(dExact), vs llama.cpp \(dLlama) (range \(range)); top5 \(ourTop) numpy \(exactTop) llama.cpp \(p.top5)")
            // Our best token is theirs, or their best is a near-tie in our logits.
            func sameTop(_ theirs: Int32?, _ label: String) {
                guard let theirs, let mine = ourTop.first else { return XCTFail("no top token") }
                XCTAssertLessThan(ours[Int(mine)] - ours[Int(theirs)], mine == theirs ? 1 : nearTie,
                                  "\(name) \(prefill) prompt \(i): top-1 \(mine) vs \(label)'s \(theirs)")
            }
            if prefill == .float {
                XCTAssertLessThan(dExact, 0.01 * range, "\(name) prompt \(i) vs numpy")
                XCTAssertEqual(Set(ourTop), Set(exactTop), "\(name) prompt \(i) top-5 vs numpy")
            } else {
                XCTAssertLessThan(dExact, 0.05 * range, "\(name) integer prefill prompt \(i) vs numpy")
            }
            sameTop(exactTop.first, "numpy")
            sameTop(p.top5.first, "llama.cpp")
            if dLlama < 0.05 * range && Set(ourTop) == Set(p.top5) { strict += 1 }
        }
        print("\(name) \(prefill): \(strict)/\(f.prompts.count) prompts meet the strict llama.cpp criterion")
        XCTAssertGreaterThanOrEqual(strict, f.prompts.count - llamaMisses)
    }

    /// Greedy continuations against llama.cpp's. The two engines round differently (float
    /// order in every matrix product; llama.cpp keeps an F16 KV cache), so sequences split at
    /// near-ties. What must hold: the first token is the same unless the prompt's last logits
    /// are a near-tie (< 0.05), and wherever the sequences first differ, llama.cpp's token is
    /// within `tieMargin` of our best logit — a real disagreement about the model would show
    /// up as a large gap. On SmolLM2 Q4_1 this is the best any engine but llama.cpp's exact
    /// code path can do: llama.cpp itself, with n_batch 1, flash attention or an F32 KV cache,
    /// reproduces its own fixture continuations on 2/6, 1/6 and 0/6 prompts
    /// (scripts/llama_agreement.py).
    func checkGreedy(_ name: String, minIdentical: Int, tieMargin: Float) throws {
        let (f, _, _) = try fixture(name)
        let m = try model(name)
        var params = ContextParams()
        params.contextLength = 512
        let ctx = try InferenceContext(model: m, params: params)
        var identical = 0
        for (i, p) in f.prompts.enumerated() {
            ctx.reset()
            try ctx.feed(p.ids)
            // Follow llama.cpp's tokens, noting where our greedy choice first differs.
            var split: (at: Int, gap: Float)? = nil
            for (k, theirs) in p.greedy.enumerated() {
                try ctx.evaluate()
                let logits = ctx.logits
                guard let base = logits.baseAddress else { return XCTFail("no logits") }
                let best = Sampler.argmax(base, logits.count)
                if split == nil && Int32(best) != theirs { split = (k, logits[best] - logits[Int(theirs)]) }
                if k + 1 < p.greedy.count { try ctx.feed([theirs]) }
            }
            if let split {
                print("\(name) prompt \(i): greedy splits at token \(split.at), where llama.cpp's choice is \(split.gap) below our best")
                // The first token may differ only at a near-tie of the prompt's last logits.
                XCTAssertTrue(split.at > 0 || split.gap < 0.05, "\(name) prompt \(i): the first generated token must agree")
                XCTAssertLessThan(split.gap, tieMargin, "\(name) prompt \(i): llama.cpp's token is far from our best")
            } else {
                identical += 1
                print("\(name) prompt \(i): greedy identical for \(p.greedy.count) tokens")
            }
        }
        print("\(name): \(identical)/\(f.prompts.count) continuations identical to llama.cpp")
        XCTAssertGreaterThanOrEqual(identical, minIdentical)
    }

    func testSmolLM2Logits() throws {
        try checkLogits("smollm2", prefill: .float, llamaMisses: 2)
        try checkLogits("smollm2", prefill: .integer, llamaMisses: 2)
    }
    /// Integer prefill: two prompts' top-5 sets differ from llama.cpp's at a near-tie of the
    /// fifth and sixth tokens (measured 4/6 strict on Zen 5, 2026-12-01).
    func testQwenLogits() throws {
        try checkLogits("qwen", prefill: .float, llamaMisses: 0)
        try checkLogits("qwen", prefill: .integer, llamaMisses: 2)
    }
    func testSmolLM2Greedy() throws { try checkGreedy("smollm2", minIdentical: 0, tieMargin: 1.0) }
    /// The bar: identical 64-token continuations on at least 4 of the 6 prompts, with
    /// the default (integer) prefill, whose arithmetic is llama.cpp's kind. Measured 5/6 on Zen
    /// 5 (2026-12-01). With sgemm prefill it was 3/6 there and 5/6 on Zen 4: every split is at
    /// a near-tie, where float rounding order decides.
    func testQwenGreedy() throws { try checkGreedy("qwen", minIdentical: 4, tieMargin: 0.4) }

    /// Greedy output does not depend on the thread count; sampling depends only on the seed.
    func testDeterminism() throws {
        let m = try model("smollm2")
        let prompt: [Int32] = [504, 3575, 282, 4649, 314]
        func run(threads: Int, sampler: SamplerParams, batch: Int = 256) throws -> [Int32] {
            var p = ContextParams()
            p.contextLength = 256
            p.threads = threads
            p.batchSize = batch
            p.sampler = sampler
            let ctx = try InferenceContext(model: m, params: p)
            try ctx.feed(prompt)
            return try (0..<24).map { _ in try ctx.step().token }
        }
        let g1 = try run(threads: 1, sampler: .greedy)
        let g2 = try run(threads: 2, sampler: .greedy)
        XCTAssertEqual(g1, g2, "greedy differs between 1 and 2 threads")
        let sampling = SamplerParams.fixed(temperature: 1.0, topP: 0.95, seed: 42)
        let s1 = try run(threads: 2, sampler: sampling)
        let s2 = try run(threads: 2, sampler: sampling)
        let s3 = try run(threads: 1, sampler: sampling)
        XCTAssertEqual(s1, s2, "same seed, different samples")
        XCTAssertEqual(s1, s3, "sampling differs between 1 and 2 threads")
        var other = sampling
        other.seed = 43
        XCTAssertNotEqual(try run(threads: 2, sampler: other), s1, "a different seed should change a 24-token sample")
    }

    /// Prefill in small batches gives the same logits as one big batch (within float noise).
    func testBatchSizeDoesNotChangeLogits() throws {
        let m = try model("qwen")
        let ids: [Int32] = Array((0..<40).map { Int32(100 + $0 * 37) })
        func logits(batch: Int) throws -> [Float] {
            var p = ContextParams()
            p.contextLength = 64
            p.batchSize = batch
            let ctx = try InferenceContext(model: m, params: p)
            try ctx.decode(ids)
            return Array(ctx.logits)
        }
        // Batches of any size > 1 take the same float path: equal up to float reassociation.
        // Batch 1 takes the 8-bit-activation path (as llama.cpp does everywhere): its error is
        // bounded like llama.cpp's, well under 2% of the logit range.
        let a = try logits(batch: 40), b = try logits(batch: 7), c = try logits(batch: 1)
        let dab = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        let dac = zip(a, c).map { abs($0 - $1) }.max() ?? 0
        let range = (a.max() ?? 0) - (a.min() ?? 0)
        print("batch 40 vs 7: \(dab); batch 40 vs 1: \(dac); range \(range)")
        XCTAssertLessThan(dab, 1e-3)
        XCTAssertLessThan(dac, 0.02 * range)
        XCTAssertEqual(Sampler.argmax(a, a.count), Sampler.argmax(c, c.count))
    }
}
