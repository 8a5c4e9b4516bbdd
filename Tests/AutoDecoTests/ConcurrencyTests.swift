import Dispatch
import Foundation
import XCTest
@testable import AutoDeco

/// One model shared by contexts on several threads: every context produces the same greedy
/// text as a context running alone (the model is immutable; each context owns its state).
final class ConcurrencyTests: XCTestCase {
    func testContextsOnThreadsShareOneModel() throws {
        let model = try Model(path: try TestModels.require(TestModels.smollm2), findHeads: false)
        let prompts: [[Int32]] = [[504, 3575, 282, 4649, 314], [6403, 1980, 253, 655, 28], [33, 28, 216, 33, 28]]
        func greedy(_ prompt: [Int32], threads: Int) throws -> [Int32] {
            var p = ContextParams()
            p.contextLength = 64
            p.threads = threads
            let ctx = try InferenceContext(model: model, params: p)
            try ctx.feed(prompt)
            return try (0..<16).map { _ in try ctx.step().token }
        }
        let alone = try prompts.map { try greedy($0, threads: 1) }
        for round in 0..<2 {
            let results = UnsafeMutablePointer<[Int32]?>.allocate(capacity: 6)
            results.initialize(repeating: nil, count: 6)
            defer { results.deinitialize(count: 6); results.deallocate() }
            // Six contexts at once (two per prompt), each with its own 1- or 2-thread pool.
            DispatchQueue.concurrentPerform(iterations: 6) { i in
                results[i] = try? greedy(prompts[i % 3], threads: 1 + i % 2)
            }
            for i in 0..<6 {
                XCTAssertEqual(results[i], alone[i % 3], "round \(round), context \(i)")
            }
        }
    }

    /// cancel() from another thread stops a generation at a token boundary.
    func testCancelFromAnotherThread() throws {
        let model = try Model(path: try TestModels.require(TestModels.smollm2), findHeads: false)
        var p = ContextParams()
        p.contextLength = 512
        let ctx = try InferenceContext(model: model, params: p)
        var options = GenerationOptions()
        options.maxTokens = 400
        options.stopAtEndOfGeneration = false
        var count = 0
        let reason = try ctx.generate(prompt: [504, 3575, 282], options: options) { _ in
            count += 1
            if count == 5 {
                let t = Thread { ctx.cancel() }
                t.start()
                while !t.isFinished { usleep(100) }
            }
            return true
        }
        XCTAssertEqual(reason, .cancelled)
        XCTAssertLessThan(count, 10)
        // The context stays usable.
        ctx.reset()
        try ctx.decode([504, 3575])
    }
}
