#if canImport(Glibc)
import Glibc
#endif

/// Whole-file reads and writes of small files (heads' config.json, safetensors checkpoints,
/// /proc/self/maps), with C stdio: the engine does without Foundation.

/// The bytes of `path`, or nil when it cannot be read or holds more than `limit` bytes. Reads
/// until end of file, so it also works for /proc files whose stat size is 0.
func readSmallFile(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count <= limit {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4096, f) }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes.count <= limit ? bytes : nil
}

/// Writes `bytes` to `path`, replacing it.
func writeFile(_ bytes: [UInt8], to path: String) throws {
    guard let f = fopen(path, "wb") else { throw SafeTensorsError.io(path: path, reason: MappedBytes.errnoText()) }
    defer { fclose(f) }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    guard written == bytes.count else { throw SafeTensorsError.io(path: path, reason: "short write") }
}
