/// Text ↔ token ids. Implementations are immutable after construction and safe to share
/// between threads.
public protocol Tokenizer: Sendable {
    var vocabularySize: Int { get }
    var bosId: Int32? { get }
    var eosId: Int32? { get }
    var eotId: Int32? { get }

    /// Token ids for UTF-8 bytes; throws `invalidUTF8` on malformed input.
    /// `addSpecial` adds BOS/EOS as the vocabulary asks; `parseSpecial` lets control-token
    /// text such as `<|im_start|>` become that token instead of plain text.
    func encode(bytes: [UInt8], addSpecial: Bool, parseSpecial: Bool) throws -> [Int32]

    /// The bytes one token stands for. Control tokens give their text only when
    /// `renderSpecial` is true, otherwise nothing (llama.cpp's token_to_piece).
    func piece(_ id: Int32, renderSpecial: Bool) throws -> [UInt8]
}

extension Tokenizer {
    public func encode(_ text: String, addSpecial: Bool = false, parseSpecial: Bool = false) throws -> [Int32] {
        try encode(bytes: Array(text.utf8), addSpecial: addSpecial, parseSpecial: parseSpecial)
    }

    /// Concatenated pieces; may be an incomplete UTF-8 sequence when ids are a prefix.
    public func decode(_ ids: [Int32], renderSpecial: Bool = false) throws -> [UInt8] {
        var out: [UInt8] = []
        for id in ids { out += try piece(id, renderSpecial: renderSpecial) }
        return out
    }

    /// Decoded text; malformed UTF-8 (from arbitrary ids) becomes U+FFFD.
    public func decodeText(_ ids: [Int32], renderSpecial: Bool = false) throws -> String {
        String(decoding: try decode(ids, renderSpecial: renderSpecial), as: UTF8.self)
    }
}
