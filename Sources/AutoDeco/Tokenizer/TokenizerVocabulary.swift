/// Token types as stored in `tokenizer.ggml.token_type` (llama.cpp's llama_token_type).
public enum TokenType: Int32, Sendable {
    case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6

    /// Tokens cut out of the text before BPE: control and unknown ones only when special
    /// parsing is on, user-defined ones always (llama.cpp / HF tokenizers semantics).
    var isSpecialCandidate: Bool { self == .control || self == .userDefined || self == .unknown }
}

/// The tokenizer's data as plain Swift values, independent of where it was read from
/// (GGUF metadata `tokenizer.ggml.*`).
public struct TokenizerVocabulary: Sendable {
    /// Token texts in the byte-level alphabet (GPT-2 byte↔unicode mapping), by id.
    public var tokens: [String]
    /// Merge rules "left right", highest priority first.
    public var merges: [String]
    /// `TokenType` raw values, one per token; empty means all normal.
    public var tokenTypes: [Int32]
    /// `tokenizer.ggml.pre`, e.g. "smollm", "qwen2", "llama-bpe", "gpt-2".
    public var pre: String
    public var bosId: Int32?
    public var eosId: Int32?
    /// End-of-turn token (`<|im_end|>` for ChatML models) if known.
    public var eotId: Int32?
    /// Whether encoding with `addSpecial` prepends BOS (`tokenizer.ggml.add_bos_token`).
    public var addBOS: Bool
    public var addEOS: Bool

    public init(tokens: [String], merges: [String], tokenTypes: [Int32] = [], pre: String,
                bosId: Int32? = nil, eosId: Int32? = nil, eotId: Int32? = nil,
                addBOS: Bool = false, addEOS: Bool = false) {
        self.tokens = tokens
        self.merges = merges
        self.tokenTypes = tokenTypes
        self.pre = pre
        self.bosId = bosId
        self.eosId = eosId
        self.eotId = eotId
        self.addBOS = addBOS
        self.addEOS = addEOS
    }
}
