import Foundation
import XCTest
@testable import AutoDeco

/// Test-only helpers for the tokenizer tests: the two real models and the golden fixtures.
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
        // The engine's own GGUF reader and vocabulary loader (tested in GGUFReaderTests).
        let file = try GGUFFile(path: try TestModels.require(model.path))
        let vocab = try TokenizerVocabulary(gguf: file)
        vocabulary = vocab
        tokenizer = try BPETokenizer(vocab)
        chatTemplate = try file.string("tokenizer.chat_template")
        bosToken = vocab.bosId.map { vocab.tokens[Int($0)] } ?? ""
        eosToken = vocab.eosId.map { vocab.tokens[Int($0)] } ?? ""
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
