// Loads the kernel fixtures written by scripts/fixtures/make_kernel_fixtures.py.
import Foundation
@testable import AutoDeco

struct KernelFixtures {
    let rows: Int
    let cols: Int
    let types: [String]
    let rmsEps: Float
    let ropes: [[String: Any]]
    private let data: Data
    private let arrays: [String: [String: Any]]

    static let shared: KernelFixtures? = try? KernelFixtures()

    init() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/kernels")
        data = try Data(contentsOf: dir.appendingPathComponent("kernels.bin"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("kernels.json")))
        guard let index = json as? [String: Any], let arrays = index["arrays"] as? [String: [String: Any]] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        self.arrays = arrays
        rows = index["rows"] as? Int ?? 0
        cols = index["cols"] as? Int ?? 0
        types = index["types"] as? [String] ?? []
        rmsEps = Float(index["rms_eps"] as? Double ?? 0)
        ropes = index["ropes"] as? [[String: Any]] ?? []
    }

    func bytes(_ name: String) -> [UInt8] { load(name, as: UInt8.self) }
    func floats(_ name: String) -> [Float] { load(name, as: Float.self) }
    func doubles(_ name: String) -> [Double] { load(name, as: Double.self) }
    func int8s(_ name: String) -> [Int8] { load(name, as: Int8.self) }

    private func load<T>(_ name: String, as: T.Type) -> [T] {
        guard let entry = arrays[name], let offset = entry["offset"] as? Int, let count = entry["count"] as? Int else {
            return []
        }
        return data.withUnsafeBytes { raw in
            (0..<count).map { raw.loadUnaligned(fromByteOffset: offset + $0 * MemoryLayout<T>.stride, as: T.self) }
        }
    }
}

/// GGMLType from a fixture type name ("Q4_K").
func ggmlType(named name: String) -> GGMLType? { GGMLType.allCases.first { $0.name == name } }

/// Runs `body` once per kernel level this CPU supports, restoring the level afterwards.
func forEachKernelLevel(_ body: (KernelLevel) throws -> Void) rethrows {
    let saved = KernelLevel.current
    defer { KernelLevel.current = saved }
    for level in KernelLevel.allCases where level.rawValue <= KernelLevel.detected.rawValue {
        KernelLevel.current = level
        try body(level)
    }
}
