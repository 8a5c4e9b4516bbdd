/// Recursive-descent parser for the Jinja subset, with Jinja2's operator precedence:
/// ternary < or < and < not < comparisons/in < + - < ~ < * / // % < ** < unary -
/// < filters/tests < postfix (.attr, [index], call).
struct TemplateParser {
    private var chunks: [TemplateLexer.Chunk]
    private var index = 0
    // Current expression tokens.
    private var tokens: [TemplateLexer.Token] = []
    private var t = 0
    private var line = 1
    /// Nesting of expressions and blocks; bounded so that hostile templates cannot exhaust
    /// the stack of the host's thread.
    private var depth = 0
    private static let maxDepth = 128

    static func parse(_ source: String) throws -> [TemplateNode] {
        var lexer = TemplateLexer(source)
        var p = TemplateParser(chunks: try lexer.chunks())
        let (nodes, end) = try p.parseBody(until: [])
        if let end { throw TokenizerError.templateSyntax("unexpected '\(end)'", line: p.line) }
        return nodes
    }

    private init(chunks: [TemplateLexer.Chunk]) { self.chunks = chunks }

    /// Nodes up to one of the `until` keywords (returned, with its tokens loaded) or the end.
    private mutating func parseBody(until: Set<String>) throws -> ([TemplateNode], String?) {
        var nodes: [TemplateNode] = []
        while index < chunks.count {
            let chunk = chunks[index]
            index += 1
            switch chunk {
            case .text(let s):
                nodes.append(.text(s))
            case .output(let toks, let l):
                load(toks, l)
                let e = try expression()
                try expectEnd()
                nodes.append(.output(e, line: l))
            case .statement(let toks, let l):
                load(toks, l)
                guard case .name(let keyword)? = next() else { throw syntax("expected a statement keyword") }
                if until.contains(keyword) { return (nodes, keyword) }
                nodes += try statement(keyword)
            }
        }
        if !until.isEmpty { throw syntax("missing one of \(until.sorted().map { "{% \($0) %}" }.joined(separator: ", "))") }
        return (nodes, nil)
    }

    private mutating func statement(_ keyword: String) throws -> [TemplateNode] {
        let l = line
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { throw syntax("blocks nested too deeply") }
        switch keyword {
        case "if":
            var branches: [(TemplateExpr, [TemplateNode])] = []
            var condition = try expression()
            try expectEnd()
            while true {
                let (body, end) = try parseBody(until: ["elif", "else", "endif"])
                branches.append((condition, body))
                if end == "elif" {
                    condition = try expression()
                    try expectEnd()
                    continue
                }
                var otherwise: [TemplateNode] = []
                if end == "else" {
                    try expectEnd()
                    (otherwise, _) = try parseBody(until: ["endif"])
                }
                try expectEnd()
                return [.branches(branches, otherwise: otherwise, line: l)]
            }
        case "for":
            var targets: [String] = []
            repeat {
                guard case .name(let n)? = next() else { throw syntax("expected a loop variable") }
                targets.append(n)
            } while accept(.op(","))
            guard accept(.name("in")) else { throw syntax("expected 'in'") }
            let iterable = try orExpression()  // no ternary: "if" here is the loop filter
            var filter: TemplateExpr? = nil
            if accept(.name("if")) { filter = try expression() }
            if accept(.name("recursive")) { throw TokenizerError.templateUnsupported("recursive loops", line: l) }
            try expectEnd()
            let (body, end) = try parseBody(until: ["else", "endfor"])
            var otherwise: [TemplateNode] = []
            if end == "else" {
                try expectEnd()
                (otherwise, _) = try parseBody(until: ["endfor"])
            }
            try expectEnd()
            return [.loop(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise, line: l)]
        case "set":
            guard case .name(let n)? = next() else { throw syntax("expected a variable name") }
            var attribute: String? = nil
            if accept(.op(".")) {
                guard case .name(let a)? = next() else { throw syntax("expected an attribute name") }
                attribute = a
            }
            if peekToken == .op(",") { throw TokenizerError.templateUnsupported("tuple assignment", line: l) }
            guard accept(.op("=")) else { throw TokenizerError.templateUnsupported("block set", line: l) }
            let value = try expression()
            try expectEnd()
            return [.assign(name: n, attribute: attribute, value, line: l)]
        case "break":
            try expectEnd()
            return [.breakLoop(line: l)]
        case "continue":
            try expectEnd()
            return [.continueLoop(line: l)]
        case "generation":
            // transformers' AssistantTracker tag: renders its body unchanged.
            try expectEnd()
            let (body, _) = try parseBody(until: ["endgeneration"])
            try expectEnd()
            return body
        default:
            throw TokenizerError.templateUnsupported("statement '\(keyword)'", line: l)
        }
    }

