import Foundation
import XCTest
@testable import AutoDeco

/// Not a timed test: prints encode/decode throughput on ~1 MB of mixed text.
/// Run with `swift test -c release --filter TokenizerBenchmark` for meaningful numbers.
final class TokenizerBenchmarkTests: XCTestCase {
    func testEncodeOneMegabyteOfMixedText() throws {
        for model in TokenizerTestModel.allCases {
            let ctx = try TokenizerTestContext.get(model)
            // Shuffle fixture strings into ~1 MB so that words repeat as in real text but
            // the whole input is not one repeated block.
            var rng = SplitMix64(seed: 1)
            let pieces = ctx.fixture.cases.map(\.text)
            var text = ""
            while text.utf8.count < 1_000_000 {
                text += pieces[Int(rng.next() % UInt64(pieces.count))]
                text += rng.next() % 4 == 0 ? "\n" : " "
            }
            let bytes = Array(text.utf8)
            let clock = ContinuousClock()
            let build = try clock.measure { _ = try BPETokenizer(ctx.vocabulary) }
            print("[\(model.rawValue)] build tokenizer (\(ctx.vocabulary.tokens.count) tokens, \(ctx.vocabulary.merges.count) merges) in \(build)")
            var ids: [Int32] = []
            let encode = try clock.measure { ids = try ctx.tokenizer.encode(bytes: bytes, addSpecial: false, parseSpecial: true) }
            var decoded: [UInt8] = []
            let decode = try clock.measure { decoded = try ctx.tokenizer.decode(ids, renderSpecial: true) }
            XCTAssertEqual(decoded, bytes.filter { ctx.tokenizer.hasByteToken($0) })
            print("[\(model.rawValue)] encode \(bytes.count) bytes -> \(ids.count) tokens in \(encode); decode in \(decode)")

            // Words that almost never repeat: measures BPE itself, not the word cache.
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzàéïöüабвгдежзαβγδεζ的一是不了人我0123456789")
            var fresh = ""
            while fresh.utf8.count < 1_000_000 {
                for _ in 0..<(3 + Int(rng.next() % 8)) { fresh.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
                fresh += rng.next() % 8 == 0 ? ",\n" : " "
            }
            let freshBytes = Array(fresh.utf8)
            var freshIds: [Int32] = []
            let t = try clock.measure { freshIds = try ctx.tokenizer.encode(bytes: freshBytes, addSpecial: false, parseSpecial: false) }
            print("[\(model.rawValue)] encode \(freshBytes.count) bytes of non-repeating words -> \(freshIds.count) tokens in \(t)")
        }
    }
}
