/// Byte-level BPE tokenizer (GPT-2 family: SmolLM2, Qwen2, Llama 3, ...) matching
/// llama.cpp's `llama_tokenize` / `llama_token_to_piece` token for token.
public final class BPETokenizer: Tokenizer {
    public let vocabularySize: Int
    public let bosId: Int32?
    public let eosId: Int32?
    public let eotId: Int32?
    public let addBOS: Bool
    public let addEOS: Bool
    /// Tokens that end generation: EOS, EOT and llama.cpp's end-of-generation texts
    /// (`<|im_end|>`, `<|endoftext|>`, `<|fim_pad|>`, ...).
    public let endOfGenerationIds: Set<Int32>

    private let types: [TokenType]
    private let preTokenizer: PreTokenizer
    private let ignoreMerges: Bool
    private let textToId: [String: Int32]
    private let mergeTable: BPEMergeTable
    private let specials: SpecialTokenSplitter
    /// Decoded bytes of every token, flattened: token i is pieceBytes[pieceStart[i]..<pieceStart[i+1]].
    private let pieceBytes: [UInt8]
    private let pieceStart: [Int]

    public init(_ vocab: TokenizerVocabulary) throws {
        let n = vocab.tokens.count
        guard n > 0 else { throw TokenizerError.inconsistentVocabulary("no tokens") }
        guard n < Int(Int32.max) / 2 else { throw TokenizerError.inconsistentVocabulary("too many tokens") }
        guard vocab.tokenTypes.isEmpty || vocab.tokenTypes.count == n else {
            throw TokenizerError.inconsistentVocabulary("\(vocab.tokenTypes.count) token types for \(n) tokens")
        }
        for (name, id) in [("bos", vocab.bosId), ("eos", vocab.eosId), ("eot", vocab.eotId)] {
            if let id, id < 0 || Int(id) >= n {
                throw TokenizerError.inconsistentVocabulary("\(name) id \(id) out of range 0..<\(n)")
            }
        }
        if vocab.addBOS && vocab.bosId == nil { throw TokenizerError.inconsistentVocabulary("add_bos without bos id") }
        if vocab.addEOS && vocab.eosId == nil { throw TokenizerError.inconsistentVocabulary("add_eos without eos id") }
        (preTokenizer, ignoreMerges) = try PreTokenizer.named(vocab.pre)

        vocabularySize = n
        bosId = vocab.bosId
        eosId = vocab.eosId
        eotId = vocab.eotId
        addBOS = vocab.addBOS
        addEOS = vocab.addEOS
        var types = vocab.tokenTypes.isEmpty
            ? [TokenType](repeating: .normal, count: n)
            : vocab.tokenTypes.map { TokenType(rawValue: $0) ?? .undefined }
        endOfGenerationIds = ControlLookingTokens.apply(tokens: vocab.tokens, types: &types, eos: vocab.eosId, eot: vocab.eotId)
        self.types = types

        var map: [String: Int32] = [:]
        map.reserveCapacity(n)
        for (i, t) in vocab.tokens.enumerated() { map[t] = Int32(i) }  // last duplicate wins, as in llama.cpp
        textToId = map
        mergeTable = BPEMergeTable(merges: vocab.merges, textToId: map, vocabularySize: n)
        specials = SpecialTokenSplitter(tokens: vocab.tokens, types: types)

        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        starts.reserveCapacity(n + 1)
        let alphabet = ByteLevelAlphabet.shared
        for (i, text) in vocab.tokens.enumerated() {
            switch types[i] {
            case .normal: alphabet.decode(text, into: &bytes)
            case .control, .unknown, .userDefined: bytes += text.utf8
            case .byte:
                var b: [UInt8] = []
                alphabet.decode(text, into: &b)
                if b.count == 1 { bytes += b }
            case .unused, .undefined: break  // llama.cpp renders nothing for these
            }
            starts.append(bytes.count)
        }
        pieceBytes = bytes
        pieceStart = starts
    }

    public func tokenType(_ id: Int32) -> TokenType? {
        id >= 0 && Int(id) < vocabularySize ? types[Int(id)] : nil
    }

