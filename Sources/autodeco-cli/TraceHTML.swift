import Foundation

/// Renders traces as one self-contained HTML page: no scripts, no external resources. Each
/// token is coloured by its temperature (blue = cold, red = hot) with its top-p as a band
/// underneath; hovering shows the values; an inline SVG plots T and p over the tokens.
enum TraceHTML {
    static func page(_ traces: [TraceDocument], title: String) -> String {
        var body = ""
        for t in traces { body += section(t) }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
        .runs{display:flex;gap:24px;flex-wrap:wrap}.run{flex:1;min-width:420px;background:#fff;border:1px solid #ddd;border-radius:8px;padding:16px}
        .text{font-family:ui-monospace,monospace;white-space:pre-wrap;line-height:2.1;font-size:14px}
        .tok{border-radius:3px;padding:1px 0;border-bottom:4px solid transparent}
        table{border-collapse:collapse;font-size:13px}td,th{padding:2px 10px;text-align:right}th{text-align:left}
        .legend{font-size:12px;color:#555}.meta{font-size:12px;color:#666;word-break:break-all}
        </style></head><body>
        <h1>\(escape(title))</h1>
        <p class="legend">Token background: temperature (blue 0 → white 1 → red 2). Band under each token: top-p (light = low, dark green = 1). Hover a token for its values.</p>
        <div class="runs">\(body)</div>
        </body></html>
        """
    }

    static func section(_ t: TraceDocument) -> String {
        var spans = ""
        for tok in t.tokens {
            let tip = String(format: "#%d id %d  T=%.3f  p=%.3f  prob=%.3f", tok.index, tok.id, tok.temperature, tok.topP, tok.probability)
                + (tok.entropy.map { String(format: "  entropy=%.3f", $0) } ?? "")
            spans += "<span class=\"tok\" style=\"background:\(temperatureColor(tok.temperature));border-bottom-color:\(topPColor(tok.topP))\" title=\"\(escape(tip))\">\(escape(tok.text))</span>"
        }
        let s = t.summary
        let rows = [
            ("tokens", "\(s.count)", "", ""),
            ("temperature", f(s.meanT), f(s.minT), f(s.maxT)),
            ("top-p", f(s.meanP), f(s.minP), f(s.maxP)),
            ("chosen token probability", f(s.meanProbability), "", ""),
            ("entropy (nats)", s.meanEntropy.map(f) ?? "–", "", ""),
        ].map { "<tr><th>\($0.0)</th><td>\($0.1)</td><td>\($0.2)</td><td>\($0.3)</td></tr>" }.joined()
        return """
        <div class="run">
        <h2>\(escape(t.instruction ?? "Generation"))</h2>
        <p class="meta">model \(escape(t.model))\(t.heads.map { " · heads " + escape($0) } ?? "") · \(escape(t.sampler)) · stop: \(escape(t.stopReason))</p>
        <p class="meta">prompt: \(escape(t.prompt))</p>
        <div class="text">\(spans)</div>
        <h3>Temperature and top-p per token</h3>
        \(plot(t))
        <h3>Summary</h3>
        <table><tr><th></th><th>mean</th><th>min</th><th>max</th></tr>\(rows)</table>
        </div>
        """
    }

    /// An SVG line plot of T (red) and p (green) against the token index; y from 0 to 2.
    static func plot(_ t: TraceDocument) -> String {
        let w = 640.0, h = 220.0, left = 36.0, bottom = 24.0, top = 10.0
        let n = max(t.tokens.count - 1, 1)
        func x(_ i: Int) -> Double { left + (w - left - 10) * Double(i) / Double(n) }
        func y(_ v: Float) -> Double { top + (h - top - bottom) * (1 - Double(min(max(v, 0), 2)) / 2) }
        func line(_ values: [Float], _ color: String) -> String {
            let pts = values.enumerated().map { String(format: "%.1f,%.1f", x($0.offset), y($0.element)) }.joined(separator: " ")
            return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" points=\"\(pts)\"/>"
        }
        var grid = ""
        for v in [0.0, 0.5, 1.0, 1.5, 2.0] {
            let yy = y(Float(v))
            grid += String(format: "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"4\" y=\"%.1f\" font-size=\"10\">%.1f</text>", left, w - 10, yy, yy, yy + 3, v)
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" viewBox="0 0 \(Int(w)) \(Int(h))" role="img" aria-label="temperature and top-p per token">
        \(grid)
        \(line(t.tokens.map(\.temperature), "#d62728"))
        \(line(t.tokens.map(\.topP), "#2ca02c"))
        <text x="\(Int(left) + 4)" y="\(Int(h) - 6)" font-size="11" fill="#d62728">temperature</text>
        <text x="\(Int(left) + 90)" y="\(Int(h) - 6)" font-size="11" fill="#2ca02c">top-p</text>
        <text x="\(Int(w) - 80)" y="\(Int(h) - 6)" font-size="11">token index →</text>
        </svg>
        """
    }

    static func f(_ v: Float) -> String { String(format: "%.3f", v) }

    /// Blue (T = 0) through white (T = 1) to red (T = 2).
    static func temperatureColor(_ t: Float) -> String {
        let v = Double(min(max(t, 0), 2))
        if v < 1 {
            let k = Int(255 * v)
            return "rgb(\(k),\(k),255)"
        }
        let k = Int(255 * (2 - v))
        return "rgb(255,\(k),\(k))"
    }

    /// Light (low p) to dark green (p = 1).
    static func topPColor(_ p: Float) -> String {
        let v = Double(min(max(p, 0), 1))
        return "rgb(\(Int(220 - 190 * v)),\(Int(240 - 110 * v)),\(Int(220 - 190 * v)))"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
