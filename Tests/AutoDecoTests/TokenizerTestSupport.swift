import Foundation
import XCTest
@testable import AutoDeco

/// Test-only helpers for the tokenizer tests: a minimal GGUF metadata (KV section) reader,
/// the two real models and the golden fixtures. The engine's own GGUF reader will replace
/// the reader part.
enum TokenizerTestModel: String, CaseIterable {
    case smollm2, qwen

    var fileName: String {
        switch self {
        case .smollm2: return "SmolLM2-135M-Instruct.Q4_1.gguf"
        case .qwen: return "qwen2.5-coder-0.5b-instruct.gguf"
        }
    }

    var path: String {
        let dir = ProcessInfo.processInfo.environment["AUTODECO_MODELS"]
            ?? (NSHomeDirectory() + "/.cache/autodeco/models")
        return dir + "/" + fileName
    }
}

/// A GGUF metadata value, just enough for tokenizer keys.
enum TestGGUFValue {
    case int(Int64), float(Double), bool(Bool), string(String)
    case strings([String]), ints([Int64]), other

    var int: Int64? { if case .int(let v) = self { return v }; return nil }
    var bool: Bool? { if case .bool(let v) = self { return v }; return nil }
    var string: String? { if case .string(let v) = self { return v }; return nil }
    var strings: [String]? { if case .strings(let v) = self { return v }; return nil }
    var ints: [Int64]? { if case .ints(let v) = self { return v }; return nil }
}

struct TestGGUFError: Error, CustomStringConvertible { let description: String }

/// Reads the KV section of a GGUF v2/v3 file: magic, u32 version, u64 n_tensors, u64 n_kv,
/// then (u64-length key, u32 type, value) entries.
struct TestGGUFMetadataReader {
    private let data: Data
    private var pos = 0

    static func read(path: String) throws -> [String: TestGGUFValue] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestGGUFError(description: "model file \(path) is missing: run scripts/fetch-models")
        }
        var r = TestGGUFMetadataReader(data: try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped))
        return try r.readAll()
    }

    private init(data: Data) { self.data = data }

    private mutating func bytes(_ n: Int) throws -> Data {
        guard n >= 0, pos + n <= data.count else { throw TestGGUFError(description: "truncated GGUF at \(pos)") }
        defer { pos += n }
        return data.subdata(in: pos..<(pos + n))
    }

    private mutating func scalar<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let d = try bytes(MemoryLayout<T>.size)
        var v: T = 0
        withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: d) }
        return T(littleEndian: v)
    }

    private mutating func string() throws -> String {
        let n = try scalar(UInt64.self)
        return String(decoding: try bytes(Int(n)), as: UTF8.self)
    }

    private mutating func value(type: UInt32) throws -> TestGGUFValue {
        switch type {
        case 0: return .int(Int64(try scalar(UInt8.self)))
        case 1: return .int(Int64(try scalar(Int8.self)))
        case 2: return .int(Int64(try scalar(UInt16.self)))
        case 3: return .int(Int64(try scalar(Int16.self)))
        case 4: return .int(Int64(try scalar(UInt32.self)))
        case 5: return .int(Int64(try scalar(Int32.self)))
        case 6: return .float(Double(Float(bitPattern: try scalar(UInt32.self))))
        case 7: return .bool(try scalar(UInt8.self) != 0)
        case 8: return .string(try string())
        case 9:
            let elementType = try scalar(UInt32.self)
            let n = Int(try scalar(UInt64.self))
            if elementType == 8 {
                var out: [String] = []
                out.reserveCapacity(n)
                for _ in 0..<n { out.append(try string()) }
                return .strings(out)
            }
            var ints: [Int64] = []
            for _ in 0..<n {
                if case .int(let v) = try value(type: elementType) { ints.append(v) }
            }
            return ints.count == n ? .ints(ints) : .other
        case 10: return .int(Int64(bitPattern: try scalar(UInt64.self)))
        case 11: return .int(try scalar(Int64.self))
        case 12: return .float(Double(bitPattern: try scalar(UInt64.self)))
        default: throw TestGGUFError(description: "unknown GGUF value type \(type)")
        }
    }

    private mutating func readAll() throws -> [String: TestGGUFValue] {
        guard try bytes(4) == Data("GGUF".utf8) else { throw TestGGUFError(description: "not a GGUF file") }
        let version = try scalar(UInt32.self)
        guard version == 2 || version == 3 else { throw TestGGUFError(description: "GGUF version \(version)") }
        _ = try scalar(UInt64.self)  // tensor count
        let n = try scalar(UInt64.self)
        var out: [String: TestGGUFValue] = [:]
        for _ in 0..<n {
            let key = try string()
            let type = try scalar(UInt32.self)
            out[key] = try value(type: type)
        }
        return out
    }
}

