import AutoDecoHeader
import Synchronization

/// The process-wide log sink set by `autodeco_log_set`. The library never writes to the
/// host's stdout/stderr; without a callback, messages are dropped.
enum Log {
    private struct Sink: @unchecked Sendable {
        var callback: autodeco_log_callback?
        var userData: UnsafeMutableRawPointer?
    }
    private static let sink = Mutex(Sink())

    static func set(callback: autodeco_log_callback?, userData: UnsafeMutableRawPointer?) {
        sink.withLock { $0 = Sink(callback: callback, userData: userData) }
    }

    static func write(_ level: Int32, _ message: @autoclosure () -> String) {
        let s = sink.withLock { $0 }
        guard let cb = s.callback else { return }
        message().withCString { cb(level, $0, s.userData) }
    }

    static func info(_ message: @autoclosure () -> String) { write(Int32(AUTODECO_LOG_INFO.rawValue), message()) }
    static func warn(_ message: @autoclosure () -> String) { write(Int32(AUTODECO_LOG_WARN.rawValue), message()) }
}
