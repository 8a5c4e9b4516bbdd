import XCTest
@testable import AutoDeco

/// `generateBatch` on the real models: sequence i of a batch must be bitwise what `generate`
/// produces on a fresh context seeded with seed + i (tokens, decoding values, text, reason).
final class BatchGenerationTests: XCTestCase {
    static var models: [String: Model] = [:]

    func model(_ name: String) throws -> Model {
        if let m = BatchGenerationTests.models[name] { return m }
        let m: Model
        if name == "qwen" {
            m = try Model(path: try TestModels.require(TestModels.qwen), findHeads: false)
        } else {
            m = try Model(path: try TestModels.require(TestModels.smollm2),
                          headsPath: Repo.root.appendingPathComponent("heads/smollm2-135m-instruct.autodeco").path)
        }
        BatchGenerationTests.models[name] = m
        return m
    }

    struct Run: Equatable {
        var tokens: [Int32] = []
        var temperatures: [Float] = []
        var topPs: [Float] = []
        var probabilities: [Float] = []
        var text = ""
        var reason: StopReason?

        mutating func add(_ e: GenerationEvent) {
            tokens.append(e.token); temperatures.append(e.temperature); topPs.append(e.topP)
            probabilities.append(e.probability); text += e.text
        }
    }

    func context(_ m: Model, sampler: SamplerParams, sequences: Int = 1) throws -> InferenceContext {
        var p = ContextParams()
        p.contextLength = 256
        p.threads = 2
        p.sampler = sampler
        p.sequenceCapacity = sequences
        return try InferenceContext(model: m, params: p)
    }

    func single(_ m: Model, sampler: SamplerParams, prompt: [Int32], options: GenerationOptions,
                stopAfter: Int = .max) throws -> Run {
        let ctx = try context(m, sampler: sampler)
        var run = Run()
        run.reason = try ctx.generate(prompt: prompt, options: options) { e in
            run.add(e)
            return run.tokens.count < stopAfter
        }
        return run
    }

    func batch(_ ctx: InferenceContext, prompt: [Int32], options: [GenerationOptions],
               stopAfter: [Int]? = nil, samplers: [SamplerParams]? = nil) throws -> [Run] {
        var runs = [Run](repeating: Run(), count: options.count)
        let reasons = try ctx.generateBatch(prompt: prompt, options: options, samplers: samplers) { i, e in
            runs[i].add(e)
            return runs[i].tokens.count < (stopAfter?[i] ?? .max)
        }
        for i in runs.indices { runs[i].reason = reasons[i] }
        return runs
    }

    func prompt(_ m: Model, _ text: String) throws -> [Int32] {
        try m.tokenizer.encode(bytes: Array(text.utf8), addSpecial: true, parseSpecial: true)
    }

    func testSamplingBatchMatchesSingleRunsWithSeedPlusIndexAutoDeco() throws {
        let m = try model("smollm2")
        var sp = SamplerParams()
        sp.mode = .autodeco
        sp.seed = 41
        let ids = try prompt(m, "<|im_start|>user\nWrite a short poem about the sea.<|im_end|>\n<|im_start|>assistant\n")
        var options = GenerationOptions()
        options.maxTokens = 24
        let ctx = try context(m, sampler: sp, sequences: 4)
        let runs = try batch(ctx, prompt: ids, options: Array(repeating: options, count: 4))
        XCTAssertEqual(ctx.position, ids.count, "the context ends holding the prompt")
        for i in 0..<4 {
            var s = sp
            s.seed = sp.seed + UInt64(i)
            let alone = try single(m, sampler: s, prompt: ids, options: options)
            XCTAssertEqual(runs[i], alone, "sequence \(i) vs generate with seed \(s.seed)")
            XCTAssertFalse(runs[i].tokens.isEmpty)
        }
        XCTAssertGreaterThan(Set(runs.map(\.tokens)).count, 1, "different seeds should give different samples")
        // A second call with the same seed repeats itself (the generators restart at seed + i).
        ctx.reset()
        XCTAssertEqual(try batch(ctx, prompt: ids, options: Array(repeating: options, count: 4)), runs)
    }

