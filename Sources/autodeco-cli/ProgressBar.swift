import Foundation

/// A one-line progress bar on standard error: bar, count, rate-based ETA and a detail text.
/// On a terminal it redraws in place; into a log file or pipe it writes a plain line every
/// 30 seconds instead, so logs stay readable.
final class ProgressBar {
    let total: Int
    let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0

    init(total: Int, unit: String) { self.total = max(total, 1); self.unit = unit }

    func update(_ done: Int, detail: String) {
        let now = Date()
        // Redraw at most ten times a second: stderr may be a slow terminal.
        guard now.timeIntervalSince(lastDraw) > (interactive ? 0.1 : 30) || done >= total else { return }
        lastDraw = now
        let fraction = min(Double(done) / Double(total), 1)
        let width = 24, filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "[%@] %d/%d %@  ETA %@  %@", bar, done, total, unit, ProgressBar.clock(eta), detail)
        printErrorInline(interactive ? "\r" + line + "\u{1B}[K" : line + "\n")
    }

    /// A line of its own between redraws (the bar comes back at the next update).
    func note(_ text: String) { printErrorInline(interactive ? "\r" + text + "\u{1B}[K\n" : text + "\n") }

    func finish() { if interactive { printErrorInline("\n") } }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

func printErrorInline(_ text: String) {
    FileHandle.standardError.write(text.data(using: .utf8) ?? Data())
}
