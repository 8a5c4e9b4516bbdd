#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only bytes of a model: either a file mapped with mmap (zero-copy, pages shared
/// between processes) or a private, 64-byte aligned copy of a caller's memory buffer.
public final class MappedBytes: @unchecked Sendable {
    public let base: UnsafeRawPointer
    public let count: Int
    private let isMapped: Bool

    /// Maps `path` read-only.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GGUFError.cannotOpen(path: path, reason: MappedBytes.errnoText()) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw GGUFError.cannotOpen(path: path, reason: MappedBytes.errnoText()) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError.cannotOpen(path: path, reason: "not a regular file")
        }
        let size = Int(st.st_size)
        guard size > 0 else { throw GGUFError.tooSmall(size: 0) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: "mmap failed: " + MappedBytes.errnoText())
        }
        base = UnsafeRawPointer(p)
        count = size
        isMapped = true
    }

    /// Copies `bytes` so the caller may free its buffer as soon as loading returns.
    public init(copying bytes: UnsafeRawBufferPointer) throws {
        guard let src = bytes.baseAddress, bytes.count > 0 else { throw GGUFError.tooSmall(size: 0) }
        var p: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&p, 64, bytes.count) == 0, let dst = p else {
            throw GGUFError.cannotOpen(path: "<memory>", reason: "out of memory for \(bytes.count) bytes")
        }
        dst.copyMemory(from: src, byteCount: bytes.count)
        base = UnsafeRawPointer(dst)
        count = bytes.count
        isMapped = false
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            free(UnsafeMutableRawPointer(mutating: base))
        }
    }

    static func errnoText() -> String {
        guard let s = strerror(errno) else { return "error \(errno)" }
        return String(cString: s)
    }
}
