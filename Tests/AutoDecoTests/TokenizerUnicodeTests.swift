import Foundation
import XCTest
@testable import AutoDeco

/// The pre-tokenizers only distinguish letters, numbers, whitespace and the rest. Swift's
/// Unicode properties must agree with llama.cpp's own table for every code point.
final class TokenizerUnicodeTests: XCTestCase {
    struct Table: Decodable { let reference: String; let runs: [[UInt32]] }

    func testCharacterClassesMatchLlamaCppForEveryCodePoint() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tokenizer/character_classes.json")
        let table = try JSONDecoder().decode(Table.self, from: Data(contentsOf: url))
        var differences: [String] = []
        var count = 0
        for (i, run) in table.runs.enumerated() {
            let end = i + 1 < table.runs.count ? table.runs[i + 1][0] : 0x110000
            for cp in run[0]..<end where !(0xD800...0xDFFF).contains(cp) {
                let ours = CharacterClass.of(cp).rawValue
                if UInt32(ours) != run[1] {
                    count += 1
                    if differences.count < 20 { differences.append("U+\(String(cp, radix: 16)) llama.cpp \(run[1]) ours \(ours)") }
                }
            }
        }
        print("character classes: \(count) code points differ from llama.cpp")
        XCTAssertEqual(count, 0, differences.joined(separator: "\n"))
    }
}
