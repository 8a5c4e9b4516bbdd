#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AutoDeco
import AutoDecoHeader

/// The thread-local message behind `autodeco_last_error()`: a malloc'd C string per thread,
/// replaced by each failing call and freed when the thread exits.
enum LastError {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { p in free(p) }
        return k
    }()

    static func set(_ message: String) {
        let old = pthread_getspecific(key)
        let copy = strdup(message)
        pthread_setspecific(key, copy)
        free(old)
    }

    static func clear() { set("") }

    static var current: UnsafePointer<CChar>? {
        guard let p = pthread_getspecific(key) else { return nil }
        return UnsafePointer(p.assumingMemoryBound(to: CChar.self))
    }
}

/// Runs one ABI call: maps any thrown error to a status code, records its message as the
/// thread's last error (a successful call leaves the previous message, as the header says:
/// "the last failed call") and sends it to the log callback at ERROR level. Every exported
/// function that can fail goes through here.
@inline(__always)
func guarded(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return Status.ok.rawValue
    } catch {
        let s = status(for: error)
        let message = String(describing: error)
        LastError.set(message)
        Log.write(Int32(AUTODECO_LOG_ERROR.rawValue), "\(s.text): \(message)")
        return s.rawValue
    }
}

/// Reads a caller's C string, rejecting NULL and invalid UTF-8 with a message naming the parameter.
func cString(_ p: UnsafePointer<CChar>?, _ name: String) throws -> String {
    guard let p else { throw ABIError.invalid("\(name) is NULL") }
    guard let s = String(validatingCString: p) else {
        throw ABIError(status: .invalidUTF8, message: "\(name) is not valid UTF-8")
    }
    return s
}
