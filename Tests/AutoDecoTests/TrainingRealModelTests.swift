import Foundation
import XCTest
@testable import AutoDeco

/// Training pieces on a real model: the hidden-state cache fed by the real forward pass, and
/// the training sort (only the largest logits in order) against the exact full sort.
final class TrainingRealModelTests: XCTestCase {
    func testHeadSortGivesTheExactLossesOnRealLogits() throws {
        let model = try Model(path: try TestModels.require(TestModels.smollm2), findHeads: false)
        let example = TrainingExample(prompt: "Write a Python function that returns the n-th Fibonacci number.",
                                      completion: "```python\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n"
                                          + "        a, b = b, a + b\n    return a\n```\nThis runs in linear time.")
        let path = NSTemporaryDirectory() + "sort-\(getpid()).cache"
        defer { unlink(path) }
        let store = try HiddenStateCache(path: path, hiddenSize: model.config.dim, vocabSize: model.config.vocabSize)
        var params = ContextParams()
        params.contextLength = 256
        try store.fill(model: model, examples: [example], params: params)
        let positions = try store.positions()
        XCTAssertGreaterThan(positions.count, 30)
        let heads = try HeadsLoader.load(path: Repo.root.appendingPathComponent("heads/smollm2-135m-instruct.autodeco").path,
                                         hiddenSize: model.config.dim)
        let output = try OutputProjection(model: model)
        func lossAndGradient(sortedHead: Int?) throws -> (BatchLoss, [Float]) {
            var config = TrainerConfig()
            config.batchPositions = positions.count
            config.sortedHead = sortedHead
            let trainer = try HeadsTrainer(heads: heads, output: output, config: config, pool: ThreadPool(threads: 2))
            return trainer.lossAndGradient(positions, indices: Array(0..<positions.count)[...], maskDraws: nil)
        }
        let (exact, exactGrad) = try lossAndGradient(sortedHead: nil)
        let (head, headGrad) = try lossAndGradient(sortedHead: 2048)   // of 49,152
        let scale = exactGrad.map { abs($0) }.max() ?? 0
        let worst = zip(exactGrad, headGrad).map { abs($0 - $1) }.max() ?? 0
        print("head sort vs full sort: top-p loss \(head.topPLoss) vs \(exact.topPLoss), gradient max |Δ| \(worst) of \(scale)")
        XCTAssertEqual(head.temperatureLoss, exact.temperatureLoss, accuracy: 1e-9)
        XCTAssertEqual(head.topPLoss, exact.topPLoss, accuracy: 1e-5 * exact.topPLoss)
        XCTAssertGreaterThan(scale, 0)
        XCTAssertLessThan(worst, 1e-3 * scale)
    }
}
