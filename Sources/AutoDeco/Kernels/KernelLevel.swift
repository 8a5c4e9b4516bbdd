/// Which implementation of the innermost kernels runs: chosen from CPUID at first use, and
/// settable so tests can run the portable scalar code against the same references.
import CKernels

public enum KernelLevel: Int32, Sendable, CaseIterable {
    /// Portable C, any CPU.
    case scalar = 0
    /// AVX2 + FMA + F16C.
    case avx2 = 1
    /// AVX2 level with AVX512-VNNI dot products (256-bit vpdpbusd) and 512-bit statistics kernels.
    case avx512vnni = 2

    /// The best level this CPU supports.
    public static var detected: KernelLevel { KernelLevel(rawValue: ck_detect_level()) ?? .scalar }

    /// The level in use. Setting it is clamped to `detected`, so it can never select
    /// instructions the CPU lacks. Process-wide; do not change it while kernels run.
    public static var current: KernelLevel {
        get { KernelLevel(rawValue: ck_get_level()) ?? .scalar }
        set { _ = ck_set_level(newValue.rawValue) }
    }
}

/// Errors of the kernel entry points that check their arguments.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    case unsupportedType(GGMLType)
    case badShape(rows: Int, cols: Int, type: GGMLType)

    public var description: String {
        switch self {
        case .unsupportedType(let t): return "no kernel for tensor type \(t.name)"
        case .badShape(let r, let c, let t):
            return "bad shape \(r)x\(c) for \(t.name) (columns must be a positive multiple of \(t.blockSize))"
        }
    }
}
