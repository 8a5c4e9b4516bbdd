/// The only distinctions the supported pre-tokenizer regexes make between characters:
/// \p{L}, \p{N}, \s, and everything else. Mirrors llama.cpp's codepoint flags: letters are
/// general categories L*, numbers N*, whitespace the Unicode White_Space property.
///
/// llama.cpp's tables stop at Unicode 15.1, while Swift's standard library knows newer
/// versions; characters added since (Unicode 16, 17, ...) are unassigned, hence "other",
/// for llama.cpp, and the tokenizer must split them the same way. Checked against
/// llama.cpp's table for every code point (TokenizerUnicodeTests).
enum CharacterClass: UInt8, Sendable {
    case letter = 0, number = 1, whitespace = 2, other = 3

    static func of(_ value: UInt32) -> CharacterClass {
        if value < 0x10000 { return bmpTable[Int(value)] }
        return compute(value)
    }

    /// Basic Multilingual Plane classes, computed once (lazily, thread-safe as a global).
    private static let bmpTable: [CharacterClass] = (0..<0x10000).map { compute(UInt32($0)) }

    private static func compute(_ value: UInt32) -> CharacterClass {
        guard let scalar = Unicode.Scalar(value) else { return .other }  // surrogates
        let p = scalar.properties
        if p.isWhitespace { return .whitespace }
        if let age = p.age, age.major > 15 || (age.major == 15 && age.minor > 1) { return .other }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }
}

/// Text decoded once into code points with their classes and byte offsets, so that
/// pre-tokenizers can scan by character and hand back byte ranges.
struct DecodedText {
    var scalars: [UInt32] = []
    var classes: [CharacterClass] = []
    /// Byte offset of each scalar, plus one final entry for the end.
    var byteOffsets: [Int] = []

    /// Strict UTF-8 decoding of `bytes[range]`: overlong forms, surrogates and values above
    /// U+10FFFF are errors, reported with their absolute byte offset.
    init(_ bytes: [UInt8], _ range: Range<Int>) throws {
        scalars.reserveCapacity(range.count)
        classes.reserveCapacity(range.count)
        byteOffsets.reserveCapacity(range.count + 1)
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b0 = bytes[i]
            var value: UInt32
            var length: Int
            if b0 < 0x80 {
                value = UInt32(b0); length = 1
            } else if b0 >= 0xC2 && b0 <= 0xDF {
                value = UInt32(b0 & 0x1F); length = 2
            } else if b0 >= 0xE0 && b0 <= 0xEF {
                value = UInt32(b0 & 0x0F); length = 3
            } else if b0 >= 0xF0 && b0 <= 0xF4 {
                value = UInt32(b0 & 0x07); length = 4
            } else {
                throw TokenizerError.invalidUTF8(offset: i)
            }
            if i + length > end { throw TokenizerError.invalidUTF8(offset: i) }
            var k = 1
            while k < length {
                let c = bytes[i + k]
                if c & 0xC0 != 0x80 { throw TokenizerError.invalidUTF8(offset: i) }
                value = (value << 6) | UInt32(c & 0x3F)
                k += 1
            }
            // Reject overlong encodings, surrogates and out-of-range values.
            if (length == 3 && (value < 0x800 || (value >= 0xD800 && value <= 0xDFFF)))
                || (length == 4 && (value < 0x10000 || value > 0x10FFFF)) {
                throw TokenizerError.invalidUTF8(offset: i)
            }
            scalars.append(value)
            classes.append(value < 0x80 ? CharacterClass.ascii[Int(value)] : CharacterClass.of(value))
            byteOffsets.append(i)
            i += length
        }
        byteOffsets.append(end)
    }

    var count: Int { scalars.count }
}

extension CharacterClass {
    /// ASCII fast path.
    static let ascii: [CharacterClass] = (0..<128).map { of(UInt32($0)) }
}
