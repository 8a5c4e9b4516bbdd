/// A parsed GGUF file: metadata, tensor directory and zero-copy access to tensor data.
///
/// Layout (little-endian): magic "GGUF", u32 version, n_tensors, n_kv, the key/value pairs,
/// the tensor infos (name, n_dims, dims, type, offset), padding to `general.alignment`, then
/// the tensor data. Versions 2 and 3 use 64-bit counts. Everything read from the file is
/// checked against the file size before use.
public final class GGUFFile: @unchecked Sendable {
    public let bytes: MappedBytes
    public let version: UInt32
    /// Keys in file order (for display) and their values.
    public let keys: [String]
    public let metadata: [String: GGUFValue]
    public let tensors: [GGUFTensorInfo]
    public let tensorIndex: [String: Int]
    public let alignment: Int
    /// Absolute offset of the tensor data section.
    public let dataOffset: Int

    public static let magic: UInt32 = 0x4655_4747   // "GGUF" read as little-endian u32

    /// Opens `path` mapped read-only (zero-copy), or read into private memory with
    /// `copyToMemory` (immune to the file changing afterwards; see MappedBytes).
    public convenience init(path: String, copyToMemory: Bool = false) throws {
        try self.init(bytes: copyToMemory ? MappedBytes(readingFile: path) : MappedBytes(path: path))
    }

    public init(bytes: MappedBytes) throws {
        self.bytes = bytes
        var r = ByteReader(base: bytes.base, size: bytes.count)
        guard bytes.count >= 24 else { throw GGUFError.tooSmall(size: bytes.count) }
        let magic = try r.read(UInt32.self, "magic")
        guard magic == GGUFFile.magic else { throw GGUFError.badMagic(found: magic) }
        version = try r.read(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(version) }

        // Minimal encodings: a tensor info is at least 8 (name) + 4 + 8 + 4 + 8 bytes, a KV 8 + 4 + 1.
        let tensorCount = try r.readCount(wide: true, minimumItemBytes: 32, "tensor count")
        let kvCount = try r.readCount(wide: true, minimumItemBytes: 13, "metadata count")

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        keys.reserveCapacity(kvCount)
        for i in 0..<kvCount {
            let key = try r.readString(wide: true, "key #\(i)")
            let rawType = try r.read(UInt32.self, "type of '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw GGUFError.unknownValueType(key: key, type: rawType)
            }
            let value = try GGUFFile.readValue(&r, type: type, key: key)
            guard metadata.updateValue(value, forKey: key) == nil else { throw GGUFError.duplicateKey(key) }
            keys.append(key)
        }
        self.keys = keys
        self.metadata = metadata

        var alignment = 32
        if let a = metadata["general.alignment"] {
            guard let v = a.intValue, v > 0, v <= 65536, v & (v - 1) == 0 else {
                throw GGUFError.badAlignment(UInt64(clamping: a.intValue ?? 0))
            }
            alignment = v
        }
        self.alignment = alignment

        var infos: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        infos.reserveCapacity(tensorCount)
        for i in 0..<tensorCount {
            let name = try r.readString(wide: true, "name of tensor #\(i)")
            let nDims = try r.read(UInt32.self, "dimension count of '\(name)'")
            guard nDims >= 1, nDims <= 4 else { throw GGUFError.tooManyDimensions(tensor: name, dims: nDims) }
            var dims: [Int] = []
            var elements = 1
            for d in 0..<Int(nDims) {
                let raw = try r.read(UInt64.self, "dimension \(d) of '\(name)'")
                // No real dimension comes near 2^31; refusing larger ones keeps products in range.
                guard raw >= 1, raw < (1 << 31) else { throw GGUFError.badDimension(tensor: name, dim: d, value: raw) }
                dims.append(Int(raw))
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(raw))
                guard !overflow, product < (1 << 40) else {
                    throw GGUFError.badDimension(tensor: name, dim: d, value: raw)
                }
                elements = product
            }
            let rawType = try r.read(UInt32.self, "type of '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw GGUFError.unknownTensorType(tensor: name, type: rawType)
            }
            guard let rowBytes = type.rowBytes(dims[0]) else {
                throw GGUFError.notWholeBlocks(tensor: name, type: type.name, elements: dims[0])
            }
            let offset = try r.read(UInt64.self, "offset of '\(name)'")
            guard offset % UInt64(alignment) == 0 else {
                throw GGUFError.tensorMisaligned(tensor: name, offset: offset, alignment: alignment)
            }
            let info = GGUFTensorInfo(name: name, dims: dims, type: type,
                                      relativeOffset: offset, byteCount: rowBytes * (elements / dims[0]))
            guard index.updateValue(infos.count, forKey: name) == nil else { throw GGUFError.duplicateTensor(name) }
            infos.append(info)
        }

