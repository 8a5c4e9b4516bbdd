import Foundation
import XCTest
@testable import AutoDeco

/// safetensors, JSON and the heads' official layout, without a model.
final class HeadsFormatTests: XCTestCase {
    func randomHeads(hidden: Int, seed: UInt64) throws -> AutoDecoHeads {
        var rng = RandomGenerator(seed: seed)
        func r(_ n: Int) -> [Float] { (0..<n).map { _ in Float(Int(rng.next() % 2001) - 1000) / 4000 } }
        let w = AutoDecoHeads.width
        return try AutoDecoHeads(hiddenSize: hidden, tempW1: r(w * hidden), tempB1: r(w), tempW2: r(w), tempB2: 0.1,
                                 topPW1: r(w * (hidden + 5)), topPB1: r(w), topPW2: r(w), topPB2: -0.2)
    }

    func testSafeTensorsRoundTripInOfficialLayout() throws {
        let heads = try randomHeads(hidden: 16, seed: 3)
        let bytes = heads.safetensors(metadata: [("format", "pt")]).serialized()
        let back = try bytes.withUnsafeBytes { try SafeTensors(bytes: $0) }
        XCTAssertEqual(Set(back.order), Set(AutoDecoHeads.tensorNames))
        XCTAssertEqual(back.tensors["top_p_head.mlp.0.weight"]?.shape, [256, 21])
        XCTAssertEqual(back.metadata.first?.1, "pt")
        let loaded = try AutoDecoHeads(safetensors: back, hiddenSize: 16)
        XCTAssertEqual(loaded.tempW1, heads.tempW1)
        XCTAssertEqual(loaded.topPB2, heads.topPB2)
        XCTAssertThrowsError(try AutoDecoHeads(safetensors: back, hiddenSize: 17)) { e in
            XCTAssertTrue("\(e)".contains("hidden size 17"), "\(e)")
        }
        // Prefixed layouts (merged checkpoints) are accepted.
        var prefixed = SafeTensors(tensors: [])
        for n in back.order { prefixed.tensors["llm." + n] = back.tensors[n]; prefixed.order.append("llm." + n) }
        XCTAssertNoThrow(try AutoDecoHeads(safetensors: prefixed, hiddenSize: 16))
    }

    func testBF16AndF16AreRead() throws {
        // Header with one BF16 [2] and one F16 [2] tensor: 1.5 and -2.0 in each encoding.
        let header = #"{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}"#
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8)
        bytes += [0xC0, 0x3F, 0x00, 0xC0]   // bf16 1.5 (0x3FC0), -2.0 (0xC000)
        bytes += [0x00, 0x3E, 0x00, 0xC0]   // f16 1.5 (0x3E00), -2.0 (0xC000)
        let st = try bytes.withUnsafeBytes { try SafeTensors(bytes: $0) }
        XCTAssertEqual(st.tensors["a"]?.values, [1.5, -2])
        XCTAssertEqual(st.tensors["b"]?.values, [1.5, -2])
    }

    func testCorruptSafeTensorsAreErrors() throws {
        let good = try randomHeads(hidden: 4, seed: 1).safetensors().serialized()
        var rng = RandomGenerator(seed: 5)
        for cut in [0, 4, 8, 20, good.count / 2, good.count - 1] {
            XCTAssertThrowsError(try Array(good.prefix(cut)).withUnsafeBytes { try SafeTensors(bytes: $0) })
        }
        // Random byte flips in the header: an error or a valid file, never a crash.
        let headerLength = Int(good.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        for _ in 0..<500 {
            var b = good
            let pos = Int(rng.next() % UInt64(8 + headerLength))
            b[pos] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            _ = try? b.withUnsafeBytes { try SafeTensors(bytes: $0) }
        }
    }

    func testJSON() throws {
        let text = #"{"a": [1, 2.5, -3e2, true, false, null], "s": "x\"\\\u00e9\ud83d\ude00\n", "o": {}}"#
        let j = try JSON.parse(text)
        XCTAssertEqual(j["a"]?.arrayValue?.count, 6)
        XCTAssertEqual(j["a"]?.arrayValue?[2].doubleValue, -300)
        XCTAssertEqual(j["s"]?.stringValue, "x\"\\é😀\n")
        XCTAssertEqual(try JSON.parse(j.serialized), j)
        XCTAssertEqual(try JSON.parse(j.pretty), j)
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "1 2"] {
            XCTAssertThrowsError(try JSON.parse(bad), bad)
        }
    }

    /// The statistics match a direct double-precision computation.
    func testDistributionStats() {
        let logits: [Float] = (0..<1000).map { Float(sin(Double($0) * 0.37) * 6) }
        let t: Float = 0.8
        let probs = UnsafeMutablePointer<Float>.allocate(capacity: 1000)
        defer { probs.deallocate() }
        let s = logits.withUnsafeBufferPointer { DistributionStats.compute(logits: $0.baseAddress!, count: 1000, temperature: t, probs: probs) }
        let m = Double(logits.max()!)
        let e = logits.map { exp((Double($0) - m) / Double(t + 1e-8)) }
        let z = e.reduce(0, +)
        let q = e.map { $0 / z }
        let mean = q.reduce(0, +) / 1000
        let variance = q.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 999
        let entropy = -q.map { $0 * log($0 + 1e-8) }.reduce(0, +)
        let top5 = q.sorted(by: >).prefix(5).reduce(0, +)
        XCTAssertEqual(Double(s.maxProbability), q.max()!, accuracy: 1e-6)
        XCTAssertEqual(Double(s.entropy), entropy, accuracy: 1e-4)
        XCTAssertEqual(Double(s.variance), variance, accuracy: 1e-9)
        XCTAssertEqual(Double(s.top5Sum), top5, accuracy: 1e-6)
    }
}
