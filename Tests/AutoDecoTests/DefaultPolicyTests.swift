import XCTest
@testable import AutoDeco

/// The one default sampling policy: `SamplerParams()` is AutoDeco, which samples with the
/// heads' predictions when the context has heads and decodes greedily when it has none.
final class DefaultPolicyTests: XCTestCase {
    let prompt: [Int32] = [504, 3575, 282, 4649, 314]

    func tokens(_ model: Model, _ sampler: SamplerParams, heads: AutoDecoHeads?) throws -> [SampledToken] {
        var p = ContextParams()
        p.contextLength = 64
        p.sampler = sampler
        let ctx = try InferenceContext(model: model, params: p)
        ctx.heads = heads
        try ctx.feed(prompt)
        return try (0..<12).map { _ in try ctx.step() }
    }

    func testTheDefaultIsAutoDeco() {
        XCTAssertEqual(SamplerParams().mode, .autodeco)
        XCTAssertEqual(ContextParams().sampler.mode, .autodeco)
        XCTAssertEqual(SamplerParams.greedy.mode, .greedy)
    }

    func testWithoutHeadsTheDefaultDecodesGreedily() throws {
        let model = try Model(path: try TestModels.require(TestModels.smollm2), findHeads: false)
        let byDefault = try tokens(model, SamplerParams(), heads: nil)
        let greedy = try tokens(model, .greedy, heads: nil)
        XCTAssertEqual(byDefault.map(\.token), greedy.map(\.token))
        XCTAssertTrue(byDefault.allSatisfy { $0.temperature == 0 })
    }

    func testWithHeadsTheDefaultSamplesWithTheirPredictions() throws {
        let model = try Model(path: try TestModels.require(TestModels.smollm2),
                              headsPath: Repo.root.appendingPathComponent("heads/smollm2-135m-instruct.autodeco").path)
        var sampler = SamplerParams()
        sampler.seed = 3
        let drawn = try tokens(model, sampler, heads: model.defaultHeads)
        XCTAssertNotNil(model.defaultHeads)
        // Every token drawn at the heads' temperature: positive and varying from token to token.
        XCTAssertTrue(drawn.allSatisfy { $0.temperature > 0 })
        XCTAssertGreaterThan(Set(drawn.map(\.temperature)).count, 1)
    }
}