    // MARK: tokens

    private mutating func load(_ toks: [TemplateLexer.Token], _ l: Int) { tokens = toks; t = 0; line = l }
    private var peekToken: TemplateLexer.Token? { t < tokens.count ? tokens[t] : nil }
    private mutating func next() -> TemplateLexer.Token? {
        defer { t += 1 }
        return peekToken
    }
    private mutating func accept(_ token: TemplateLexer.Token) -> Bool {
        if peekToken == token { t += 1; return true }
        return false
    }
    private mutating func expect(_ token: TemplateLexer.Token) throws {
        guard accept(token) else { throw syntax("expected \(describe(token)), found \(peekToken.map(describe) ?? "end of tag")") }
    }
    private func expectEnd() throws {
        if let tok = peekToken { throw syntax("unexpected \(describe(tok))") }
    }
    private func describe(_ token: TemplateLexer.Token) -> String {
        switch token {
        case .name(let n): return "'\(n)'"
        case .string(let s): return "string \(TemplateValue.pythonStringRepr(s))"
        case .int(let i): return "\(i)"
        case .double(let d): return "\(d)"
        case .op(let o): return "'\(o)'"
        }
    }
    private func syntax(_ message: String) -> TokenizerError { .templateSyntax(message, line: line) }

    // MARK: expressions

    private mutating func expression() throws -> TemplateExpr {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { throw syntax("expression nested too deeply") }
        let value = try orExpression()
        if accept(.name("if")) {
            let condition = try orExpression()
            var otherwise: TemplateExpr? = nil
            if accept(.name("else")) { otherwise = try expression() }
            return .conditional(value, condition: condition, otherwise: otherwise)
        }
        return value
    }

    private mutating func orExpression() throws -> TemplateExpr {
        var lhs = try andExpression()
        while accept(.name("or")) { lhs = .or(lhs, try andExpression()) }
        return lhs
    }

    private mutating func andExpression() throws -> TemplateExpr {
        var lhs = try notExpression()
        while accept(.name("and")) { lhs = .and(lhs, try notExpression()) }
        return lhs
    }

    private mutating func notExpression() throws -> TemplateExpr {
        var negations = 0
        while accept(.name("not")) { negations += 1 }
        var e = try comparison()
        for _ in 0..<negations { e = .not(e) }
        return e
    }

    private mutating func comparison() throws -> TemplateExpr {
        var lhs = try additive()
        while true {
            if case .op(let o)? = peekToken, ["==", "!=", "<", ">", "<=", ">="].contains(o) {
                t += 1
                lhs = .binary(o, lhs, try additive())
            } else if accept(.name("in")) {
                lhs = .binary("in", lhs, try additive())
            } else if peekToken == .name("not"), t + 1 < tokens.count, tokens[t + 1] == .name("in") {
                t += 2
                lhs = .not(.binary("in", lhs, try additive()))
            } else {
                return lhs
            }
        }
    }

    private mutating func additive() throws -> TemplateExpr {
        var lhs = try concatenation()
        while case .op(let o)? = peekToken, o == "+" || o == "-" {
            t += 1
            lhs = .binary(o, lhs, try concatenation())
        }
        return lhs
    }

    private mutating func concatenation() throws -> TemplateExpr {
        var lhs = try multiplicative()
        while accept(.op("~")) { lhs = .binary("~", lhs, try multiplicative()) }
        return lhs
    }

    private mutating func multiplicative() throws -> TemplateExpr {
        var lhs = try power()
        while case .op(let o)? = peekToken, ["*", "/", "//", "%"].contains(o) {
            t += 1
            lhs = .binary(o, lhs, try power())
        }
        return lhs
    }

    private mutating func power() throws -> TemplateExpr {
        var lhs = try unary()
        while accept(.op("**")) { lhs = .binary("**", lhs, try unary()) }
        return lhs
    }

    private mutating func unary() throws -> TemplateExpr {
        if accept(.op("-")) { return try filters(.negate(try unaryOperand())) }
        if accept(.op("+")) { return try filters(try unaryOperand()) }
        return try filters(try postfix(try primary()))
    }

    private mutating func unaryOperand() throws -> TemplateExpr {
        var negations = 0
        while accept(.op("-")) { negations += 1 }
        var e = try postfix(try primary())
        for _ in 0..<negations { e = .negate(e) }
        return e
    }

