import Foundation
import XCTest
@testable import AutoDeco

final class TokenizerStreamingTests: XCTestCase {
    /// Multi-byte text fed one token at a time: every chunk is whole characters, and the
    /// chunks add up to the text.
    func testStreamingNeverSplitsCharacters() throws {
        for model in TokenizerTestModel.allCases {
            let ctx = try TokenizerTestContext.get(model)
            var heldBack = 0
            for c in ctx.fixture.cases where c.text.utf8.count != c.text.unicodeScalars.count {
                var stream = StreamingDetokenizer(tokenizer: ctx.tokenizer)
                var chunks: [String] = []
                for id in c.ids {
                    chunks.append(try stream.append(id))
                    if stream.pendingByteCount > 0 { heldBack += 1 }
                }
                XCTAssertEqual(stream.finish(), "")
                XCTAssertEqual(chunks.joined(), c.text)
                for chunk in chunks { XCTAssertFalse(chunk.unicodeScalars.contains("\u{FFFD}") && !c.text.contains("\u{FFFD}")) }
            }
            XCTAssertGreaterThan(heldBack, 0, "the corpus should contain characters split across tokens")
        }
    }

    func testCompletePrefixLength() {
        typealias S = StreamingDetokenizer
        XCTAssertEqual(S.completePrefixLength([]), 0)
        XCTAssertEqual(S.completePrefixLength([0x61]), 1)
        XCTAssertEqual(S.completePrefixLength([0x61, 0xE2]), 1)
        XCTAssertEqual(S.completePrefixLength([0x61, 0xE2, 0x82]), 1)
        XCTAssertEqual(S.completePrefixLength([0x61, 0xE2, 0x82, 0xAC]), 4)
        XCTAssertEqual(S.completePrefixLength([0xF0, 0x9F, 0x98]), 0)
        XCTAssertEqual(S.completePrefixLength([0x80]), 1)           // stray continuation: emit as U+FFFD
        XCTAssertEqual(S.completePrefixLength([0xE0, 0x80]), 2)     // overlong can never complete
        XCTAssertEqual(S.completePrefixLength([0xFF]), 1)
    }
}
