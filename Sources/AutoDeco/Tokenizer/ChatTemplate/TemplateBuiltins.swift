/// Operators, filters, tests and methods of the Jinja subset, with Python semantics.
/// Anything not listed here is a `templateUnsupported` error, never a guess.
enum TemplateBuiltins {
    static func binary(_ op: String, _ a: TemplateValue, _ b: TemplateValue, line: Int) throws -> TemplateValue {
        func fail() -> TokenizerError {
            if case .undefined(let n) = a { return .templateRuntime("'\(n)' is undefined (operator \(op))", line: line) }
            if case .undefined(let n) = b { return .templateRuntime("'\(n)' is undefined (operator \(op))", line: line) }
            return .templateRuntime("unsupported operand types for \(op): '\(a.typeName)' and '\(b.typeName)'", line: line)
        }
        switch op {
        case "~": return .string(a.printed + b.printed)
        case "==": return .bool(a.equals(b))
        case "!=": return .bool(!a.equals(b))
        case "in":
            switch b {
            case .string(let s):
                guard case .string(let needle) = a else { throw fail() }
                return .bool(needle.isEmpty || s.contains(needle))
            case .list(let l): return .bool(l.contains { $0.equals(a) })
            case .dict(let d):
                guard case .string(let k) = a else { return .bool(false) }
                return .bool(d[k] != nil)
            case .undefined: return .bool(false)
            default: throw fail()
            }
        case "<", ">", "<=", ">=":
            let order: Int
            if case .string(let x) = a, case .string(let y) = b {
                order = x < y ? -1 : (x == y ? 0 : 1)
            } else if let x = a.numeric, let y = b.numeric {
                order = x < y ? -1 : (x == y ? 0 : 1)
            } else {
                throw fail()
            }
            switch op {
            case "<": return .bool(order < 0)
            case ">": return .bool(order > 0)
            case "<=": return .bool(order <= 0)
            default: return .bool(order >= 0)
            }
        case "+":
            switch (a, b) {
            case (.string(let x), .string(let y)): return .string(x + y)
            case (.list(let x), .list(let y)): return .list(x + y)
            default: return try arithmetic(op, a, b, fail)
            }
        case "*":
            switch (a, b) {
            case (.string(let s), .int(let n)), (.int(let n), .string(let s)):
                guard n <= 1_000_000 else { throw fail() }
                return .string(String(repeating: s, count: max(0, n)))
            default: return try arithmetic(op, a, b, fail)
            }
        default:
            return try arithmetic(op, a, b, fail)
        }
    }

    private static func arithmetic(_ op: String, _ a: TemplateValue, _ b: TemplateValue, _ fail: () -> TokenizerError) throws -> TemplateValue {
        func asInt(_ v: TemplateValue) -> Int? {
            switch v {
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            default: return nil
            }
        }
        if let x = asInt(a), let y = asInt(b), op != "/" {
            switch op {
            case "+": let r = x.addingReportingOverflow(y); if !r.overflow { return .int(r.partialValue) }
            case "-": let r = x.subtractingReportingOverflow(y); if !r.overflow { return .int(r.partialValue) }
            case "*": let r = x.multipliedReportingOverflow(by: y); if !r.overflow { return .int(r.partialValue) }
            case "//", "%":
                guard y != 0, !(x == Int.min && y == -1) else { throw fail() }
                var q = x / y, r = x % y
                if r != 0 && ((r < 0) != (y < 0)) { q -= 1; r += y }  // Python floors
                return .int(op == "//" ? q : r)
            case "**":
                guard y >= 0 else { break }
                var result = 1
                for _ in 0..<min(y, 64) {
                    let m = result.multipliedReportingOverflow(by: x)
                    if m.overflow { throw fail() }
                    result = m.partialValue
                }
                if y <= 64 || x == 0 || x == 1 { return .int(result) }
                throw fail()
            default: break
            }
        }
        guard let x = a.numeric, let y = b.numeric else { throw fail() }
        switch op {
        case "+": return .double(x + y)
        case "-": return .double(x - y)
        case "*": return .double(x * y)
        case "/": guard y != 0 else { throw fail() }; return .double(x / y)
        case "//": guard y != 0 else { throw fail() }; return .double(floor(x / y))
        case "%": guard y != 0 else { throw fail() }; return .double(x - y * floor(x / y))
        case "**": return .double(pow(x, y))
        default: throw fail()
        }
    }

