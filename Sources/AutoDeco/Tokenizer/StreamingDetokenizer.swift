/// Turns a stream of token ids into text without ever emitting half a character: bytes of
/// an incomplete UTF-8 sequence are held back until a later token completes them.
/// Bytes that can never become valid UTF-8 are emitted as U+FFFD so the stream keeps moving.
public struct StreamingDetokenizer {
    private let tokenizer: any Tokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    public init(tokenizer: any Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Text completed by this token (often empty for a partial character).
    public mutating func append(_ id: Int32) throws -> String {
        pending += try tokenizer.piece(id, renderSpecial: renderSpecial)
        let ready = Self.completePrefixLength(pending)
        if ready == 0 { return "" }
        let text = String(decoding: pending[..<ready], as: UTF8.self)
        pending.removeFirst(ready)
        return text
    }

    /// Whatever is still held back (an unfinished sequence becomes U+FFFD); resets the stream.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Bytes currently held back waiting for the rest of a character.
    public var pendingByteCount: Int { pending.count }

    /// Length of the longest prefix that does not end inside a possibly-valid, unfinished
    /// UTF-8 sequence. An invalid sequence is not held (it decodes to U+FFFD).
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // Look back at most 3 bytes for the start of the last sequence.
        var i = n - 1
        let stop = max(0, n - 4)
        while i >= stop {
            let b = bytes[i]
            if b & 0xC0 != 0x80 {
                let need: Int
                if b < 0x80 { need = 1 }
                else if b >= 0xC2 && b <= 0xDF { need = 2 }
                else if b >= 0xE0 && b <= 0xEF { need = 3 }
                else if b >= 0xF0 && b <= 0xF4 { need = 4 }
                else { return n }  // not a lead byte: invalid, nothing to wait for
                let have = n - i
                if have >= need { return n }
                // Only hold back if the continuation bytes so far could still be valid.
                if have >= 2 && !secondByteValid(b, bytes[i + 1]) { return n }
                return i
            }
            i -= 1
        }
        return n
    }

    /// The second-byte ranges that rule out overlongs and surrogates (RFC 3629).
    private static func secondByteValid(_ lead: UInt8, _ second: UInt8) -> Bool {
        switch lead {
        case 0xE0: return second >= 0xA0 && second <= 0xBF
        case 0xED: return second >= 0x80 && second <= 0x9F
        case 0xF0: return second >= 0x90 && second <= 0xBF
        case 0xF4: return second >= 0x80 && second <= 0x8F
        default: return second & 0xC0 == 0x80
        }
    }
}