    func testGreedyBatchIsFourTimesTheGreedyRun() throws {
        let m = try model("smollm2")
        var sp = SamplerParams()
        sp.mode = .greedy
        let ids = try prompt(m, "The capital of France is")
        var options = GenerationOptions()
        options.maxTokens = 20
        let runs = try batch(try context(m, sampler: sp, sequences: 4), prompt: ids,
                             options: Array(repeating: options, count: 4))
        let alone = try single(m, sampler: sp, prompt: ids, options: options)
        for run in runs { XCTAssertEqual(run, alone) }
        XCTAssertEqual(alone.tokens.count, 20)
    }

    func testQwenStaticSamplingBatchMatchesSingleRuns() throws {
        let m = try model("qwen")
        var sp = SamplerParams()
        sp.mode = .staticSampling
        sp.temperature = 0.9
        sp.topP = 0.95
        sp.seed = 1000
        let ids = try prompt(m, "def fibonacci(n):\n")
        var options = GenerationOptions()
        options.maxTokens = 12
        let runs = try batch(try context(m, sampler: sp, sequences: 3), prompt: ids,
                             options: Array(repeating: options, count: 3))
        for i in 0..<3 {
            var s = sp
            s.seed += UInt64(i)
            XCTAssertEqual(runs[i], try single(m, sampler: s, prompt: ids, options: options), "qwen sequence \(i)")
        }
    }

    /// Sampler settings per sequence (a grid of settings in one batch): sequence i is bitwise
    /// what `generate` gives with samplers[i] (its seed, not the context's + i), whatever the
    /// context's own sampler, which stays as it was.
    func testPerSequenceSamplersMatchSingleRunsWithThoseSamplers() throws {
        let m = try model("qwen")
        func sampler(_ mode: SamplerParams.Mode, _ t: Float, _ p: Float, seed: UInt64) -> SamplerParams {
            var sp = SamplerParams()
            sp.mode = mode; sp.temperature = t; sp.topP = p; sp.seed = seed
            return sp
        }
        var recommended = sampler(.staticSampling, 0.7, 0.8, seed: 3)
        recommended.topK = 20
        recommended.repetitionPenalty = 1.05
        recommended.repetitionWindow = 1 << 20
        let grid = [sampler(.staticSampling, 0.2, 0.9, seed: 11), sampler(.staticSampling, 1.0, 1.0, seed: 11),
                    sampler(.greedy, 1, 1, seed: 0), recommended, sampler(.staticSampling, 1.0, 0.8, seed: 12)]
        let ids = try prompt(m, "<|im_start|>user\nWrite a Python function that reverses a string.<|im_end|>\n<|im_start|>assistant\n")
        var options = GenerationOptions()
        options.maxTokens = 16
        let own = sampler(.staticSampling, 0.5, 0.5, seed: 99)
        let ctx = try context(m, sampler: own, sequences: grid.count)
        let runs = try batch(ctx, prompt: ids, options: Array(repeating: options, count: grid.count), samplers: grid)
        for (i, sp) in grid.enumerated() {
            XCTAssertEqual(runs[i], try single(m, sampler: sp, prompt: ids, options: options), "sequence \(i): \(sp)")
        }
        XCTAssertNotEqual(runs[0].tokens, runs[1].tokens, "T 0.2 and T 1 with the same seed should differ")
        XCTAssertEqual(ctx.params.sampler, own, "the context's sampler is untouched")
        // Wrong count, an invalid entry, heads needed but missing: errors, nothing changed.
        ctx.reset()
        XCTAssertThrowsError(try batch(ctx, prompt: ids, options: [options, options], samplers: [grid[0]]))
        var bad = grid[0]
        bad.temperature = -1
        XCTAssertThrowsError(try batch(ctx, prompt: ids, options: [options], samplers: [bad]))
        XCTAssertThrowsError(try batch(ctx, prompt: ids, options: [options], samplers: [sampler(.override, 1, 1, seed: 0)])) {
            XCTAssertEqual($0 as? ContextError, .noHeads)
        }
        XCTAssertEqual(ctx.position, 0)
    }

