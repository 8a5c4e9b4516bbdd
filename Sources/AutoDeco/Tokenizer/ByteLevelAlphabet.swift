/// GPT-2's reversible byte ↔ unicode mapping: byte-level BPE vocabularies spell every
/// byte as a printable character so that token texts are valid strings.
/// Printable Latin-1 bytes map to themselves; the other 68 bytes map to U+0100 onward.
struct ByteLevelAlphabet: Sendable {
    /// byte → scalar value
    let scalarForByte: [UInt32]
    /// scalar value (< 0x144) → byte, or -1
    let byteForScalar: [Int16]

    static let shared = ByteLevelAlphabet()

    private init() {
        var forward = [UInt32](repeating: 0, count: 256)
        var backward = [Int16](repeating: -1, count: 0x144)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            let scalar = printable ? UInt32(b) : next
            if !printable { next += 1 }
            forward[b] = scalar
            backward[Int(scalar)] = Int16(b)
        }
        scalarForByte = forward
        byteForScalar = backward
    }

    /// The byte-level spelling of raw bytes.
    func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes {
            if let u = Unicode.Scalar(scalarForByte[Int(b)]) { s.append(u) }
        }
        return String(s)
    }

    /// Raw bytes of a token text. A character outside the alphabet (not produced by
    /// byte-level vocabularies) is kept as its own UTF-8 bytes.
    func decode(_ text: String, into out: inout [UInt8]) {
        for u in text.unicodeScalars {
            let v = Int(u.value)
            if v < byteForScalar.count, byteForScalar[v] >= 0 {
                out.append(UInt8(truncatingIfNeeded: byteForScalar[v]))
            } else {
                out.append(contentsOf: String(u).utf8)
            }
        }
    }
}
