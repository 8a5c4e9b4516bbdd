import Foundation
import XCTest
@testable import AutoDeco

final class GGUFReaderTests: XCTestCase {
    // Hyper-parameters of the two models scripts/fetch-models fetches, read from the real files.
    func testSmolLM2HyperParameters() throws {
        let file = try GGUFFile(path: try TestModels.require(TestModels.smollm2))
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.bytes.count, 98_362_432)
        let c = try ModelConfig(gguf: file)
        XCTAssertEqual(c.architecture, "llama")
        XCTAssertEqual(c.layerCount, 30)
        XCTAssertEqual(c.dim, 576)
        XCTAssertEqual(c.headCount, 9)
        XCTAssertEqual(c.kvHeadCount, 3)
        XCTAssertEqual(c.vocabSize, 49152)
        XCTAssertEqual(c.ropeStyle, .normal)
        XCTAssertEqual(try file.string("tokenizer.ggml.pre"), "smollm")
        XCTAssertEqual(try file.stringArray("tokenizer.ggml.tokens").count, 49152)
        XCTAssertNil(file.tensor(named: "output.weight"), "SmolLM2 ties its embeddings")
        let embd = try XCTUnwrap(file.tensor(named: "token_embd.weight"))
        XCTAssertEqual(embd.type, .q8_0)
        XCTAssertEqual(embd.dims, [576, 49152])
        XCTAssertEqual(file.tensors.count, 272)
        // The last tensor ends inside the file, at most one alignment unit before its end.
        let end = file.tensors.map { file.dataOffset + Int($0.relativeOffset) + $0.byteCount }.max() ?? 0
        XCTAssertLessThanOrEqual(end, file.bytes.count)
        XCTAssertGreaterThan(end, file.bytes.count - file.alignment)
    }

    func testQwenHyperParameters() throws {
        let file = try GGUFFile(path: try TestModels.require(TestModels.qwen))
        XCTAssertEqual(file.bytes.count, 491_400_064)
        let c = try ModelConfig(gguf: file)
        XCTAssertEqual(c.architecture, "qwen2")
        XCTAssertEqual(c.layerCount, 24)
        XCTAssertEqual(c.dim, 896)
        XCTAssertEqual(c.headCount, 14)
        XCTAssertEqual(c.kvHeadCount, 2)
        XCTAssertEqual(c.vocabSize, 151_936)
        XCTAssertEqual(c.ropeStyle, .neox)
        XCTAssertNotNil(file.tensor(named: "blk.0.attn_q.bias"), "qwen2 has QKV biases")
        XCTAssertEqual(file.tensor(named: "output.weight")?.type, .q8_0)
        var types = Set<String>()
        for t in file.tensors { types.insert(t.type.name) }
        XCTAssertEqual(types, ["F32", "Q5_0", "Q8_0", "Q4_K", "Q6_K"])
    }

    func testSyntheticRoundTrip() throws {
        var w = GGUFWriter()
        w.metadata = [("general.architecture", .string("llama")), ("answer", .u32(42)),
                      ("names", .strings(["a", "bé", ""])), ("general.alignment", .u32(64))]
        w.alignment = 64
        w.tensors = [("t0", [32, 2], .q8_0, Array(repeating: 1, count: 68)),
                     ("t1", [3], .f32, Array(repeating: 0, count: 12))]
        let file = try GGUFFile.parse(w.bytes())
        XCTAssertEqual(try file.int("answer"), 42)
        XCTAssertEqual(try file.stringArray("names"), ["a", "bé", ""])
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.tensor(named: "t0")?.byteCount, 68)
        XCTAssertEqual(file.tensor(named: "t1")?.relativeOffset, 128)
        XCTAssertEqual(file.dataOffset % 64, 0)
        XCTAssertThrowsError(try file.string("answer"))
        XCTAssertThrowsError(try file.int("missing"))
        XCTAssertThrowsError(try ModelConfig(gguf: file)) // lacks hyper-parameters
    }

    func testSpecificCorruptions() throws {
        func expectError(_ bytes: [UInt8], _ check: (GGUFError) -> Bool, line: UInt = #line) {
            do {
                _ = try GGUFFile.parse(bytes)
                XCTFail("parsed a corrupt file", line: line)
            } catch let e as GGUFError {
                XCTAssertTrue(check(e), "unexpected error \(e)", line: line)
                XCTAssertFalse(e.description.isEmpty)
            } catch {
                XCTFail("unexpected error type \(error)", line: line)
            }
        }
        var w = GGUFWriter()
        w.metadata = [("k", .u32(1))]
        w.tensors = [("t", [32], .q4_0, Array(repeating: 0, count: 18))]
        let good = w.bytes()
        XCTAssertNoThrow(try GGUFFile.parse(good))

        var bad = good; bad[0] = 0x00
        expectError(bad) { if case .badMagic = $0 { return true }; return false }
        bad = good; bad[4] = 7
        expectError(bad) { $0 == .unsupportedVersion(7) }
        expectError(Array(good.prefix(10))) { if case .tooSmall = $0 { return true }; return false }
        // An absurd tensor count must not allocate; it is refused against the file size.
        bad = good; for i in 8..<16 { bad[i] = 0xff }
        expectError(bad) { if case .absurdCount = $0 { return true }; return false }
        // A tensor pointing past the end of the file.
        var w2 = w; w2.tensors = [("t", [64], .q4_0, Array(repeating: 0, count: 18))]
        var b2 = w2.bytes(); b2.removeLast(32)
        expectError(b2) { if case .tensorOutOfBounds = $0 { return true }; return false }
        // A row that is not a whole number of blocks.
        var w3 = w; w3.tensors = [("t", [33], .q4_0, Array(repeating: 0, count: 36))]
        expectError(w3.bytes()) { if case .notWholeBlocks = $0 { return true }; return false }
        var w4 = w; w4.metadata = [("general.alignment", .u32(3))]
        expectError(w4.bytes()) { if case .badAlignment = $0 { return true }; return false }
        XCTAssertThrowsError(try GGUFFile(path: "/nonexistent/model.gguf")) { e in
            XCTAssertTrue((e as? GGUFError)?.description.contains("/nonexistent/model.gguf") ?? false)
        }
        XCTAssertThrowsError(try GGUFFile(path: "/tmp"))
    }

    /// Truncates and byte-flips the real SmolLM2 header and metadata at hundreds of places:
    /// each variant must parse to a valid file or fail with a GGUFError — never crash.
    func testTruncationAndByteFlipsOfRealFile() throws {
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: try TestModels.require(TestModels.smollm2))))
        let reference = try GGUFFile.parse(original)
        let headerEnd = reference.dataOffset
        var rng = RandomGenerator(seed: 1234)
        var errors = 0, valid = 0

        // Truncations inside the header and metadata (prefixes only: no full copies needed).
        var cuts = Array(0..<64)
        for _ in 0..<200 { cuts.append(Int(rng.next() % UInt64(headerEnd))) }
        for cut in cuts {
            do { _ = try GGUFFile.parse(Array(original.prefix(cut))); valid += 1 } catch is GGUFError { errors += 1 }
        }
        XCTAssertEqual(valid, 0, "a truncated header cannot be a valid file")

        // Byte flips: the first 96 bytes (counts, first keys) exhaustively, then random places.
        var positions = Array(0..<96)
        for _ in 0..<250 { positions.append(Int(rng.next() % UInt64(headerEnd))) }
        var mutated = original
        mutated.withUnsafeMutableBytes { buffer in
            for pos in positions {
                let saved = buffer[pos]
                buffer[pos] = saved ^ UInt8(truncatingIfNeeded: 1 << (rng.next() % 8)) ^ (rng.next() % 3 == 0 ? 0xff : 0)
                do {
                    let f = try GGUFFile.parseInPlace(UnsafeRawBufferPointer(buffer))
                    valid += 1
                    _ = try? ModelConfig(gguf: f)   // must not trap either
                } catch {
                    XCTAssertTrue(error is GGUFError, "unexpected error \(error)")
                    errors += 1
                }
                buffer[pos] = saved
            }
        }
        XCTAssertEqual(errors + valid, cuts.count + positions.count)
        XCTAssertGreaterThan(errors, cuts.count, "some flips must be detected")
    }
}