    /// floor() without libm (the engine library links no math library of its own).
    private static func floor(_ v: Double) -> Double {
        guard v.isFinite, abs(v) < 4.5e15 else { return v }  // already integral
        let t = Double(Int64(v))
        return t > v ? t - 1 : t
    }

    private static func pow(_ x: Double, _ y: Double) -> Double {
        // Integral exponents only (enough for templates; avoids importing libm).
        guard abs(y) <= 1024, y == floor(y) else { return .nan }
        var r = 1.0
        for _ in 0..<Int(abs(y)) { r *= x }
        return y < 0 ? 1 / r : r
    }

    // MARK: filters

    static func filter(_ name: String, _ v: TemplateValue, _ args: [TemplateValue], _ kwargs: [String: TemplateValue], line: Int) throws -> TemplateValue {
        func fail(_ why: String) -> TokenizerError { .templateRuntime("filter '\(name)': \(why)", line: line) }
        switch name {
        case "trim":
            guard case .string(let s) = v else { if case .undefined = v { return .string("") }; throw fail("expects a string") }
            return .string(strip(s, leading: true, trailing: true))
        case "length", "count":
            switch v {
            case .string(let s): return .int(s.count)
            case .list(let l): return .int(l.count)
            case .dict(let d): return .int(d.keys.count)
            case .undefined: return .int(0)
            default: throw fail("object of type '\(v.typeName)' has no len()")
            }
        case "tojson":
            var indent: Int? = nil
            if case .int(let i)? = kwargs["indent"] ?? args.first { indent = i }
            return .string(try json(v, indent: indent, level: 0, line: line))
        case "upper": return .string(v.printed.uppercased())
        case "lower": return .string(v.printed.lowercased())
        case "string": return .string(v.printed)
        case "safe": return v
        case "capitalize":
            let s = v.printed
            return .string(s.prefix(1).uppercased() + s.dropFirst().lowercased())
        case "first", "last":
            let items: [TemplateValue]
            switch v {
            case .list(let l): items = l
            case .string(let s): items = s.map { .string(String($0)) }
            default: throw fail("expects a sequence")
            }
            return (name == "first" ? items.first : items.last) ?? .undefined(name)
        case "join":
            guard case .list(let l) = v else { throw fail("expects a list") }
            let sep = args.first?.printed ?? kwargs["d"]?.printed ?? ""
            return .string(l.map(\.printed).joined(separator: sep))
        case "default", "d":
            let fallback = args.first ?? kwargs["default_value"] ?? .string("")
            let boolean = (args.count > 1 ? args[1] : kwargs["boolean"])?.truthy ?? false
            if !v.isDefined || (boolean && !v.truthy) { return fallback }
            return v
        case "items":
            guard case .dict(let d) = v else { throw fail("expects a dict") }
            return .list(d.keys.map { .list([.string($0), d[$0] ?? .none]) })
        case "list":
            switch v {
            case .list: return v
            case .string(let s): return .list(s.map { .string(String($0)) })
            case .dict(let d): return .list(d.keys.map { .string($0) })
            default: throw fail("expects an iterable")
            }
        case "reverse":
            switch v {
            case .list(let l): return .list(l.reversed())
            case .string(let s): return .string(String(s.reversed()))
            default: throw fail("expects a sequence")
            }
        case "replace":
            guard args.count >= 2 else { throw fail("needs two arguments") }
            return .string(replace(v.printed, args[0].printed, args[1].printed))
        case "int":
            switch v {
            case .int: return v
            case .double(let d): return d.isFinite && abs(d) < 9e18 ? .int(Int(d)) : .int(0)
            case .bool(let b): return .int(b ? 1 : 0)
            case .string(let s): return .int(Int(strip(s, leading: true, trailing: true)) ?? 0)
            default: return .int(0)
            }
        case "abs":
            switch v {
            case .int(let i): return i == Int.min ? v : .int(abs(i))
            case .double(let d): return .double(abs(d))
            default: throw fail("expects a number")
            }
        default:
            throw TokenizerError.templateUnsupported("filter '\(name)'", line: line)
        }
    }

