// swift-tools-version:6.0
import PackageDescription

// Release builds keep Swift's safety checks (a failed check must never be memory corruption in
// a host process); hot loops use unsafe pointers, validated at the boundary, instead.
let engineFlags: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "autodeco",
    products: [
        // libautodeco.so: the engine plus its C ABI.
        .library(name: "autodeco", type: .dynamic, targets: ["CAutoDeco"]),
        .executable(name: "autodeco-cli", targets: ["autodeco-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // Innermost SIMD loops in C, each with a run-time CPU dispatch (see ckernels.h).
        .target(name: "CKernels",
                cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"], .when(configuration: .release))]),
        .target(name: "AutoDeco", dependencies: ["CBLAS", "CKernels"], swiftSettings: engineFlags),
        .systemLibrary(name: "AutoDecoHeader"),
        .target(name: "CAutoDeco", dependencies: ["AutoDeco", "AutoDecoHeader"], swiftSettings: engineFlags,
                // The Swift runtime goes inside libautodeco.so: hosts need only libc, libstdc++, OpenBLAS.
                linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "-soname=libautodeco.so"])]),
        .executableTarget(name: "autodeco-cli",
                          dependencies: ["AutoDeco", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: engineFlags),
        .testTarget(name: "AutoDecoTests", dependencies: ["AutoDeco"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
