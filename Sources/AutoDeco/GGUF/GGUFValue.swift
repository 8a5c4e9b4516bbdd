/// A metadata value. Integer widths are folded into `int`/`uint` because callers only ever
/// ask "is this a number that fits"; the file's exact type is kept in `GGUFValueType` for display.
public enum GGUFValue: Sendable, Equatable {
    case int(Int64)
    case uint(UInt64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case array(elementType: GGUFValueType, values: [GGUFValue])

    /// The value as an Int, when it is an integer that fits.
    public var intValue: Int? {
        switch self {
        case let .int(v): return Int(exactly: v)
        case let .uint(v): return Int(exactly: v)
        case let .bool(b): return b ? 1 : 0
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case let .float(v): return v
        case let .int(v): return Double(v)
        case let .uint(v): return Double(v)
        default: return nil
        }
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        switch self {
        case let .bool(b): return b
        case let .int(v): return v != 0
        case let .uint(v): return v != 0
        default: return nil
        }
    }

    public var arrayValue: [GGUFValue]? {
        if case let .array(_, values) = self { return values }
        return nil
    }

    /// A short human-readable rendering (long arrays and strings are abbreviated).
    public var summary: String {
        switch self {
        case let .int(v): return String(v)
        case let .uint(v): return String(v)
        case let .float(v): return String(v)
        case let .bool(b): return b ? "true" : "false"
        case let .string(s):
            let short = s.count > 60 ? String(s.prefix(57)) + "..." : s
            var escaped = ""
            for ch in short.unicodeScalars {
                switch ch {
                case "\n": escaped += "\\n"
                case "\t": escaped += "\\t"
                case "\"": escaped += "\\\""
                default: escaped.unicodeScalars.append(ch)
                }
            }
            return "\"" + escaped + "\""
        case let .array(type, values):
            return "[\(type.name) × \(values.count)]"
        }
    }
}

/// Metadata value types as numbered by the GGUF format.
public enum GGUFValueType: UInt32, Sendable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6
    case bool = 7, string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// The fewest bytes one value of this type occupies in the file (used to bound counts).
    var minimumBytes: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string: return 8
        case .array: return 12
        }
    }

    public var name: String {
        switch self {
        case .uint8: return "u8"; case .int8: return "i8"; case .uint16: return "u16"
        case .int16: return "i16"; case .uint32: return "u32"; case .int32: return "i32"
        case .float32: return "f32"; case .bool: return "bool"; case .string: return "string"
        case .array: return "array"; case .uint64: return "u64"; case .int64: return "i64"
        case .float64: return "f64"
        }
    }
}