    // MARK: tests

    static func test(_ name: String, _ v: TemplateValue, _ args: [TemplateValue], line: Int) throws -> Bool {
        switch name {
        case "defined": return v.isDefined
        case "undefined": return !v.isDefined
        case "none": if case .none = v { return true }; return false
        case "string": if case .string = v { return true }; return false
        case "number": switch v { case .int, .double: return true; default: return false }
        case "integer": if case .int = v { return true }; return false
        case "float": if case .double = v { return true }; return false
        case "boolean": if case .bool = v { return true }; return false
        case "true": if case .bool(true) = v { return true }; return false
        case "false": if case .bool(false) = v { return true }; return false
        case "mapping": if case .dict = v { return true }; return false
        case "sequence", "iterable":
            switch v { case .list, .string, .dict: return true; default: return false }
        case "callable": switch v { case .function, .method: return true; default: return false }
        case "even", "odd":
            guard case .int(let i) = v else { throw TokenizerError.templateRuntime("test '\(name)' expects an integer", line: line) }
            return (i % 2 == 0) == (name == "even")
        case "divisibleby":
            guard case .int(let i) = v, case .int(let d)? = args.first, d != 0 else {
                throw TokenizerError.templateRuntime("test 'divisibleby' expects integers", line: line)
            }
            return i % d == 0
        case "lower": return v.printed == v.printed.lowercased()
        case "upper": return v.printed == v.printed.uppercased()
        case "equalto", "eq", "==", "sameas":
            guard let other = args.first else { throw TokenizerError.templateRuntime("test '\(name)' needs an argument", line: line) }
            return v.equals(other)
        case "in":
            guard let other = args.first else { throw TokenizerError.templateRuntime("test 'in' needs an argument", line: line) }
            return try binary("in", v, other, line: line).truthy
        default:
            throw TokenizerError.templateUnsupported("test '\(name)'", line: line)
        }
    }

    // MARK: methods (the str/dict methods templates call)

    private static let stringMethods: Set<String> = ["strip", "lstrip", "rstrip", "startswith", "endswith", "split",
                                                     "upper", "lower", "replace", "title", "capitalize", "find", "count"]
    private static let dictMethods: Set<String> = ["items", "keys", "values", "get"]

    static func isMethod(_ name: String, of v: TemplateValue) -> Bool {
        switch v {
        case .string: return stringMethods.contains(name)
        case .dict: return dictMethods.contains(name)
        default: return false
        }
    }

