/// The library's version; `include/autodeco.h` repeats it as AUTODECO_VERSION_*.
public enum AutoDecoVersion {
    public static let major = 0
    public static let minor = 1
    public static let patch = 0
    public static var number: Int { major * 10_000 + minor * 100 + patch }
    public static var string: String { "\(major).\(minor).\(patch)" }
    /// Bumped whenever the C ABI changes incompatibly.
    public static let apiVersion = 3
}
