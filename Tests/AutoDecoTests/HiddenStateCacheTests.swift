import Foundation
import XCTest
@testable import AutoDeco

/// The hidden-state cache: round trip through f16, resuming, a torn record cut off.
final class HiddenStateCacheTests: XCTestCase {
    func testRoundTripResumeAndTornRecord() throws {
        let path = NSTemporaryDirectory() + "autodeco-cache-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try? FileManager.default.removeItem(atPath: path)
        let h = 4
        do {
            let cache = try HiddenStateCache(path: path, hiddenSize: h, vocabSize: 10)
            try cache.append(example: 0, hidden: [0.5, -1, 2, 0.25, 1, 1, 1, 1], targets: [3, 4])
            try cache.append(example: 2, hidden: [], targets: [])
        }
        // Reopened: both examples known; a half-written record is dropped.
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([0x45, 0x58, 0x4D, 0x50, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 2]))
        handle.closeFile()
        let cache = try HiddenStateCache(path: path, hiddenSize: h, vocabSize: 10)
        XCTAssertTrue(cache.contains(example: 0))
        XCTAssertTrue(cache.contains(example: 2))
        XCTAssertFalse(cache.contains(example: 1))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, sizeBefore)
        try cache.append(example: 1, hidden: [3, 3, 3, 3], targets: [7])
        let all = try HiddenStateCache(path: path, hiddenSize: h, vocabSize: 10).positions()
        XCTAssertEqual(all.targets, [3, 4, 7])
        XCTAssertEqual(all.hidden, [0.5, -1, 2, 0.25, 1, 1, 1, 1, 3, 3, 3, 3])
        XCTAssertEqual(try cache.positions { $0 == 1 }.targets, [7])
        XCTAssertThrowsError(try HiddenStateCache(path: path, hiddenSize: 8, vocabSize: 10))
    }
}
