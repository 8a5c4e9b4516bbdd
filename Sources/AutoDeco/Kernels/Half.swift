/// IEEE half-precision conversion. Swift's `Float(Float16)` is a library call per value on a
/// baseline x86-64 build, so conversions go through the C kernels (F16C when available).
import CKernels

public enum Half {
    /// The float value of the half with bit pattern `bits` (exact).
    @inlinable public static func toFloat(_ bits: UInt16) -> Float { ck_fp16_to_fp32(bits) }
    /// The nearest half (ties to even), as numpy's `astype(float16)`.
    @inlinable public static func fromFloat(_ value: Float) -> UInt16 { ck_fp32_to_fp16(value) }
    /// dst[i] = float(src[i]) for i in 0..<count.
    @inlinable public static func toFloat(_ src: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        ck_fp16_to_fp32_row(src, dst, Int64(count))
    }
    /// dst[i] = half(src[i]) for i in 0..<count.
    @inlinable public static func fromFloat(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int) {
        ck_fp32_to_fp16_row(src, dst, Int64(count))
    }
}