    /// Sequences end on their own: a token limit, a stop string, a callback's false, each
    /// without disturbing the others.
    func testSequencesStopIndependently() throws {
        let m = try model("smollm2")
        var sp = SamplerParams()
        sp.mode = .staticSampling
        sp.temperature = 0.8
        sp.seed = 5
        let ids = try prompt(m, "Once upon a time")
        var short = GenerationOptions(); short.maxTokens = 3
        var long = GenerationOptions(); long.maxTokens = 30
        var stop = GenerationOptions(); stop.maxTokens = 30; stop.stopStrings = [" ", "\n"]
        let options = [short, long, stop, long]
        let stopAfter = [Int.max, Int.max, Int.max, 4]
        let runs = try batch(try context(m, sampler: sp, sequences: 4), prompt: ids, options: options,
                             stopAfter: stopAfter)
        XCTAssertEqual(runs[0].reason, .maxTokens)
        XCTAssertEqual(runs[0].tokens.count, 3)
        XCTAssertEqual(runs[3].reason, .callback)
        XCTAssertEqual(runs[3].tokens.count, 4)
        XCTAssertEqual(runs[2].reason, .stopString, "a space or newline within 30 tokens")
        XCTAssertFalse(runs[2].text.contains(" "))
        XCTAssertGreaterThan(runs[1].tokens.count, 4)
        for i in 0..<4 {
            var s = sp
            s.seed += UInt64(i)
            XCTAssertEqual(runs[i], try single(m, sampler: s, prompt: ids, options: options[i], stopAfter: stopAfter[i]),
                           "sequence \(i)")
        }
    }

    func testInvalidCallsAreErrors() throws {
        let m = try model("smollm2")
        var sp = SamplerParams()
        sp.mode = .greedy
        let ctx = try context(m, sampler: sp, sequences: 2)
        let ids = try prompt(m, "Hello")
        XCTAssertThrowsError(try ctx.generateBatch(prompt: ids, options: []) { _, _ in true })
        XCTAssertThrowsError(try ctx.generateBatch(prompt: ids, options: Array(repeating: GenerationOptions(), count: 3)) { _, _ in true })
        var negative = GenerationOptions(); negative.maxTokens = -1
        XCTAssertThrowsError(try ctx.generateBatch(prompt: ids, options: [negative]) { _, _ in true })
        XCTAssertThrowsError(try ctx.generateBatch(prompt: [Int32(m.config.vocabSize)], options: [GenerationOptions()]) { _, _ in true })
        XCTAssertEqual(ctx.position, 0, "a refused call changes nothing")
        XCTAssertThrowsError(try context(m, sampler: sp, sequences: 0))
        XCTAssertThrowsError(try context(m, sampler: sp, sequences: 65))
        var noHeads = sp
        noHeads.mode = .override
        let bare = try context(m, sampler: noHeads, sequences: 2)
        bare.heads = nil
        XCTAssertThrowsError(try bare.generateBatch(prompt: ids, options: [GenerationOptions()]) { _, _ in true }) {
            XCTAssertEqual($0 as? ContextError, .noHeads)
        }
    }

    /// Context full: the sequences stop together with .contextFull, as `generate` does.
    func testContextFullEndsEverySequence() throws {
        let m = try model("smollm2")
        var sp = SamplerParams()
        sp.mode = .greedy
        var p = ContextParams()
        p.contextLength = 16
        p.sampler = sp
        p.sequenceCapacity = 2
        let ctx = try InferenceContext(model: m, params: p)
        let ids = try prompt(m, "Once upon a time there was")
        var options = GenerationOptions(); options.maxTokens = 100; options.stopAtEndOfGeneration = false
        let runs = try batch(ctx, prompt: ids, options: [options, options])
        var one = ContextParams(); one.contextLength = 16; one.sampler = sp
        let single = try InferenceContext(model: m, params: one)
        var alone = Run()
        alone.reason = try single.generate(prompt: ids, options: options) { alone.add($0); return true }
        XCTAssertEqual(alone.reason, .contextFull)
        XCTAssertEqual(runs[0], alone)
        XCTAssertEqual(runs[1], alone)
    }
}
