import Foundation
@testable import AutoDeco

/// Writes small GGUF files for tests (synthetic models, hostile variants).
struct GGUFWriter {
    enum Value {
        case u32(UInt32), i32(Int32), f32(Float), bool(Bool), string(String), u64(UInt64)
        case strings([String]), i32s([Int32]), f32s([Float])
    }

    var version: UInt32 = 3
    var alignment = 32
    var metadata: [(String, Value)] = []
    var tensors: [(name: String, dims: [Int], type: GGMLType, data: [UInt8])] = []

    private static func str(_ s: String, into out: inout [UInt8]) {
        let u = Array(s.utf8)
        le(UInt64(u.count), into: &out)
        out += u
    }

    private static func le<T: FixedWidthInteger>(_ v: T, into out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        GGUFWriter.le(UInt32(0x4655_4747), into: &out)
        GGUFWriter.le(version, into: &out)
        GGUFWriter.le(UInt64(tensors.count), into: &out)
        GGUFWriter.le(UInt64(metadata.count), into: &out)
        for (key, value) in metadata {
            GGUFWriter.str(key, into: &out)
            switch value {
            case let .u32(v): GGUFWriter.le(UInt32(4), into: &out); GGUFWriter.le(v, into: &out)
            case let .i32(v): GGUFWriter.le(UInt32(5), into: &out); GGUFWriter.le(v, into: &out)
            case let .f32(v): GGUFWriter.le(UInt32(6), into: &out); GGUFWriter.le(v.bitPattern, into: &out)
            case let .bool(v): GGUFWriter.le(UInt32(7), into: &out); out.append(v ? 1 : 0)
            case let .string(v): GGUFWriter.le(UInt32(8), into: &out); GGUFWriter.str(v, into: &out)
            case let .u64(v): GGUFWriter.le(UInt32(10), into: &out); GGUFWriter.le(v, into: &out)
            case let .strings(vs):
                GGUFWriter.le(UInt32(9), into: &out); GGUFWriter.le(UInt32(8), into: &out)
                GGUFWriter.le(UInt64(vs.count), into: &out)
                for v in vs { GGUFWriter.str(v, into: &out) }
            case let .i32s(vs):
                GGUFWriter.le(UInt32(9), into: &out); GGUFWriter.le(UInt32(5), into: &out)
                GGUFWriter.le(UInt64(vs.count), into: &out)
                for v in vs { GGUFWriter.le(v, into: &out) }
            case let .f32s(vs):
                GGUFWriter.le(UInt32(9), into: &out); GGUFWriter.le(UInt32(6), into: &out)
                GGUFWriter.le(UInt64(vs.count), into: &out)
                for v in vs { GGUFWriter.le(v.bitPattern, into: &out) }
            }
        }
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset += (t.data.count + alignment - 1) / alignment * alignment
        }
        for (i, t) in tensors.enumerated() {
            GGUFWriter.str(t.name, into: &out)
            GGUFWriter.le(UInt32(t.dims.count), into: &out)
            for d in t.dims { GGUFWriter.le(UInt64(d), into: &out) }
            GGUFWriter.le(t.type.rawValue, into: &out)
            GGUFWriter.le(UInt64(offsets[i]), into: &out)
        }
        while out.count % alignment != 0 { out.append(0) }
        for t in tensors {
            out += t.data
            while out.count % alignment != 0 { out.append(0) }
        }
        return out
    }
}

extension GGUFFile {
    /// Parses bytes held in memory (copied), as the memory-buffer loader does.
    static func parse(_ bytes: [UInt8]) throws -> GGUFFile {
        try bytes.withUnsafeBytes { try GGUFFile(bytes: MappedBytes(copying: $0)) }
    }

    /// Parses `bytes` in place (no copy); the result must not outlive the call's use.
    static func parseInPlace(_ bytes: UnsafeRawBufferPointer) throws -> GGUFFile {
        try GGUFFile(bytes: try MappedBytes(borrowing: bytes))
    }
}
