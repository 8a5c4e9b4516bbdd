/// Dequantisation of one tensor row, for every ggml type the engine reads.
/// Bit-exact with gguf-py's `gguf.quants.dequantize` (tested against its output).
import CKernels

/// Whether `dequantizeRow` supports `type` (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0,
/// Q2_K, Q3_K, Q4_K, Q5_K, Q6_K).
public func canDequantize(_ type: GGMLType) -> Bool { ck_can_dequantize(type.rawValue) != 0 }

/// dst[0..<count] = the `count` values stored at `src` as `type`.
/// Preconditions (the caller validated them): `canDequantize(type)`, `count` is a multiple of
/// `type.blockSize`, `src` holds `type.rowBytes(count)` bytes. Unsupported types give zeros.
@inlinable
public func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) {
    ck_dequantize_row(type.rawValue, src, dst, Int64(count))
}
