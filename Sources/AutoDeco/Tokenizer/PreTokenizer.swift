/// Splits text into words before BPE, with exactly the semantics of the regexes llama.cpp
/// uses for each `tokenizer.ggml.pre` (hand-written scanners, no regex engine):
///
/// - gpt2:  's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
/// - digitsThenGPT2 (smollm, starcoder, ...): first \p{N} isolates every digit, then gpt2
///   runs separately inside each remaining piece.
/// - llama3 (qwen2 with \p{N}, llama-bpe with \p{N}{1,3}):
///   (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|
///   \p{N}{1,k}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// Alternatives are tried in order at each position (first match wins, each greedy), and
/// look-ahead stops at the end of the piece being scanned, as in llama.cpp.
enum PreTokenizer: Equatable, Sendable {
    case gpt2
    case digitsThenGPT2
    case llama3(maxDigits: Int)

    /// Also returns whether whole words found in the vocabulary skip BPE (llama3's
    /// `ignore_merges`).
    static func named(_ name: String) throws -> (PreTokenizer, ignoreMerges: Bool) {
        switch name {
        case "gpt-2", "gpt2", "mpt", "olmo", "jais":
            return (.gpt2, false)
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
            return (.digitsThenGPT2, false)
        case "qwen2", "stablelm2", "deepseek-r1-qwen":
            return (.llama3(maxDigits: 1), false)
        case "llama-bpe", "llama3", "llama-v3":
            return (.llama3(maxDigits: 3), true)
        default:
            throw TokenizerError.unsupportedPreTokenizer(name)
        }
    }

    /// Appends the end index (in scalars) of every word of `text[range]`.
    func split(_ text: DecodedText, _ range: Range<Int>, into ends: inout [Int]) {
        switch self {
        case .gpt2:
            Self.scanGPT2(text, range, &ends)
        case .digitsThenGPT2:
            var start = range.lowerBound
            for i in range where text.classes[i] == .number {
                if start < i { Self.scanGPT2(text, start..<i, &ends) }
                ends.append(i + 1)
                start = i + 1
            }
            if start < range.upperBound { Self.scanGPT2(text, start..<range.upperBound, &ends) }
        case .llama3(let maxDigits):
            Self.scanLlama3(text, range, maxDigits: maxDigits, &ends)
        }
    }

    private static let apostrophe: UInt32 = 0x27, space: UInt32 = 0x20
    private static let cr: UInt32 = 0x0D, lf: UInt32 = 0x0A

    /// True when `a` (and `b`, if given) spell a contraction suffix after an apostrophe.
    private static func contractionLength(_ a: UInt32, _ b: UInt32?, caseInsensitive: Bool) -> Int {
        func lower(_ c: UInt32) -> UInt32 { caseInsensitive && c >= 0x41 && c <= 0x5A ? c + 0x20 : c }
        let x = lower(a)
        if x == 0x73 || x == 0x74 || x == 0x6D || x == 0x64 { return 1 }  // s t m d
        guard let b else { return 0 }
        let y = lower(b)
        if (x == 0x72 && y == 0x65) || (x == 0x76 && y == 0x65) || (x == 0x6C && y == 0x6C) { return 2 }  // re ve ll
        return 0
    }

    /// Length of the whitespace run at `pos` (within `end`).
    private static func whitespaceRun(_ cls: [CharacterClass], _ pos: Int, _ end: Int) -> Int {
        var n = 0
        while pos + n < end && cls[pos + n] == .whitespace { n += 1 }
        return n
    }

    private static func scanGPT2(_ text: DecodedText, _ range: Range<Int>, _ ends: inout [Int]) {
        let cp = text.scalars, cls = text.classes
        let end = range.upperBound
        var pos = range.lowerBound
        while pos < end {
            let c = cp[pos]
            if c == apostrophe && pos + 1 < end {
                let n = contractionLength(cp[pos + 1], pos + 2 < end ? cp[pos + 2] : nil, caseInsensitive: false)
                if n > 0 { pos += n + 1; ends.append(pos); continue }
            }
            // " ?X+" where X is the class of the character after an optional space.
            let lead = (c == space) ? 1 : 0
            if pos + lead < end {
                let k = cls[pos + lead]
                if k != .whitespace {
                    pos += lead
                    while pos < end && cls[pos] == k { pos += 1 }
                    ends.append(pos)
                    continue
                }
            }
            let n = whitespaceRun(cls, pos, end)
            if n > 1 && pos + n < end {
                pos += n - 1          // \s+(?!\S): leave one space for the next word
            } else {
                pos += max(n, 1)
            }
            ends.append(pos)
        }
    }

    private static func scanLlama3(_ text: DecodedText, _ range: Range<Int>, maxDigits: Int, _ ends: inout [Int]) {
        let cp = text.scalars, cls = text.classes
        let end = range.upperBound
        var pos = range.lowerBound
        while pos < end {
            let c = cp[pos], k = cls[pos]
            if c == apostrophe && pos + 1 < end {
                let n = contractionLength(cp[pos + 1], pos + 2 < end ? cp[pos + 2] : nil, caseInsensitive: true)
                if n > 0 { pos += n + 1; ends.append(pos); continue }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if k == .letter || (c != cr && c != lf && k != .number && pos + 1 < end && cls[pos + 1] == .letter) {
                pos += 1
                while pos < end && cls[pos] == .letter { pos += 1 }
                ends.append(pos)
                continue
            }
            // \p{N}{1,maxDigits}
            if k == .number {
                var n = 0
                while pos < end && cls[pos] == .number && n < maxDigits { pos += 1; n += 1 }
                ends.append(pos)
                continue
            }
            // " ?[^\s\p{L}\p{N}]+[\r\n]*"
            let lead = (c == space && pos + 1 < end && cls[pos + 1] == .other) ? 1 : 0
            if k == .other || lead == 1 {
                pos += lead
                while pos < end && cls[pos] == .other { pos += 1 }
                while pos < end && (cp[pos] == cr || cp[pos] == lf) { pos += 1 }
                ends.append(pos)
                continue
            }
            // Whitespace: \s*[\r\n]+ | \s+(?!\S) | \s+
            let n = whitespaceRun(cls, pos, end)
            var lastNewline = -1
            for i in pos..<(pos + n) where cp[i] == cr || cp[i] == lf { lastNewline = i }
            if lastNewline >= 0 {
                pos = lastNewline + 1
            } else if n > 1 && pos + n < end {
                pos += n - 1
            } else {
                pos += max(n, 1)
            }
            ends.append(pos)
        }
    }
}
