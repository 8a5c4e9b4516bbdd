/// Everything that can be wrong with a GGUF file. Every case names the place and the problem,
/// because the message reaches the user through `autodeco_last_error()`.
public enum GGUFError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case tooSmall(size: Int)
    case badMagic(found: UInt32)
    case unsupportedVersion(UInt32)
    case truncated(what: String, at: Int, need: Int, fileSize: Int)
    case absurdCount(what: String, count: UInt64, limit: Int)
    case unknownValueType(key: String, type: UInt32)
    case nestedArray(key: String)
    case duplicateKey(String)
    case duplicateTensor(String)
    case badAlignment(UInt64)
    case tooManyDimensions(tensor: String, dims: UInt32)
    case badDimension(tensor: String, dim: Int, value: UInt64)
    case unknownTensorType(tensor: String, type: UInt32)
    case notWholeBlocks(tensor: String, type: String, elements: Int)
    case tensorMisaligned(tensor: String, offset: UInt64, alignment: Int)
    case tensorOutOfBounds(tensor: String, end: UInt64, fileSize: Int)
    case missingKey(String)
    case wrongKeyType(key: String, expected: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "cannot open '\(path)': \(reason)"
        case let .tooSmall(size): return "not a GGUF file: only \(size) bytes"
        case let .badMagic(found):
            return "not a GGUF file: magic is 0x\(String(found, radix: 16)), expected 0x46554747 ('GGUF')"
        case let .unsupportedVersion(v): return "unsupported GGUF version \(v) (supported: 2, 3)"
        case let .truncated(what, at, need, size):
            return "truncated GGUF: \(what) at offset \(at) needs \(need) bytes but the file has \(size)"
        case let .absurdCount(what, count, limit):
            return "truncated or corrupt GGUF: \(what) is \(count), but at most \(limit) fit in the rest of the file"
        case let .unknownValueType(key, type): return "corrupt GGUF: key '\(key)' has unknown value type \(type)"
        case let .nestedArray(key): return "unsupported GGUF: key '\(key)' holds an array of arrays"
        case let .duplicateKey(key): return "corrupt GGUF: key '\(key)' appears twice"
        case let .duplicateTensor(name): return "corrupt GGUF: tensor '\(name)' appears twice"
        case let .badAlignment(a): return "corrupt GGUF: general.alignment \(a) is not a power of two up to 65536"
        case let .tooManyDimensions(t, d): return "corrupt GGUF: tensor '\(t)' has \(d) dimensions (at most 4)"
        case let .badDimension(t, dim, v): return "corrupt GGUF: tensor '\(t)' dimension \(dim) is \(v)"
        case let .unknownTensorType(t, type): return "unsupported GGUF: tensor '\(t)' has unknown type \(type)"
        case let .notWholeBlocks(t, type, n):
            return "corrupt GGUF: tensor '\(t)' of type \(type) has rows of \(n) elements, not whole blocks"
        case let .tensorMisaligned(t, off, a): return "corrupt GGUF: tensor '\(t)' offset \(off) is not aligned to \(a)"
        case let .tensorOutOfBounds(t, end, size):
            return "corrupt GGUF: tensor '\(t)' ends at byte \(end), past the end of the file (\(size) bytes)"
        case let .missingKey(key): return "GGUF metadata lacks '\(key)'"
        case let .wrongKeyType(key, expected): return "GGUF metadata '\(key)' is not \(expected)"
        }
    }
}
