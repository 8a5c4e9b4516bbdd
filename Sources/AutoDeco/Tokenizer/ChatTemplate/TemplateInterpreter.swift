/// Evaluates a parsed template. Scoping follows Jinja2: each loop iteration gets a fresh
/// scope (assignments inside a loop do not leak out), `if` does not create one.
struct TemplateInterpreter {
    private var scopes: [[String: TemplateValue]]
    private var output = ""
    private var line = 0
    /// Guards against runaway templates (e.g. `range(10**12)`).
    private var budget = 1_000_000

    private enum Flow { case normal, breakLoop, continueLoop }
    /// Lists and dicts built by the template nest at most this deep, so printing, comparing
    /// and freeing them never recurses deeply.
    static let maxNesting = 64

    init(globals: [String: TemplateValue]) {
        var base: [String: TemplateValue] = [
            "raise_exception": .function("raise_exception"),
            "range": .function("range"),
            "namespace": .function("namespace"),
        ]
        for (k, v) in globals { base[k] = v }
        scopes = [base]
    }

    static func render(_ nodes: [TemplateNode], globals: [String: TemplateValue]) throws -> String {
        var interpreter = TemplateInterpreter(globals: globals)
        _ = try interpreter.run(nodes)
        return interpreter.output
    }

    private func error(_ message: String) -> TokenizerError { .templateRuntime(message, line: line) }

    private mutating func run(_ nodes: [TemplateNode]) throws -> Flow {
        for node in nodes {
            budget -= 1
            if budget < 0 { throw error("template too expensive") }
            switch node {
            case .text(let s):
                output += s
            case .output(let e, let l):
                line = l
                output += try eval(e).printed
            case .branches(let branches, let otherwise, let l):
                line = l
                var taken = false
                for (condition, body) in branches {
                    guard try eval(condition).truthy else { continue }
                    taken = true
                    let flow = try run(body)
                    if flow != .normal { return flow }
                    break
                }
                if !taken {
                    let flow = try run(otherwise)
                    if flow != .normal { return flow }
                }
            case .loop(let targets, let iterable, let filter, let body, let otherwise, let l):
                line = l
                let flow = try runLoop(targets, try eval(iterable), filter, body, otherwise)
                if flow != .normal { return flow }
            case .assign(let name, let attribute, let e, let l):
                line = l
                let value = try eval(e)
                if let attribute {
                    guard case .namespace(let ns)? = lookup(name) else { throw error("cannot set attribute on '\(name)'") }
                    ns.attributes[attribute] = value
                } else {
                    scopes[scopes.count - 1][name] = value
                }
            case .breakLoop(let l):
                line = l
                return .breakLoop
            case .continueLoop(let l):
                line = l
                return .continueLoop
            }
        }
        return .normal
    }