        // The data section starts at the next multiple of the alignment (files that end right
        // after the directory, with no tensors, may omit the padding).
        let unaligned = r.offset
        let aligned = (unaligned + alignment - 1) / alignment * alignment
        dataOffset = tensorCount == 0 ? min(aligned, bytes.count) : aligned
        for info in infos {
            let end = UInt64(dataOffset) &+ info.relativeOffset &+ UInt64(info.byteCount)
            guard info.relativeOffset <= UInt64(Int.max / 2), end <= UInt64(bytes.count) else {
                throw GGUFError.tensorOutOfBounds(tensor: info.name, end: end, fileSize: bytes.count)
            }
        }
        if tensorCount > 0 { try r.skip(to: dataOffset, "padding before tensor data") }
        tensors = infos
        tensorIndex = index
    }

    private static func readValue(_ r: inout ByteReader, type: GGUFValueType, key: String) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint(UInt64(try r.read(UInt8.self, key)))
        case .int8: return .int(Int64(try r.read(Int8.self, key)))
        case .uint16: return .uint(UInt64(try r.read(UInt16.self, key)))
        case .int16: return .int(Int64(try r.read(Int16.self, key)))
        case .uint32: return .uint(UInt64(try r.read(UInt32.self, key)))
        case .int32: return .int(Int64(try r.read(Int32.self, key)))
        case .uint64: return .uint(try r.read(UInt64.self, key))
        case .int64: return .int(try r.read(Int64.self, key))
        case .float32: return .float(Double(try r.readFloat(key)))
        case .float64: return .float(try r.readDouble(key))
        case .bool: return .bool(try r.read(UInt8.self, key) != 0)
        case .string: return .string(try r.readString(wide: true, key))
        case .array:
            let rawType = try r.read(UInt32.self, "element type of '\(key)'")
            guard let elementType = GGUFValueType(rawValue: rawType) else {
                throw GGUFError.unknownValueType(key: key, type: rawType)
            }
            guard elementType != .array else { throw GGUFError.nestedArray(key: key) }
            let n = try r.readCount(wide: true, minimumItemBytes: elementType.minimumBytes, "length of '\(key)'")
            var values: [GGUFValue] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try readValue(&r, type: elementType, key: key)) }
            return .array(elementType: elementType, values: values)
        }
    }

    // MARK: - Tensor access

    public func tensor(named name: String) -> GGUFTensorInfo? {
        guard let i = tensorIndex[name] else { return nil }
        return tensors[i]
    }

    /// The tensor's bytes; valid as long as this file object lives.
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawPointer {
        bytes.base + dataOffset + Int(tensor.relativeOffset)
    }

    // MARK: - Typed metadata access

    public func value(_ key: String) -> GGUFValue? { metadata[key] }

    public func string(_ key: String) throws -> String {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard let s = v.stringValue else { throw GGUFError.wrongKeyType(key: key, expected: "a string") }
        return s
    }

    public func int(_ key: String) throws -> Int {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard let i = v.intValue else { throw GGUFError.wrongKeyType(key: key, expected: "an integer") }
        return i
    }

    public func double(_ key: String) throws -> Double {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard let d = v.doubleValue else { throw GGUFError.wrongKeyType(key: key, expected: "a number") }
        return d
    }

    public func bool(_ key: String) throws -> Bool {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard let b = v.boolValue else { throw GGUFError.wrongKeyType(key: key, expected: "a boolean") }
        return b
    }

    public func stringArray(_ key: String) throws -> [String] {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard case let .array(.string, values) = v else {
            throw GGUFError.wrongKeyType(key: key, expected: "an array of strings")
        }
        return values.map { $0.stringValue ?? "" }
    }

    public func intArray(_ key: String) throws -> [Int] {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard let values = v.arrayValue else { throw GGUFError.wrongKeyType(key: key, expected: "an array of integers") }
        var out: [Int] = []
        out.reserveCapacity(values.count)
        for x in values {
            guard let i = x.intValue else { throw GGUFError.wrongKeyType(key: key, expected: "an array of integers") }
            out.append(i)
        }
        return out
    }
}

/// One entry of the tensor directory. `dims[0]` is the innermost (contiguous) dimension, so a
/// weight matrix of `dims = [cols, rows]` is stored row by row.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    public let dims: [Int]
    public let type: GGMLType
    public let relativeOffset: UInt64
    public let byteCount: Int

    public var elementCount: Int { dims.reduce(1, *) }
    public var rows: Int { elementCount / dims[0] }
    public var columns: Int { dims[0] }
}
