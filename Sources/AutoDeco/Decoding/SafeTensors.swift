#if canImport(Glibc)
import Glibc
#endif

/// safetensors files: u64 little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`), then
/// the raw data. Only F32, F16 and BF16 tensors are read (converted to Float), which is all
/// AutoDeco heads use. Every offset is checked against the file.
public struct SafeTensors {
    public struct Tensor: Equatable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
    }

    public var tensors: [String: Tensor]
    /// Tensor names in file order.
    public var order: [String]
    public var metadata: [(String, String)]

    public init(tensors: [(String, Tensor)], metadata: [(String, String)] = []) {
        self.tensors = Dictionary(tensors, uniquingKeysWith: { a, _ in a })
        self.order = tensors.map { $0.0 }
        self.metadata = metadata
    }

    public init(path: String) throws {
        let bytes = try MappedBytes(path: path)
        try self.init(bytes: UnsafeRawBufferPointer(start: bytes.base, count: bytes.count))
    }

    public init(bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count >= 8 else { throw SafeTensorsError.truncated("header length") }
        let headerLength = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(bytes.count - 8), headerLength <= 100_000_000 else {
            throw SafeTensorsError.truncated("header of \(headerLength) bytes")
        }
        let header = Array(UnsafeRawBufferPointer(start: base + 8, count: Int(headerLength)))
        let json: JSON
        do { json = try JSON.parse(header) } catch { throw SafeTensorsError.badHeader("\(error)") }
        guard let entries = json.objectValue else { throw SafeTensorsError.badHeader("not a JSON object") }
        let dataStart = 8 + Int(headerLength)
        let dataSize = bytes.count - dataStart
        var tensors: [String: Tensor] = [:]
        var order: [String] = []
        var metadata: [(String, String)] = []
        for (name, entry) in entries {
            if name == "__metadata__" {
                for (k, v) in entry.objectValue ?? [] { metadata.append((k, v.stringValue ?? v.serialized)) }
                continue
            }
            guard let dtype = entry["dtype"]?.stringValue,
                  let shapeJSON = entry["shape"]?.arrayValue,
                  let offsets = entry["data_offsets"]?.arrayValue, offsets.count == 2,
                  let begin = offsets[0].intValue, let end = offsets[1].intValue else {
                throw SafeTensorsError.badHeader("tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            var shape: [Int] = []
            var count = 1
            for d in shapeJSON {
                guard let v = d.intValue, v >= 0, v < (1 << 31) else { throw SafeTensorsError.badHeader("tensor '\(name)' has a bad shape") }
                shape.append(v)
                let (c, o) = count.multipliedReportingOverflow(by: v)
                guard !o, c < (1 << 34) else { throw SafeTensorsError.badHeader("tensor '\(name)' is too large") }
                count = c
            }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F16", "BF16": width = 2
            default: throw SafeTensorsError.unsupportedDType(name: name, dtype: dtype)
            }
            guard begin >= 0, end >= begin, end <= dataSize, end - begin == count * width else {
                throw SafeTensorsError.badHeader("tensor '\(name)' data_offsets [\(begin), \(end)] do not fit \(count) \(dtype) values in \(dataSize) bytes")
            }
            let src = base + dataStart + begin
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                switch dtype {
                case "F32": values[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                case "F16": values[i] = Float(Float16(bitPattern: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                default: values[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                }
            }
            guard tensors.updateValue(Tensor(shape: shape, values: values), forKey: name) == nil else {
                throw SafeTensorsError.badHeader("tensor '\(name)' appears twice")
            }
            order.append(name)
        }
        self.tensors = tensors
        self.order = order
        self.metadata = metadata
    }

    /// The file's bytes, every tensor stored as F32, in `order`.
    public func serialized() -> [UInt8] {
        var header: [(String, JSON)] = []
        if !metadata.isEmpty {
            header.append(("__metadata__", .object(metadata.map { ($0.0, .string($0.1)) })))
        }
        var offset = 0
        for name in order {
            guard let t = tensors[name] else { continue }
            let size = t.values.count * 4
            header.append((name, .object([("dtype", .string("F32")),
                                          ("shape", .array(t.shape.map { .number(Double($0)) })),
                                          ("data_offsets", .array([.number(Double(offset)), .number(Double(offset + size))]))])))
            offset += size
        }
        var text = Array(JSON.object(header).serialized.utf8)
        while (text.count + 8) % 8 != 0 { text.append(0x20) }  // keep the data 8-byte aligned
        var out: [UInt8] = []
        out.reserveCapacity(8 + text.count + offset)
        withUnsafeBytes(of: UInt64(text.count).littleEndian) { out += $0 }
        out += text
        for name in order {
            guard let t = tensors[name] else { continue }
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
        }
        return out
    }

    public func write(to path: String) throws {
        try writeFile(serialized(), to: path)
    }
}

public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case truncated(String)
    case badHeader(String)
    case unsupportedDType(name: String, dtype: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .truncated(what): return "truncated safetensors file: \(what)"
        case let .badHeader(what): return "corrupt safetensors header: \(what)"
        case let .unsupportedDType(n, d): return "safetensors tensor '\(n)' has dtype \(d) (supported: F32, F16, BF16)"
        case let .io(p, r): return "cannot write '\(p)': \(r)"
        }
    }
}
