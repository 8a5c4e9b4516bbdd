/// Merge rules in token-id space: (left id, right id) → (rank, merged id).
///
/// Texts that take part in a merge but are not themselves tokens get "virtual" ids past the
/// end of the vocabulary, so that BPE still follows llama.cpp, which merges strings and
/// only looks words up at the end.
struct BPEMergeTable: Sendable {
    struct Merge: Sendable { let rank: Int32; let merged: Int32 }

    private var table: [UInt64: Merge] = [:]
    /// Texts of virtual ids, indexed by `id - vocabularySize`.
    private(set) var virtualTexts: [String] = []
    /// Initial symbol of every byte.
    private(set) var byteSymbols: [Int32] = []

    init(merges: [String], textToId: [String: Int32], vocabularySize: Int) {
        var virtualIds: [String: Int32] = [:]
        var virtualTexts: [String] = []
        func symbol(_ text: String) -> Int32 {
            if let id = textToId[text] { return id }
            if let id = virtualIds[text] { return id }
            let id = Int32(truncatingIfNeeded: vocabularySize + virtualTexts.count)
            virtualIds[text] = id
            virtualTexts.append(text)
            return id
        }
        let alphabet = ByteLevelAlphabet.shared
        byteSymbols = (0..<256).map { symbol(alphabet.encode([UInt8($0)])) }
        table.reserveCapacity(merges.count)
        for (rank, rule) in merges.enumerated() {
            // llama.cpp splits at the first space after the first character.
            let utf8 = Array(rule.utf8)
            guard utf8.count > 1, let cut = utf8[1...].firstIndex(of: 0x20) else { continue }
            let left = String(decoding: utf8[..<cut], as: UTF8.self)
            let right = String(decoding: utf8[(cut + 1)...], as: UTF8.self)
            let key = Self.key(symbol(left), symbol(right))
            if table[key] == nil {  // the first (highest priority) rule wins
                table[key] = Merge(rank: Int32(truncatingIfNeeded: rank), merged: symbol(left + right))
            }
        }
        self.virtualTexts = virtualTexts
    }

    @inline(__always) static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        (UInt64(UInt32(bitPattern: a)) << 32) | UInt64(UInt32(bitPattern: b))
    }

    @inline(__always) func merge(_ a: Int32, _ b: Int32) -> Merge? { table[Self.key(a, b)] }
}