    /// `| filter(args)` and `is [not] test(args)` chains.
    private mutating func filters(_ base: TemplateExpr) throws -> TemplateExpr {
        var e = base
        while true {
            if accept(.op("|")) {
                guard case .name(let name)? = next() else { throw syntax("expected a filter name") }
                var args: [TemplateExpr] = [], kwargs: [(String, TemplateExpr)] = []
                if accept(.op("(")) { (args, kwargs) = try arguments() }
                e = .filter(e, name, args, kwargs)
            } else if accept(.name("is")) {
                let negated = accept(.name("not"))
                guard case .name(let name)? = next() else { throw syntax("expected a test name") }
                var args: [TemplateExpr] = []
                if accept(.op("(")) {
                    (args, _) = try arguments()
                } else if let tok = peekToken, startsPrimary(tok) {
                    args = [try postfix(try primary())]  // `is sameas x`, `is equalto 3`
                }
                e = .test(e, name, args, negated: negated)
            } else {
                return e
            }
        }
    }

    private func startsPrimary(_ tok: TemplateLexer.Token) -> Bool {
        switch tok {
        case .string, .int, .double: return true
        case .name(let n): return !["and", "or", "if", "else", "in", "is", "not"].contains(n)
        case .op(let o): return o == "(" || o == "["
        }
    }

    private mutating func postfix(_ base: TemplateExpr) throws -> TemplateExpr {
        var e = base
        while true {
            if accept(.op(".")) {
                switch next() {
                case .name(let n)?: e = .attribute(e, n)
                case .int(let i)?: e = .index(e, .literal(.int(i)))
                default: throw syntax("expected an attribute name")
                }
            } else if accept(.op("[")) {
                var parts: [TemplateExpr?] = [nil]
                var isSlice = false
                while !accept(.op("]")) {
                    if accept(.op(":")) { isSlice = true; parts.append(nil); continue }
                    guard parts[parts.count - 1] == nil else { throw syntax("expected ']'") }
                    parts[parts.count - 1] = try expression()
                }
                if isSlice {
                    guard parts.count <= 3 else { throw syntax("bad slice") }
                    e = .slice(e, parts[0], parts.count > 1 ? parts[1] : nil, parts.count > 2 ? parts[2] : nil)
                } else {
                    guard let key = parts[0] else { throw syntax("empty subscript") }
                    e = .index(e, key)
                }
            } else if accept(.op("(")) {
                let (args, kwargs) = try arguments()
                e = .call(e, args, kwargs)
            } else {
                return e
            }
        }
    }

    /// Arguments after "(" up to and including ")".
    private mutating func arguments() throws -> ([TemplateExpr], [(String, TemplateExpr)]) {
        var args: [TemplateExpr] = [], kwargs: [(String, TemplateExpr)] = []
        while !accept(.op(")")) {
            if case .name(let n)? = peekToken, t + 1 < tokens.count, tokens[t + 1] == .op("=") {
                t += 2
                kwargs.append((n, try expression()))
            } else {
                args.append(try expression())
            }
            if !accept(.op(",")) { try expect(.op(")")); break }
        }
        return (args, kwargs)
    }

    private mutating func primary() throws -> TemplateExpr {
        guard let tok = next() else { throw syntax("unexpected end of expression") }
        switch tok {
        case .string(var s):
            while case .string(let more)? = peekToken { s += more; t += 1 }  // adjacent literals concatenate
            return .literal(.string(s))
        case .int(let i): return .literal(.int(i))
        case .double(let d): return .literal(.double(d))
        case .name(let n):
            switch n {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(n)
            }
        case .op("("):
            let e = try expression()
            if peekToken == .op(",") {
                var items = [e]
                while accept(.op(",")) { if peekToken == .op(")") { break }; items.append(try expression()) }
                try expect(.op(")"))
                return .list(items)  // tuples behave as lists here
            }
            try expect(.op(")"))
            return e
        case .op("["):
            var items: [TemplateExpr] = []
            while !accept(.op("]")) {
                items.append(try expression())
                if !accept(.op(",")) { try expect(.op("]")); break }
            }
            return .list(items)
        case .op("{"):
            var pairs: [(TemplateExpr, TemplateExpr)] = []
            while !accept(.op("}")) {
                let k = try expression()
                try expect(.op(":"))
                pairs.append((k, try expression()))
                if !accept(.op(",")) { try expect(.op("}")); break }
            }
            return .dict(pairs)
        default:
            throw syntax("unexpected \(describe(tok))")
        }
    }
}
