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
    private enum Ownership { case mapped, allocated, borrowed }
    private let ownership: Ownership

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
        ownership = .mapped
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
        ownership = .allocated
    }

    /// Uses `bytes` in place; the caller keeps them alive and unchanged while this object
    /// lives. For tests that parse many variants of one large buffer.
    init(borrowing bytes: UnsafeRawBufferPointer) throws {
        guard let start = bytes.baseAddress, bytes.count > 0 else { throw GGUFError.tooSmall(size: 0) }
        base = start
        count = bytes.count
        ownership = .borrowed
    }

    deinit {
        switch ownership {
        case .mapped: munmap(UnsafeMutableRawPointer(mutating: base), count)
        case .allocated: free(UnsafeMutableRawPointer(mutating: base))
        case .borrowed: break
        }
    }

    static func errnoText() -> String {
        guard let s = strerror(errno) else { return "error \(errno)" }
        return String(cString: s)
    }
}
