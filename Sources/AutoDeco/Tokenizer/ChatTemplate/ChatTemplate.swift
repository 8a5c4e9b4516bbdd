/// One message of a conversation.
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A model's chat template (`tokenizer.chat_template`), rendered like transformers'
/// `apply_chat_template`: Jinja2 with trim_blocks and lstrip_blocks, `raise_exception`,
/// a `tojson` filter, and the variables `messages`, `add_generation_prompt`, `bos_token`,
/// `eos_token`. The source is parsed once; unsupported constructs fail at init with a
/// clear error, so callers can fall back to raw prompts.
public struct ChatTemplate: Sendable {
    public let source: String
    private let nodes: [TemplateNode]

    public init(source: String) throws {
        self.source = source
        nodes = try TemplateParser.parse(source)
    }

    public func render(messages: [ChatMessage], addGenerationPrompt: Bool,
                       bosToken: String = "", eosToken: String = "") throws -> String {
        let list: [TemplateValue] = messages.map { m in
            var d = TemplateDict()
            d["role"] = .string(m.role)
            d["content"] = .string(m.content)
            return .dict(d)
        }
        return try TemplateInterpreter.render(nodes, globals: [
            "messages": .list(list),
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken),
            "eos_token": .string(eosToken),
        ])
    }
}
