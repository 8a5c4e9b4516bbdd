/// A bounds-checked little-endian cursor over a byte range. Every read checks the remaining
/// length first, so a truncated or hostile file can only produce `GGUFError.truncated`.
struct ByteReader {
    let base: UnsafeRawPointer
    let size: Int
    private(set) var offset: Int = 0

    init(base: UnsafeRawPointer, size: Int) {
        self.base = base
        self.size = size
    }

    var remaining: Int { size - offset }

    mutating func need(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw GGUFError.truncated(what: what(), at: offset, need: count, fileSize: size)
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let v = base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// Reads a count, rejecting any that could not fit in the rest of the data given each item
    /// needs at least `minimumItemBytes`: this is what keeps a hostile count from allocating.
    mutating func readCount(wide: Bool, minimumItemBytes: Int, _ what: @autoclosure () -> String) throws -> Int {
        let raw: UInt64 = wide ? try read(UInt64.self, what()) : UInt64(try read(UInt32.self, what()))
        let limit = remaining / max(minimumItemBytes, 1)
        guard raw <= UInt64(limit) else {
            throw GGUFError.absurdCount(what: what(), count: raw, limit: limit)
        }
        return Int(raw)
    }

    /// A length-prefixed string. Invalid UTF-8 is repaired with U+FFFD rather than rejected,
    /// as other GGUF readers do; token texts are checked where they are used.
    mutating func readString(wide: Bool, _ what: @autoclosure () -> String) throws -> String {
        let length = try readCount(wide: wide, minimumItemBytes: 1, what())
        let bytes = UnsafeRawBufferPointer(start: base + offset, count: length)
        offset += length
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func skip(to newOffset: Int, _ what: @autoclosure () -> String) throws {
        guard newOffset >= offset, newOffset <= size else {
            throw GGUFError.truncated(what: what(), at: offset, need: newOffset - offset, fileSize: size)
        }
        offset = newOffset
    }
}
