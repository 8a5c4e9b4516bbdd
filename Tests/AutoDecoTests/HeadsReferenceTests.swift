import Foundation
import XCTest
@testable import AutoDeco

/// The heads against PyTorch modules built like the official ones
/// (scripts/fixtures/make_heads_fixtures.py): random heads in the official safetensors layout,
/// h and l from our engine at every position of a fixed text, T and P within 1e-4.
final class HeadsReferenceTests: XCTestCase {
    struct Expected: Decodable {
        let ids: [Int32]
        let temperature: [Double]
        let top_p: [Double]
    }

    func check(_ name: String, modelPath: String) throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Repo.fixture("heads/\(name).expected.json")))
        let headsPath = Repo.fixture("heads/\(name).safetensors").path
        let model = try Model(path: try TestModels.require(modelPath), headsPath: headsPath)
        XCTAssertNotNil(model.defaultHeads)
        var p = ContextParams()
        p.contextLength = expected.ids.count + 1
        p.batchSize = 1   // as the dump that produced the reference inputs
        let ctx = try InferenceContext(model: model, params: p)
        var maxT = 0.0, maxP = 0.0
        for (i, id) in expected.ids.enumerated() {
            try ctx.decode([id])
            let pred = try XCTUnwrap(ctx.predict())
            maxT = max(maxT, abs(Double(pred.temperature) - expected.temperature[i]))
            maxP = max(maxP, abs(Double(pred.topP) - expected.top_p[i]))
        }
        print("\(name): \(expected.ids.count) positions, max |ΔT| \(maxT), max |ΔP| \(maxP)")
        XCTAssertGreaterThanOrEqual(expected.ids.count, 100)
        XCTAssertLessThan(maxT, 1e-4)
        XCTAssertLessThan(maxP, 1e-4)
    }

    func testSmolLM2HeadsMatchPyTorch() throws { try check("smollm2", modelPath: TestModels.smollm2) }
    func testQwenHeadsMatchPyTorch() throws { try check("qwen", modelPath: TestModels.qwen) }

    /// A wrong-size checkpoint is refused with a message, not loaded.
    func testHeadsForAnotherModelAreRefused() throws {
        XCTAssertThrowsError(try Model(path: try TestModels.require(TestModels.smollm2),
                                       headsPath: Repo.fixture("heads/qwen.safetensors").path)) { e in
            XCTAssertTrue("\(e)".contains("576"), "\(e)")
        }
    }
}