    /// Whether a lone byte has a token. Bytes without one (a few ASCII control bytes in
    /// SmolLM2's vocabulary) are dropped by encoding, exactly as llama.cpp drops them.
    public func hasByteToken(_ byte: UInt8) -> Bool {
        Int(mergeTable.byteSymbols[Int(byte)]) < vocabularySize
    }

    /// True for control tokens (e.g. `<|im_end|>`), whose text is hidden when decoding.
    public func isControl(_ id: Int32) -> Bool {
        let t = tokenType(id)
        return t == .control || t == .unknown
    }

    public func encode(bytes: [UInt8], addSpecial: Bool, parseSpecial: Bool) throws -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(bytes.count / 3 + 2)
        if addSpecial && addBOS, let bos = bosId { out.append(bos) }
        var session = EncodeSession()
        for fragment in specials.split(bytes, parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let id): out.append(id)
            case .text(let range): try encodeText(bytes, range, &session, &out)
            }
        }
        if addSpecial && addEOS, let eos = eosId { out.append(eos) }
        return out
    }

    /// Per-call state: the BPE scratch buffers and a cache of words already encoded.
    private struct EncodeSession {
        var encoder = BPEWordEncoder()
        var cache: [ArraySlice<UInt8>: [Int32]] = [:]
        var ends: [Int] = []
        var symbols: [Int32] = []
    }

    private func encodeText(_ bytes: [UInt8], _ range: Range<Int>, _ s: inout EncodeSession, _ out: inout [Int32]) throws {
        let text = try DecodedText(bytes, range)
        s.ends.removeAll(keepingCapacity: true)
        preTokenizer.split(text, 0..<text.count, into: &s.ends)
        var start = 0
        for end in s.ends {
            let word = bytes[text.byteOffsets[start]..<text.byteOffsets[end]]
            start = end
            if let cached = s.cache[word] { out += cached; continue }
            s.symbols.removeAll(keepingCapacity: true)
            if ignoreMerges, let id = textToId[ByteLevelAlphabet.shared.encode(word)] {
                s.symbols.append(id)
            } else {
                s.encoder.encode(word, table: mergeTable, into: &s.symbols)
            }
            let ids = resolveVirtual(s.symbols)
            if s.cache.count > 65_536 { s.cache.removeAll(keepingCapacity: true) }
            s.cache[word] = ids
            out += ids
        }
    }

    /// A symbol that is not a token falls back, like llama.cpp, to the tokens spelled by
    /// the single bytes of its (byte-level) text, dropping bytes that are not tokens.
    private func resolveVirtual(_ symbols: [Int32]) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(symbols.count)
        for s in symbols {
            if Int(s) < vocabularySize { ids.append(s); continue }
            let index = Int(s) - vocabularySize
            guard index < mergeTable.virtualTexts.count else { continue }
            for b in mergeTable.virtualTexts[index].utf8 {
                if let id = textToId[String(decoding: [b], as: UTF8.self)], b < 0x80 { ids.append(id) }
            }
        }
        return ids
    }

    public func piece(_ id: Int32, renderSpecial: Bool) throws -> [UInt8] {
        guard id >= 0 && Int(id) < vocabularySize else {
            throw TokenizerError.tokenOutOfRange(id: id, vocabularySize: vocabularySize)
        }
        let i = Int(id)
        if !renderSpecial && (types[i] == .control || types[i] == .unknown) { return [] }
        return Array(pieceBytes[pieceStart[i]..<pieceStart[i + 1]])
    }

    /// Appends the piece without allocating (used by the streaming detokenizer).
    func appendPiece(_ id: Int32, renderSpecial: Bool, to out: inout [UInt8]) throws {
        guard id >= 0 && Int(id) < vocabularySize else {
            throw TokenizerError.tokenOutOfRange(id: id, vocabularySize: vocabularySize)
        }
        let i = Int(id)
        if !renderSpecial && (types[i] == .control || types[i] == .unknown) { return }
        out += pieceBytes[pieceStart[i]..<pieceStart[i + 1]]
    }
}
