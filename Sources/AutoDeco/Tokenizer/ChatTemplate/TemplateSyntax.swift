/// Expression tree of the supported Jinja subset.
// Parsed trees are immutable and hold only literal values (never namespaces), so they can be
// shared between threads.
indirect enum TemplateExpr: @unchecked Sendable {
    case literal(TemplateValue)
    case name(String)
    case list([TemplateExpr])
    case dict([(TemplateExpr, TemplateExpr)])
    case attribute(TemplateExpr, String)
    case index(TemplateExpr, TemplateExpr)
    case slice(TemplateExpr, TemplateExpr?, TemplateExpr?, TemplateExpr?)
    case call(TemplateExpr, [TemplateExpr], [(String, TemplateExpr)])
    case filter(TemplateExpr, String, [TemplateExpr], [(String, TemplateExpr)])
    case test(TemplateExpr, String, [TemplateExpr], negated: Bool)
    case not(TemplateExpr)
    case negate(TemplateExpr)
    case binary(String, TemplateExpr, TemplateExpr)
    case and(TemplateExpr, TemplateExpr)
    case or(TemplateExpr, TemplateExpr)
    case conditional(TemplateExpr, condition: TemplateExpr, otherwise: TemplateExpr?)
}

/// Statement tree: text, `{{ }}` output and the supported `{% %}` tags.
indirect enum TemplateNode: @unchecked Sendable {
    case text(String)
    case output(TemplateExpr, line: Int)
    case branches([(TemplateExpr, [TemplateNode])], otherwise: [TemplateNode], line: Int)
    case loop(targets: [String], iterable: TemplateExpr, filter: TemplateExpr?, body: [TemplateNode], otherwise: [TemplateNode], line: Int)
    case assign(name: String, attribute: String?, TemplateExpr, line: Int)
    case breakLoop(line: Int)
    case continueLoop(line: Int)
}