    static func method(_ name: String, _ receiver: TemplateValue, _ args: [TemplateValue], _ kwargs: [String: TemplateValue], line: Int) throws -> TemplateValue {
        func fail(_ why: String) -> TokenizerError { .templateRuntime("\(name)(): \(why)", line: line) }
        if case .dict(let d) = receiver {
            switch name {
            case "items": return .list(d.keys.map { .list([.string($0), d[$0] ?? .none]) })
            case "keys": return .list(d.keys.map { .string($0) })
            case "values": return .list(d.keys.map { d[$0] ?? .none })
            case "get":
                guard case .string(let k)? = args.first else { throw fail("expects a string key") }
                return d[k] ?? (args.count > 1 ? args[1] : .none)
            default: break
            }
        }
        guard case .string(let s) = receiver else { throw TokenizerError.templateUnsupported("method '\(name)'", line: line) }
        switch name {
        case "strip", "lstrip", "rstrip":
            if let chars = args.first, case .string(let set) = chars {
                return .string(strip(s, leading: name != "rstrip", trailing: name != "lstrip", set: Set(set)))
            }
            return .string(strip(s, leading: name != "rstrip", trailing: name != "lstrip"))
        case "startswith", "endswith":
            var candidates: [String] = []
            switch args.first {
            case .string(let p)?: candidates = [p]
            case .list(let l)?: candidates = l.compactMap { if case .string(let p) = $0 { return p }; return nil }
            default: throw fail("expects a string")
            }
            let bytes = Array(s.utf8)
            return .bool(candidates.contains { c in
                let p = Array(c.utf8)
                return name == "startswith" ? bytes.starts(with: p) : bytes.reversed().starts(with: p.reversed())
            })
        case "split":
            if case .string(let sep)? = args.first, !sep.isEmpty {
                return .list(split(s, sep).map { .string($0) })
            }
            return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
        case "upper": return .string(s.uppercased())
        case "lower": return .string(s.lowercased())
        case "title":
            var out = "", startOfWord = true
            for ch in s {
                out += startOfWord ? ch.uppercased() : ch.lowercased()
                startOfWord = !ch.isLetter
            }
            return .string(out)
        case "capitalize": return .string(s.prefix(1).uppercased() + s.dropFirst().lowercased())
        case "replace":
            guard args.count >= 2 else { throw fail("needs two arguments") }
            return .string(replace(s, args[0].printed, args[1].printed))
        case "find", "count":
            guard case .string(let needle)? = args.first else { throw fail("expects a string") }
            let parts = split(s, needle)
            if name == "count" { return .int(needle.isEmpty ? s.count + 1 : parts.count - 1) }
            return .int(parts.count > 1 ? parts[0].count : -1)
        default:
            throw TokenizerError.templateUnsupported("method '\(name)'", line: line)
        }
    }

    // MARK: helpers

    static func strip(_ s: String, leading: Bool, trailing: Bool, set: Set<Character>? = nil) -> String {
        let drop: (Character) -> Bool = { ch in set.map { $0.contains(ch) } ?? ch.isWhitespace }
        var sub = Substring(s)
        if leading { sub = sub.drop(while: drop) }
        if trailing { while let last = sub.last, drop(last) { sub = sub.dropLast() } }
        return String(sub)
    }

    /// Splits on every occurrence of a non-empty separator (Python str.split(sep)).
    static func split(_ s: String, _ sep: String) -> [String] {
        let hay = Array(s.utf8), needle = Array(sep.utf8)
        guard !needle.isEmpty else { return [s] }
        var parts: [String] = []
        var start = 0, i = 0
        while i + needle.count <= hay.count {
            if hay[i..<(i + needle.count)].elementsEqual(needle) {
                parts.append(String(decoding: hay[start..<i], as: UTF8.self))
                i += needle.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: hay[start...], as: UTF8.self))
        return parts
    }

    static func replace(_ s: String, _ old: String, _ new: String) -> String {
        guard !old.isEmpty else { return s }
        return split(s, old).joined(separator: new)
    }

    /// `json.dumps(v, ensure_ascii=False, indent=indent)` as transformers' tojson does.
    static func json(_ v: TemplateValue, indent: Int?, level: Int, line: Int) throws -> String {
        let (open, close, itemSep, keySep): (String, String, String, String)
        if let indent {
            let pad = String(repeating: " ", count: indent * (level + 1))
            open = "\n" + pad
            close = "\n" + String(repeating: " ", count: indent * level)
            itemSep = ",\n" + pad
            keySep = ": "
        } else {
            (open, close, itemSep, keySep) = ("", "", ", ", ": ")
        }
        switch v {
        case .none, .undefined: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return TemplateValue.pythonFloat(d)
        case .string(let s): return jsonString(s)
        case .list(let l):
            if l.isEmpty { return "[]" }
            return "[" + open + (try l.map { try json($0, indent: indent, level: level + 1, line: line) }).joined(separator: itemSep) + close + "]"
        case .dict(let d):
            if d.keys.isEmpty { return "{}" }
            let items = try d.keys.map { jsonString($0) + keySep + (try json(d[$0] ?? .none, indent: indent, level: level + 1, line: line)) }
            return "{" + open + items.joined(separator: itemSep) + close + "}"
        case .namespace, .function, .method:
            throw TokenizerError.templateRuntime("object of type '\(v.typeName)' is not JSON serializable", line: line)
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = ""
        JSON.writeString(s, into: &out)
        return out
    }
}
