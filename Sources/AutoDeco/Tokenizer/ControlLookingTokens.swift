/// Token texts that llama.cpp treats as control tokens whatever their stored type (its
/// "control-looking token ... its type will be overridden" rule in llama-vocab.cpp), so
/// that they are hidden when decoding and only recognised in text with special parsing.
/// Qwen2.5's vocabulary, for instance, stores "</s>" as a normal token.
/// The end-of-generation subset is also what generation should stop on.
enum ControlLookingTokens {
    /// End of turn / end of generation markers.
    static let endOfGeneration: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
    ]

    /// Fill-in-the-middle markers; pad, repository and file separators also end generation.
    static let fillInTheMiddle: Set<String> = [
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<PRE>", "<|code_prefix|>", "<|prefix|>",
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<SUF>", "<|code_suffix|>", "<|suffix|>",
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<MID>", "<|code_middle|>", "<|middle|>",
    ]
    static let fillInTheMiddleEndOfGeneration: Set<String> = [
        "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
        "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
        "<|file_sep|>",
    ]

    /// Tokens llama.cpp always renders as text (gpt-oss), whatever their stored type.
    static let alwaysRendered: Set<String> = ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]

    /// The token types llama.cpp effectively uses, and its end-of-generation ids.
    static func apply(tokens: [String], types: inout [TokenType], eos: Int32?, eot: Int32?) -> Set<Int32> {
        var ids: Set<Int32> = []
        for (i, text) in tokens.enumerated() {
            let isEOG = endsGeneration(text)
            if isEOG || fillInTheMiddle.contains(text) || fillInTheMiddleEndOfGeneration.contains(text) {
                types[i] = .control
            }
            if alwaysRendered.contains(text) { types[i] = .userDefined }
            if isEOG { ids.insert(Int32(truncatingIfNeeded: i)) }
        }
        if let eos { ids.insert(eos) }
        if let eot { ids.insert(eot) }
        return ids
    }

    private static func endsGeneration(_ text: String) -> Bool {
        Self.endOfGeneration.contains(text) || fillInTheMiddleEndOfGeneration.contains(text)
    }
}
