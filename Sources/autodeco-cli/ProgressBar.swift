import Foundation

/// A one-line progress bar on standard error: bar, count, rate-based ETA and a detail text.
final class ProgressBar {
    let total: Int
    let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast

    init(total: Int, unit: String) { self.total = max(total, 1); self.unit = unit }

    func update(_ done: Int, detail: String) {
        let now = Date()
        // Redraw at most ten times a second: stderr may be a slow terminal or a log file.
        guard now.timeIntervalSince(lastDraw) > 0.1 || done >= total else { return }
        lastDraw = now
        let fraction = min(Double(done) / Double(total), 1)
        let width = 24, filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        printErrorInline(String(format: "\r[%@] %d/%d %@  ETA %@  %@\u{1B}[K", bar, done, total, unit, ProgressBar.clock(eta), detail))
    }

    func finish() { printErrorInline("\n") }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

func printErrorInline(_ text: String) {
    FileHandle.standardError.write(text.data(using: .utf8) ?? Data())
}