/// Tokenizer, chat template and fixtures of one model, loaded once per test process.
final class TokenizerTestContext {
    let model: TokenizerTestModel
    let vocabulary: TokenizerVocabulary
    let tokenizer: BPETokenizer
    let chatTemplate: String
    let bosToken: String
    let eosToken: String
    let fixture: TokenizerFixture

    private static var loaded: [TokenizerTestModel: TokenizerTestContext] = [:]
    private static let lock = NSLock()

    static func get(_ model: TokenizerTestModel) throws -> TokenizerTestContext {
        lock.lock(); defer { lock.unlock() }
        if let c = loaded[model] { return c }
        let c = try TokenizerTestContext(model)
        loaded[model] = c
        return c
    }

    private init(_ model: TokenizerTestModel) throws {
        self.model = model
        let kv = try TestGGUFMetadataReader.read(path: model.path)
        guard let tokens = kv["tokenizer.ggml.tokens"]?.strings,
              let merges = kv["tokenizer.ggml.merges"]?.strings,
              let types = kv["tokenizer.ggml.token_type"]?.ints,
              let pre = kv["tokenizer.ggml.pre"]?.string,
              let template = kv["tokenizer.chat_template"]?.string else {
            throw TestGGUFError(description: "tokenizer metadata missing in \(model.path)")
        }
        let bos = kv["tokenizer.ggml.bos_token_id"]?.int.map { Int32($0) }
        let eos = kv["tokenizer.ggml.eos_token_id"]?.int.map { Int32($0) }
        let eot = tokens.firstIndex(of: "<|im_end|>").map { Int32($0) }
        vocabulary = TokenizerVocabulary(
            tokens: tokens, merges: merges, tokenTypes: types.map { Int32($0) }, pre: pre,
            bosId: bos, eosId: eos, eotId: eot,
            addBOS: kv["tokenizer.ggml.add_bos_token"]?.bool ?? false,
            addEOS: kv["tokenizer.ggml.add_eos_token"]?.bool ?? false)
        tokenizer = try BPETokenizer(vocabulary)
        chatTemplate = template
        bosToken = bos.map { tokens[Int($0)] } ?? ""
        eosToken = eos.map { tokens[Int($0)] } ?? ""
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tokenizer/\(model.rawValue).json")
        fixture = try JSONDecoder().decode(TokenizerFixture.self, from: Data(contentsOf: url))
    }
}

struct TokenizerFixture: Decodable {
    struct Case: Decodable { let text: String; let ids: [Int32] }
    struct Message: Decodable { let role: String; let content: String }
    struct Chat: Decodable { let messages: [Message]; let add_generation_prompt: Bool; let rendered: String }
    let model: String
    /// FNV-1a 64 digests of llama.cpp's pieces of every token ("plain", "special").
    let piece_digests: [String: String]
    /// Ids for which llama_vocab_is_eog is true.
    let eog_ids: [Int32]
    let cases: [Case]
    let special_cases: [Case]
    let chat: [Chat]
}
