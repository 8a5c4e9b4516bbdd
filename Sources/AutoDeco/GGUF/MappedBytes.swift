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
        let (fd, size) = try MappedBytes.openRegularFile(path)
        defer { close(fd) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: "mmap failed: " + MappedBytes.errnoText())
        }
        base = UnsafeRawPointer(p)
        count = size
        ownership = .mapped
    }

    /// Reads the whole file at `path` into a private, 64-byte aligned buffer: nothing refers to
    /// the file afterwards, so truncating or rewriting it cannot fault this process (a mapped
    /// file that shrinks under its mapping raises SIGBUS on the next read of a lost page). Costs
    /// the file's size in private memory and a read of it at load time.
    public init(readingFile path: String) throws {
        let (fd, size) = try MappedBytes.openRegularFile(path)
        defer { close(fd) }
        var p: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&p, 64, size) == 0, let dst = p else {
            throw GGUFError.cannotOpen(path: path, reason: "out of memory for a \(size)-byte copy of the file")
        }
        var done = 0
        while done < size {
            let n = pread(fd, dst + done, size - done, off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let why = n == 0 ? "the file shrank while it was read" : "read failed: " + MappedBytes.errnoText()
                free(dst)
                throw GGUFError.cannotOpen(path: path, reason: why)
            }
            done += n
        }
        base = UnsafeRawPointer(dst)
        count = size
        ownership = .allocated
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

    /// Opens `path` read-only; it must be a non-empty regular file. The caller closes the descriptor.
    private static func openRegularFile(_ path: String) throws -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GGUFError.cannotOpen(path: path, reason: errnoText()) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let why = errnoText()
            close(fd)
            throw GGUFError.cannotOpen(path: path, reason: why)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw GGUFError.cannotOpen(path: path, reason: "not a regular file")
        }
        guard st.st_size > 0 else {
            close(fd)
            throw GGUFError.tooSmall(size: 0)
        }
        return (fd, Int(st.st_size))
    }

    static func errnoText() -> String {
        guard let s = strerror(errno) else { return "error \(errno)" }
        return String(cString: s)
    }
}