    private mutating func runLoop(_ targets: [String], _ iterable: TemplateValue, _ filter: TemplateExpr?,
                                  _ body: [TemplateNode], _ otherwise: [TemplateNode]) throws -> Flow {
        var items = try iterate(iterable)
        if let filter {
            var kept: [TemplateValue] = []
            for item in items {
                scopes.append(try bind(targets, item))
                defer { scopes.removeLast() }
                if try eval(filter).truthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty { return try run(otherwise) }
        for (i, item) in items.enumerated() {
            budget -= 1
            if budget < 0 { throw error("template too expensive") }
            var scope = try bind(targets, item)
            var loop = TemplateDict()
            loop["index"] = .int(i + 1)
            loop["index0"] = .int(i)
            loop["revindex"] = .int(items.count - i)
            loop["revindex0"] = .int(items.count - i - 1)
            loop["first"] = .bool(i == 0)
            loop["last"] = .bool(i == items.count - 1)
            loop["length"] = .int(items.count)
            loop["previtem"] = i > 0 ? items[i - 1] : .undefined("loop.previtem")
            loop["nextitem"] = i + 1 < items.count ? items[i + 1] : .undefined("loop.nextitem")
            scope["loop"] = .dict(loop)
            scopes.append(scope)
            let flow = try run(body)
            scopes.removeLast()
            if flow == .breakLoop { break }
        }
        return .normal
    }

    private func bind(_ targets: [String], _ item: TemplateValue) throws -> [String: TemplateValue] {
        if targets.count == 1 { return [targets[0]: item] }
        let parts = try iterate(item)
        guard parts.count == targets.count else { throw error("cannot unpack \(parts.count) values into \(targets.count)") }
        var scope: [String: TemplateValue] = [:]
        for (name, value) in zip(targets, parts) { scope[name] = value }
        return scope
    }

    private func lookup(_ name: String) -> TemplateValue? {
        for scope in scopes.reversed() { if let v = scope[name] { return v } }
        return nil
    }

    /// Elements of a list, characters of a string, keys of a dict; undefined is empty.
    private func iterate(_ v: TemplateValue) throws -> [TemplateValue] {
        switch v {
        case .list(let l): return l
        case .string(let s): return s.map { .string(String($0)) }
        case .dict(let d): return d.keys.map { .string($0) }
        case .undefined: return []
        default: throw error("'\(v.typeName)' object is not iterable")
        }
    }

    // MARK: expressions

    private mutating func eval(_ e: TemplateExpr) throws -> TemplateValue {
        switch e {
        case .literal(let v): return v
        case .name(let n): return lookup(n) ?? .undefined(n)
        case .list(let items):
            let values = try items.map { try eval($0) }
            for v in values where v.nestingExceeds(Self.maxNesting - 1) { throw error("values nested too deeply") }
            return .list(values)
        case .dict(let pairs):
            var d = TemplateDict()
            for (k, v) in pairs {
                guard case .string(let key) = try eval(k) else { throw error("only string dict keys are supported") }
                let value = try eval(v)
                if value.nestingExceeds(Self.maxNesting - 1) { throw error("values nested too deeply") }
                d[key] = value
            }
            return .dict(d)
        case .attribute(let base, let name):
            return try attribute(try eval(base), name)
        case .index(let base, let key):
            return try item(try eval(base), try eval(key))
        case .slice(let base, let a, let b, let c):
            return try slice(try eval(base), try a.map { try eval($0) }, try b.map { try eval($0) }, try c.map { try eval($0) })
        case .call(let callee, let args, let kwargs):
            let f = try eval(callee)
            let values = try args.map { try eval($0) }
            var named: [String: TemplateValue] = [:]
            for (k, v) in kwargs { named[k] = try eval(v) }
            return try call(f, values, named)
        case .filter(let base, let name, let args, let kwargs):
            let values = try args.map { try eval($0) }
            var named: [String: TemplateValue] = [:]
            for (k, v) in kwargs { named[k] = try eval(v) }
            return try TemplateBuiltins.filter(name, try eval(base), values, named, line: line)
        case .test(let base, let name, let args, let negated):
            let result = try TemplateBuiltins.test(name, try eval(base), try args.map { try eval($0) }, line: line)
            return .bool(result != negated)
        case .not(let x): return .bool(!(try eval(x).truthy))
        case .negate(let x):
            switch try eval(x) {
            case .int(let i): return .int(0 &- i)
            case .double(let d): return .double(-d)
            case let v: throw error("bad operand type for unary -: '\(v.typeName)'")
            }
        case .and(let a, let b):
            let l = try eval(a)
            return l.truthy ? try eval(b) : l
        case .or(let a, let b):
            let l = try eval(a)
            return l.truthy ? l : try eval(b)
        case .conditional(let value, let condition, let otherwise):
            if try eval(condition).truthy { return try eval(value) }
            return try otherwise.map { try eval($0) } ?? .undefined("conditional")
        case .binary(let op, let a, let b):
            return try TemplateBuiltins.binary(op, try eval(a), try eval(b), line: line)
        }
    }

    private func attribute(_ base: TemplateValue, _ name: String) throws -> TemplateValue {
        switch base {
        case .undefined(let n): throw error("'\(n)' is undefined (reading .\(name))")
        case .dict(let d):
            if let v = d[name] { return v }
            if TemplateBuiltins.isMethod(name, of: base) { return .method(base, name) }
            return .undefined(name)
        case .namespace(let ns): return ns.attributes[name] ?? .undefined(name)
        default:
            if TemplateBuiltins.isMethod(name, of: base) { return .method(base, name) }
            return .undefined(name)
        }
    }

    private func item(_ base: TemplateValue, _ key: TemplateValue) throws -> TemplateValue {
        switch (base, key) {
        case (.undefined(let n), _): throw error("'\(n)' is undefined (subscript)")
        case (.dict, .string(let k)): return try attribute(base, k)
        case (.namespace(let ns), .string(let k)): return ns.attributes[k] ?? .undefined(k)
        case (.list(let l), .int(let i)):
            let j = i < 0 ? l.count + i : i
            return j >= 0 && j < l.count ? l[j] : .undefined("[\(i)]")
        case (.string(let s), .int(let i)):
            let chars = Array(s)
            let j = i < 0 ? chars.count + i : i
            return j >= 0 && j < chars.count ? .string(String(chars[j])) : .undefined("[\(i)]")
        default:
            return .undefined("[\(key.repr)]")
        }
    }

    private func slice(_ base: TemplateValue, _ a: TemplateValue?, _ b: TemplateValue?, _ c: TemplateValue?) throws -> TemplateValue {
        func int(_ v: TemplateValue?) throws -> Int? {
            switch v {
            case nil, .none?: return nil
            case .int(let i)?: return i
            default: throw error("slice indices must be integers")
            }
        }
        let step = try int(c) ?? 1
        guard step != 0 else { throw error("slice step cannot be zero") }
        func pick<T>(_ items: [T]) throws -> [T] {
            let n = items.count
            func clamp(_ i: Int?, _ dflt: Int) -> Int {
                guard var i else { return dflt }
                if i < 0 { i += n }
                return step > 0 ? min(max(i, 0), n) : min(max(i, -1), n - 1)
            }
            var out: [T] = []
            var i = clamp(try int(a), step > 0 ? 0 : n - 1)
            let end = clamp(try int(b), step > 0 ? n : -1)
            while step > 0 ? i < end : i > end { out.append(items[i]); i += step }
            return out
        }
        switch base {
        case .list(let l): return .list(try pick(l))
        case .string(let s): return .string(String(try pick(Array(s))))
        case .undefined(let n): throw error("'\(n)' is undefined (slice)")
        default: throw error("'\(base.typeName)' object is not subscriptable")
        }
    }

    private func call(_ f: TemplateValue, _ args: [TemplateValue], _ kwargs: [String: TemplateValue]) throws -> TemplateValue {
        switch f {
        case .function("raise_exception"):
            throw TokenizerError.templateRaised(args.first?.printed ?? "")
        case .function("range"):
            var ints: [Int] = []
            for a in args {
                guard case .int(let i) = a else { throw error("range() takes integers") }
                ints.append(i)
            }
            let (start, stop, step) = ints.count == 1 ? (0, ints[0], 1)
                : ints.count == 2 ? (ints[0], ints[1], 1)
                : ints.count == 3 ? (ints[0], ints[1], ints[2]) : (0, 0, 0)
            guard step != 0 else { throw error("range() needs 1 to 3 arguments and a non-zero step") }
            guard (stop - start) / step <= 100_000 else { throw error("range() too large") }
            return .list(stride(from: start, to: stop, by: step).map { .int($0) })
        case .function("namespace"):
            var d = TemplateDict()
            for k in kwargs.keys.sorted() { d[k] = kwargs[k] }
            if case .dict(let initial)? = args.first { for k in initial.keys { d[k] = initial[k] } }
            return .namespace(TemplateNamespace(d))
        case .method(let receiver, let name):
            return try TemplateBuiltins.method(name, receiver, args, kwargs, line: line)
        case .undefined(let n):
            throw error("'\(n)' is undefined (called)")
        default:
            throw error("'\(f.typeName)' object is not callable")
        }
    }
}
