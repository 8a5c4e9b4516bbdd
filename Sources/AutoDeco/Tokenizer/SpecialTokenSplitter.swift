/// Cuts special-token text out of the input before pre-tokenization, like llama.cpp's
/// tokenizer_st_partition: longest tokens first, each one splitting every remaining plain
/// fragment at all its (non-overlapping, left-to-right) occurrences.
struct SpecialTokenSplitter: Sendable {
    enum Fragment: Equatable { case text(Range<Int>); case token(Int32) }

    private struct Entry: Sendable { let id: Int32; let bytes: [UInt8]; let alwaysSplit: Bool }
    private let entries: [Entry]

    /// `types` must have one entry per token. User-defined tokens split even without
    /// `parseSpecial`; control and unknown tokens only with it.
    init(tokens: [String], types: [TokenType]) {
        var list: [Entry] = []
        for (i, t) in types.enumerated() where t.isSpecialCandidate && !tokens[i].isEmpty {
            list.append(Entry(id: Int32(truncatingIfNeeded: i), bytes: Array(tokens[i].utf8), alwaysSplit: t == .userDefined))
        }
        // Longest first; equal lengths by id, so the order is deterministic.
        list.sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        entries = list
    }

    func split(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = bytes.isEmpty ? [] : [.text(0..<bytes.count)]
        for entry in entries where parseSpecial || entry.alwaysSplit {
            var next: [Fragment] = []
            next.reserveCapacity(fragments.count)
            var changed = false
            for fragment in fragments {
                guard case .text(let range) = fragment else { next.append(fragment); continue }
                var start = range.lowerBound
                while let hit = Self.find(entry.bytes, in: bytes, from: start, to: range.upperBound) {
                    if hit > start { next.append(.text(start..<hit)) }
                    next.append(.token(entry.id))
                    start = hit + entry.bytes.count
                    changed = true
                }
                if start < range.upperBound { next.append(.text(start..<range.upperBound)) }
            }
            if changed { fragments = next }
        }
        return fragments
    }

    /// First occurrence of `needle` in `haystack[from..<to]`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, to: Int) -> Int? {
        guard let first = needle.first, to - from >= needle.count else { return nil }
        let last = to - needle.count
        var i = from
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count && haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
