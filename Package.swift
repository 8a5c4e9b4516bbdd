// swift-tools-version:6.0
import PackageDescription

// Release builds are tuned for speed: the engine is checked explicitly at every boundary
// where caller or file data enters, so hot loops can run without bounds checks.
let engineFlags: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "autodeco",
    products: [
        // libautodeco.so: the engine plus its C ABI.
        .library(name: "autodeco", type: .dynamic, targets: ["CAutoDeco"]),
        .executable(name: "autodeco-cli", targets: ["autodeco-cli"]),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "AutoDeco", dependencies: ["CBLAS"], swiftSettings: engineFlags),
        .target(name: "CAutoDeco", dependencies: ["AutoDeco"], swiftSettings: engineFlags),
        .executableTarget(name: "autodeco-cli", dependencies: ["AutoDeco"], swiftSettings: engineFlags),
        .testTarget(name: "AutoDecoTests", dependencies: ["AutoDeco"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
