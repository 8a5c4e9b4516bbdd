/// A value inside the template interpreter, with Python/Jinja2 semantics for truthiness,
/// printing and comparison (templates are written against Jinja2 running in Python).
indirect enum TemplateValue {
    /// A missing variable or attribute; remembers its name for error messages.
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([TemplateValue])
    case dict(TemplateDict)
    /// Jinja's `namespace()`: the only mutable object, assigned through `set ns.attr = ...`.
    case namespace(TemplateNamespace)
    /// A global function such as `raise_exception` or `range`.
    case function(String)
    /// A method looked up on a value (`s.strip`), called later.
    case method(TemplateValue, String)

    var isDefined: Bool { if case .undefined = self { return false }; return true }

    var truthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .dict(let d): return !d.keys.isEmpty
        case .namespace, .function, .method: return true
        }
    }

    var typeName: String {
        switch self {
        case .undefined: return "undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .function, .method: return "function"
        }
    }

    /// Python `str()`: what `{{ value }}` prints.
    var printed: String {
        switch self {
        case .undefined: return ""
        case .string(let s): return s
        default: return repr
        }
    }

    /// Python `repr()`, used inside printed lists and dicts.
    var repr: String {
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return Self.pythonFloat(d)
        case .string(let s): return Self.pythonStringRepr(s)
        case .list(let l): return "[" + l.map(\.repr).joined(separator: ", ") + "]"
        case .dict(let d):
            return "{" + d.keys.map { Self.pythonStringRepr($0) + ": " + (d.values[$0] ?? .none).repr }.joined(separator: ", ") + "}"
        case .namespace: return "<Namespace>"
        case .function(let name): return "<function \(name)>"
        case .method(_, let name): return "<method \(name)>"
        }
    }

    static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return d.description  // shortest round-trip form, like Python's repr
    }

    static func pythonStringRepr(_ s: String) -> String {
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(u) == quote { out += "\\" + String(quote) }
                else if u.value < 0x20 || u.value == 0x7F { out += "\\x" + hex(u.value, width: 2) }
                else { out.unicodeScalars.append(u) }
            }
        }
        out.append(quote)
        return out
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Python `==` (1 == 1.0, lists and dicts compared deeply).
    func equals(_ other: TemplateValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.equals($1) }
        case (.dict(let a), .dict(let b)):
            return a.keys.count == b.keys.count && a.keys.allSatisfy { k in
                guard let x = a.values[k], let y = b.values[k] else { return false }
                return x.equals(y)
            }
        default:
            if let a = numeric, let b = other.numeric { return a == b }
            return false
        }
    }

    /// Whether lists/dicts nest deeper than `limit` levels (stops looking past the limit).
    func nestingExceeds(_ limit: Int) -> Bool {
        switch self {
        case .list(let l):
            return limit <= 0 ? !l.isEmpty : l.contains { $0.nestingExceeds(limit - 1) }
        case .dict(let d):
            return limit <= 0 ? !d.keys.isEmpty : d.values.values.contains { $0.nestingExceeds(limit - 1) }
        default:
            return false
        }
    }

    /// Numeric value of ints, floats and bools (Python treats bools as ints).
    var numeric: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}

/// An insertion-ordered string-keyed dictionary (Python dicts keep insertion order).
struct TemplateDict {
    var keys: [String] = []
    var values: [String: TemplateValue] = [:]

    subscript(key: String) -> TemplateValue? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }
}

final class TemplateNamespace {
    var attributes = TemplateDict()
    init(_ attributes: TemplateDict) { self.attributes = attributes }
}
