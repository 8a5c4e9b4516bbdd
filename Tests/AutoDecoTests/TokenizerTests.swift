import Foundation
import XCTest
@testable import AutoDeco

/// Ids must equal llama.cpp's for every fixture string, and decoding must give the text back.
final class TokenizerTests: XCTestCase {
    private func checkCorpus(_ model: TokenizerTestModel) throws {
        let ctx = try TokenizerTestContext.get(model)
        var matched = 0
        var failures: [String] = []
        for c in ctx.fixture.cases {
            let ids = try ctx.tokenizer.encode(c.text, addSpecial: false, parseSpecial: false)
            if ids == c.ids { matched += 1 } else if failures.count < 10 {
                failures.append("\(c.text.debugDescription)\n  want \(c.ids)\n  got  \(ids)")
            }
        }
        print("[\(model.rawValue)] corpus: \(matched)/\(ctx.fixture.cases.count) strings match llama.cpp")
        XCTAssertEqual(matched, ctx.fixture.cases.count, failures.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(ctx.fixture.cases.count, 300)
    }

    func testSmolLM2CorpusMatchesLlamaCpp() throws { try checkCorpus(.smollm2) }
    func testQwenCorpusMatchesLlamaCpp() throws { try checkCorpus(.qwen) }

    private func checkSpecial(_ model: TokenizerTestModel) throws {
        let ctx = try TokenizerTestContext.get(model)
        var matched = 0
        for c in ctx.fixture.special_cases {
            let ids = try ctx.tokenizer.encode(c.text, addSpecial: false, parseSpecial: true)
            XCTAssertEqual(ids, c.ids, c.text.debugDescription)
            if ids == c.ids { matched += 1 }
            // With control tokens rendered, decoding restores the text exactly.
            XCTAssertEqual(try ctx.tokenizer.decodeText(ids, renderSpecial: true), c.text)
        }
        print("[\(model.rawValue)] parse_special: \(matched)/\(ctx.fixture.special_cases.count) strings match llama.cpp")
    }

    func testSmolLM2SpecialTokens() throws { try checkSpecial(.smollm2) }
    func testQwenSpecialTokens() throws { try checkSpecial(.qwen) }

    private func checkRoundTrip(_ model: TokenizerTestModel) throws {
        let ctx = try TokenizerTestContext.get(model)
        for c in ctx.fixture.cases {
            let ids = try ctx.tokenizer.encode(c.text)
            XCTAssertEqual(try ctx.tokenizer.decode(ids), Array(c.text.utf8), c.text.debugDescription)
        }
    }

    func testSmolLM2RoundTrip() throws { try checkRoundTrip(.smollm2) }
    func testQwenRoundTrip() throws { try checkRoundTrip(.qwen) }

    /// Every token's piece equals llama_token_to_piece, with and without special rendering
    /// (compared through a digest over the whole vocabulary).
    private func checkPieces(_ model: TokenizerTestModel) throws {
        let ctx = try TokenizerTestContext.get(model)
        for (key, renderSpecial) in [("plain", false), ("special", true)] {
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            func feed(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
            for id in 0..<Int32(ctx.tokenizer.vocabularySize) {
                let piece = try ctx.tokenizer.piece(id, renderSpecial: renderSpecial)
                withUnsafeBytes(of: UInt32(piece.count).littleEndian) { for b in $0 { feed(b) } }
                for b in piece { feed(b) }
            }
            XCTAssertEqual(String(h), ctx.fixture.piece_digests[key], "\(model.rawValue) \(key)")
        }
    }

    func testSmolLM2PiecesMatchLlamaCpp() throws { try checkPieces(.smollm2) }
    func testQwenPiecesMatchLlamaCpp() throws { try checkPieces(.qwen) }

    func testControlTokensHiddenUnlessRendered() throws {
        let ctx = try TokenizerTestContext.get(.qwen)
        let ids = try ctx.tokenizer.encode("<|im_start|>user\nHi<|im_end|>", parseSpecial: true)
        XCTAssertEqual(ids.first, 151644)
        XCTAssertEqual(try ctx.tokenizer.decodeText(ids), "user\nHi")
        XCTAssertEqual(try ctx.tokenizer.decodeText(ids, renderSpecial: true), "<|im_start|>user\nHi<|im_end|>")
        // Without parse_special the same text is plain text.
        let plain = try ctx.tokenizer.encode("<|im_start|>", parseSpecial: false)
        XCTAssertFalse(plain.contains(151644))
        // User-defined tokens (<tool_call>) are split out and rendered even without special handling.
        XCTAssertEqual(try ctx.tokenizer.encode("<tool_call>", parseSpecial: false), [151657])
        XCTAssertEqual(try ctx.tokenizer.decodeText([151657]), "<tool_call>")
        XCTAssertEqual(try ctx.tokenizer.piece(151700, renderSpecial: true), [])  // unused padding token
    }

    /// Qwen stores "</s>" as a normal token; llama.cpp treats it as control (hidden when
    /// decoding, recognised only with special parsing) and as end of generation.
    func testControlLookingTokens() throws {
        let qwen = try TokenizerTestContext.get(.qwen).tokenizer
        XCTAssertEqual(qwen.tokenType(128247), .control)
        XCTAssertEqual(try qwen.encode("</s>", parseSpecial: true), [128247])
        XCTAssertEqual(try qwen.decode([128247]), [])
        for model in TokenizerTestModel.allCases {
            let ctx = try TokenizerTestContext.get(model)
            XCTAssertEqual(ctx.tokenizer.endOfGenerationIds, Set(ctx.fixture.eog_ids), "\(model.rawValue): llama_vocab_is_eog")
        }
    }

    func testAddSpecialFlag() throws {
        let ctx = try TokenizerTestContext.get(.smollm2)
        XCTAssertFalse(ctx.tokenizer.addBOS)
        XCTAssertEqual(try ctx.tokenizer.encode("hi", addSpecial: true), try ctx.tokenizer.encode("hi"))
        var v = ctx.vocabulary
        v.addBOS = true
        let withBOS = try BPETokenizer(v)
        XCTAssertEqual(try withBOS.encode("hi", addSpecial: true), [1] + (try ctx.tokenizer.encode("hi")))
        XCTAssertEqual(try withBOS.encode("hi", addSpecial: false), try ctx.tokenizer.encode("hi"))
    }

    /// SmolLM2 has no token for some ASCII control bytes; llama.cpp drops them (verified
    /// with llama-cpp-python 0.3.36), so do we. Qwen has all 256 byte tokens.
    func testBytesWithoutTokensAreDroppedLikeLlamaCpp() throws {
        let smol = try TokenizerTestContext.get(.smollm2).tokenizer
        XCTAssertEqual(try smol.encode("a\u{04}b"), [81, 82])
        XCTAssertEqual(try smol.encode("\u{16}"), [])
        XCTAssertFalse(smol.hasByteToken(0x16))
        let qwen = try TokenizerTestContext.get(.qwen).tokenizer
        XCTAssertEqual(try qwen.encode("a\u{04}b"), [64, 192, 65])
        XCTAssertTrue((0...255).allSatisfy { qwen.hasByteToken(UInt8($0)) })
    }

    func testInvalidInputsThrow() throws {
        let ctx = try TokenizerTestContext.get(.smollm2)
        XCTAssertThrowsError(try ctx.tokenizer.encode(bytes: [0x61, 0xFF, 0x62], addSpecial: false, parseSpecial: false)) {
            XCTAssertEqual($0 as? TokenizerError, .invalidUTF8(offset: 1))
        }
        XCTAssertThrowsError(try ctx.tokenizer.encode(bytes: [0xE2, 0x82], addSpecial: false, parseSpecial: false))
        XCTAssertThrowsError(try ctx.tokenizer.encode(bytes: [0xED, 0xA0, 0x80], addSpecial: false, parseSpecial: false))  // surrogate
        XCTAssertThrowsError(try ctx.tokenizer.encode(bytes: [0xC0, 0xAF], addSpecial: false, parseSpecial: false))  // overlong
        XCTAssertThrowsError(try ctx.tokenizer.piece(-1, renderSpecial: false))
        XCTAssertThrowsError(try ctx.tokenizer.decode([0, 49152]))
        XCTAssertThrowsError(try BPETokenizer(TokenizerVocabulary(tokens: ["a"], merges: [], pre: "nonexistent")))
        XCTAssertThrowsError(try BPETokenizer(TokenizerVocabulary(tokens: [], merges: [], pre: "gpt-2")))
        XCTAssertThrowsError(try BPETokenizer(TokenizerVocabulary(tokens: ["a"], merges: [], tokenTypes: [1, 1], pre: "gpt-2")))
        XCTAssertThrowsError(try BPETokenizer(TokenizerVocabulary(tokens: ["a"], merges: [], pre: "gpt-2", bosId: 5)))
    }

    /// A tiny vocabulary whose merges produce texts that are not tokens must not trap.
    func testSyntheticVocabularyWithMissingMergeResults() throws {
        let v = TokenizerVocabulary(tokens: ["a", "b", "ab"], merges: ["a b", "ab b", "x y", "bad"], pre: "gpt-2")
        let t = try BPETokenizer(v)
        XCTAssertEqual(try t.encode("ab"), [2])
        XCTAssertEqual(try t.encode("a"), [0])
        _ = try t.encode("abb ccc ab ☃")  // "abb" is not a token; unknown bytes are dropped as in llama.cpp
    }

    /// One tokenizer shared by several threads (it is immutable; caches are per call).
    func testConcurrentEncoding() throws {
        let ctx = try TokenizerTestContext.get(.qwen)
        let cases = ctx.fixture.cases
        let lock = NSLock()
        var mismatches = 0
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            var bad = 0
            for (i, c) in cases.enumerated() where i % 2 == worker % 2 {
                if (try? ctx.tokenizer.encode(c.text)) != c.ids { bad += 1 }
            }
            lock.lock(); mismatches += bad; lock.unlock()
        }
        XCTAssertEqual(mismatches, 0)
    }

    private func randomBytes(_ rng: inout SplitMix64, pieces: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<Int(rng.next() % 12) {
            switch rng.next() % 3 {
            case 0: out.append(UInt8(truncatingIfNeeded: rng.next()))
            default: out += pieces[Int(rng.next() % UInt64(pieces.count))]
            }
        }
        return out
    }

    func testRandomBytesAndIdsNeverCrash() throws {
        for model in TokenizerTestModel.allCases {
            let ctx = try TokenizerTestContext.get(model)
            let t = ctx.tokenizer
            var rng = SplitMix64(seed: 42)
            let pieces = ctx.fixture.cases.prefix(120).map { Array($0.text.utf8.prefix(9)) } + [[0xF0, 0x9F], [0x80], [0xE2, 0x82, 0xAC], Array("<|im_end|>".utf8)]
            var valid = 0, invalid = 0
            for _ in 0..<3000 {
                let bytes = randomBytes(&rng, pieces: pieces)
                let isValid = String(validating: bytes, as: UTF8.self) != nil
                do {
                    let ids = try t.encode(bytes: bytes, addSpecial: false, parseSpecial: rng.next() % 2 == 0)
                    XCTAssertTrue(isValid)
                    XCTAssertEqual(try t.decode(ids, renderSpecial: true), bytes.filter { t.hasByteToken($0) })
                    valid += 1
                } catch let e as TokenizerError {
                    guard case .invalidUTF8 = e else { return XCTFail("unexpected \(e)") }
                    XCTAssertFalse(isValid)
                    invalid += 1
                }
            }
            XCTAssertGreaterThan(valid, 100)
            XCTAssertGreaterThan(invalid, 100)
            for _ in 0..<3000 {
                let ids = (0..<Int(rng.next() % 16)).map { _ -> Int32 in
                    rng.next() % 10 == 0 ? Int32(truncatingIfNeeded: rng.next()) : Int32(rng.next() % UInt64(t.vocabularySize))
                }
                let inRange = ids.allSatisfy { $0 >= 0 && Int($0) < t.vocabularySize }
                var stream = StreamingDetokenizer(tokenizer: t, renderSpecial: true)
                do {
                    let bytes = try t.decode(ids, renderSpecial: rng.next() % 2 == 0)
                    XCTAssertTrue(inRange)
                    _ = String(decoding: bytes, as: UTF8.self)
                    var text = ""
                    for id in ids { text += try stream.append(id) }
                    text += stream.finish()
                    XCTAssertEqual(text, String(decoding: try t.decode(ids, renderSpecial: true), as: UTF8.self))
                } catch let e as TokenizerError {
                    guard case .tokenOutOfRange = e else { return XCTFail("unexpected \(e)") }
                    XCTAssertFalse(inRange)
                }
            }
        }
    }
}

/// Deterministic RNG for the random tests.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
