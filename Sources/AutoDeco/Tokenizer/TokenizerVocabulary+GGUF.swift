/// Reading the tokenizer from GGUF metadata (`tokenizer.ggml.*`).
extension TokenizerVocabulary {
    /// End-of-turn tokens recognised by their text when the file names none (as llama.cpp does).
    static let endOfTurnTexts = ["<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|endoftext|>"]

    public init(gguf: GGUFFile) throws {
        let model = try gguf.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw TokenizerError.inconsistentVocabulary("tokenizer model '\(model)' is not supported (only gpt2 byte-level BPE)")
        }
        let tokens = try gguf.stringArray("tokenizer.ggml.tokens")
        let merges = (try? gguf.stringArray("tokenizer.ggml.merges")) ?? []
        let types = ((try? gguf.intArray("tokenizer.ggml.token_type")) ?? []).map { Int32(truncatingIfNeeded: $0) }
        func id(_ key: String) -> Int32? {
            guard let v = gguf.value(key)?.intValue, v >= 0, v < tokens.count else { return nil }
            return Int32(v)
        }
        var eot = id("tokenizer.ggml.eot_token_id")
        if eot == nil {
            for text in TokenizerVocabulary.endOfTurnTexts {
                if let i = tokens.firstIndex(of: text) { eot = Int32(i); break }
            }
        }
        self.init(tokens: tokens, merges: merges, tokenTypes: types,
                  pre: gguf.value("tokenizer.ggml.pre")?.stringValue ?? "default",
                  bosId: id("tokenizer.ggml.bos_token_id"), eosId: id("tokenizer.ggml.eos_token_id"),
                  eotId: eot,
                  addBOS: gguf.value("tokenizer.ggml.add_bos_token")?.boolValue ?? false,
                  addEOS: gguf.value("tokenizer.ggml.add_eos_token")?.boolValue ?? false)
    }
}
