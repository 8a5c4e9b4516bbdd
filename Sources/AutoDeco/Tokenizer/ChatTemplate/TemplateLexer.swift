/// Splits template source into text, `{{ expression }}` and `{% statement %}` chunks with
/// Jinja2's whitespace rules as transformers configures them: `trim_blocks` (drop the
/// newline after a block tag), `lstrip_blocks` (drop spaces/tabs before a block tag that
/// starts its line), `-` on either side of a tag (strip all adjacent whitespace), `+`
/// (disable lstrip/trim for that tag), and no trailing newline kept at the end.
struct TemplateLexer {
    enum Token: Equatable {
        case name(String)
        case string(String)
        case int(Int)
        case double(Double)
        case op(String)
    }

    enum Chunk {
        case text(String)
        case output([Token], line: Int)
        case statement([Token], line: Int)
    }

    static let maxTokensPerTag = 512
    private let src: [Unicode.Scalar]
    private var pos = 0
    private var line = 1

    init(_ source: String) {
        // Jinja2 normalises newlines and drops a single trailing newline.
        var s = Array(source.unicodeScalars)
        var normalized: [Unicode.Scalar] = []
        normalized.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] == "\r" {
                normalized.append("\n")
                if i + 1 < s.count && s[i + 1] == "\n" { i += 1 }
            } else {
                normalized.append(s[i])
            }
            i += 1
        }
        s = normalized
        if s.last == "\n" { s.removeLast() }
        src = s
    }

    mutating func chunks() throws -> [Chunk] {
        var out: [Chunk] = []
        var stripLeading = false   // previous tag ended with "-"
        var trimNewline = false    // previous block tag ended normally (trim_blocks)
        while pos <= src.count {
            let textStart = pos
            let tagStart = findTagStart(from: pos) ?? src.count
            var text = String(String.UnicodeScalarView(src[textStart..<tagStart]))
            var textBeginsLine = textStart == 0 || src[textStart - 1] == "\n"
            if stripLeading {
                text = String(text.drop(while: { $0.isWhitespace }))
                textBeginsLine = false
            } else if trimNewline, text.hasPrefix("\n") {
                text.removeFirst()
                textBeginsLine = true
            }
            countLines(textStart, tagStart)
            pos = tagStart
            if tagStart == src.count {
                if !text.isEmpty { out.append(.text(text)) }
                break
            }
            let kind = src[tagStart + 1]  // "{", "%" or "#"
            let marker: Unicode.Scalar? = tagStart + 2 < src.count ? src[tagStart + 2] : nil
            if marker == "-" {
                while let last = text.last, last.isWhitespace { text.removeLast() }
            } else if marker != "+" && kind != "{" {
                // lstrip_blocks: spaces/tabs between the line start and the tag go away.
                if let nl = text.lastIndex(of: "\n") {
                    let tail = text[text.index(after: nl)...]
                    if tail.allSatisfy({ $0 == " " || $0 == "\t" }) { text = String(text[...nl]) }
                } else if textBeginsLine && text.allSatisfy({ $0 == " " || $0 == "\t" }) {
                    text = ""
                }
            }
            if !text.isEmpty { out.append(.text(text)) }
            pos = tagStart + 2 + ((marker == "-" || marker == "+") ? 1 : 0)
            let tagLine = line
            var endMarker: Unicode.Scalar? = nil
            switch kind {
            case "#":
                guard let end = find("#}", from: pos) else { throw TokenizerError.templateSyntax("unclosed comment", line: tagLine) }
                if end > pos, src[end - 1] == "-" || src[end - 1] == "+" { endMarker = src[end - 1] }
                countLines(pos, end)
                pos = end + 2
            case "{":
                let tokens = try expressionTokens(closer: "}", endMarker: &endMarker)
                out.append(.output(tokens, line: tagLine))
            default:
                let tokens = try expressionTokens(closer: "%", endMarker: &endMarker)
                out.append(.statement(tokens, line: tagLine))
            }
            stripLeading = endMarker == "-"
            trimNewline = kind != "{" && endMarker != "+"
        }
        return out
    }

    private func findTagStart(from start: Int) -> Int? {
        var i = start
        while i + 1 < src.count {
            if src[i] == "{" && (src[i + 1] == "{" || src[i + 1] == "%" || src[i + 1] == "#") { return i }
            i += 1
        }
        return nil
    }

    private func find(_ s: String, from start: Int) -> Int? {
        let needle = Array(s.unicodeScalars)
        var i = start
        while i + needle.count <= src.count {
            if Array(src[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    private mutating func countLines(_ a: Int, _ b: Int) {
        var i = a
        while i < b && i < src.count { if src[i] == "\n" { line += 1 }; i += 1 }
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { pos + k < src.count ? src[pos + k] : nil }

    /// Tokens up to the closing `}}` or `%}` (outside brackets and strings).
    private mutating func expressionTokens(closer: Unicode.Scalar, endMarker: inout Unicode.Scalar?) throws -> [Token] {
        var tokens: [Token] = []
        var depth = 0
        let startLine = line
        while true {
            // Real templates use a few dozen tokens per tag; the cap bounds the depth of
            // the expression trees built from them (and so the interpreter's recursion).
            if tokens.count > Self.maxTokensPerTag {
                throw TokenizerError.templateSyntax("tag longer than \(Self.maxTokensPerTag) tokens", line: startLine)
            }
            guard let c = peek() else { throw TokenizerError.templateSyntax("unclosed tag", line: startLine) }
            if c == "\n" { line += 1; pos += 1; continue }
            if c == " " || c == "\t" { pos += 1; continue }
            if depth == 0 {
                if c == closer && peek(1) == "}" { pos += 2; return tokens }
                if (c == "-" || c == "+") && peek(1) == closer && peek(2) == "}" {
                    endMarker = c
                    pos += 3
                    return tokens
                }
            }
            if c == "'" || c == "\"" {
                tokens.append(.string(try stringLiteral(quote: c)))
            } else if c.properties.isAlphabetic || c == "_" {
                var name = ""
                while let d = peek(), d.properties.isAlphabetic || d == "_" || ("0"..."9").contains(d) {
                    name.unicodeScalars.append(d); pos += 1
                }
                tokens.append(.name(name))
            } else if ("0"..."9").contains(c) {
                tokens.append(try number())
            } else {
                let three = [peek(), peek(1)].compactMap { $0 }.map(String.init).joined()
                if ["==", "!=", "<=", ">=", "//", "**"].contains(three) {
                    tokens.append(.op(three)); pos += 2
                } else if "+-*/%~<>=()[]{}.,:|".unicodeScalars.contains(c) {
                    if c == "(" || c == "[" || c == "{" { depth += 1 }
                    if c == ")" || c == "]" || c == "}" { depth -= 1 }
                    tokens.append(.op(String(c))); pos += 1
                } else {
                    throw TokenizerError.templateSyntax("unexpected character '\(c)'", line: line)
                }
            }
        }
    }

    private mutating func number() throws -> Token {
        var text = ""
        var isFloat = false
        while let d = peek(), ("0"..."9").contains(d) || d == "_" || (d == "." && !isFloat && peek(1).map { ("0"..."9").contains($0) } == true) {
            if d == "." { isFloat = true }
            if d != "_" { text.unicodeScalars.append(d) }
            pos += 1
        }
        if isFloat, let v = Double(text) { return .double(v) }
        if let v = Int(text) { return .int(v) }
        throw TokenizerError.templateSyntax("bad number '\(text)'", line: line)
    }

    /// A quoted string with Python escapes.
    private mutating func stringLiteral(quote: Unicode.Scalar) throws -> String {
        let startLine = line
        pos += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek() else { throw TokenizerError.templateSyntax("unterminated string", line: startLine) }
            pos += 1
            if c == quote { return String(out) }
            if c == "\n" { line += 1 }
            if c != "\\" { out.append(c); continue }
            guard let e = peek() else { throw TokenizerError.templateSyntax("unterminated string", line: startLine) }
            pos += 1
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "0": out.append("\u{0}")
            case "a": out.append("\u{7}")
            case "b": out.append("\u{8}")
            case "f": out.append("\u{C}")
            case "v": out.append("\u{B}")
            case "\\", "'", "\"": out.append(e)
            case "\n": line += 1  // line continuation
            case "x", "u", "U":
                let width = e == "x" ? 2 : (e == "u" ? 4 : 8)
                var v: UInt32 = 0
                for _ in 0..<width {
                    guard let h = peek(), let d = UInt32(String(h), radix: 16) else {
                        throw TokenizerError.templateSyntax("bad \\\(e) escape", line: line)
                    }
                    v = v * 16 + d
                    pos += 1
                }
                guard let u = Unicode.Scalar(v) else { throw TokenizerError.templateSyntax("bad code point escape", line: line) }
                out.append(u)
            default:
                out.append("\\"); out.append(e)
            }
        }
    }
}
