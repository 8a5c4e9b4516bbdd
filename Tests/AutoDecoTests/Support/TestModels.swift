import Foundation
import XCTest

/// Paths of the real models (fetched by scripts/fetch-models). A missing model is a test
/// failure with instructions, never a silent skip.
enum TestModels {
    static var directory: String {
        ProcessInfo.processInfo.environment["AUTODECO_MODELS"]
            ?? (NSHomeDirectory() + "/.cache/autodeco/models")
    }
    static var smollm2: String { directory + "/SmolLM2-135M-Instruct.Q4_1.gguf" }
    static var qwen: String { directory + "/qwen2.5-coder-0.5b-instruct.gguf" }

    static func require(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("model missing: \(path) — run scripts/fetch-models", file: file, line: line)
            throw XCTSkip("model missing")
        }
        return path
    }
}

/// The repository's root, found from this source file's location.
enum Repo {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }
    static func fixture(_ relative: String) -> URL {
        root.appendingPathComponent("Tests/AutoDecoTests/Fixtures").appendingPathComponent(relative)
    }
}
