/// Chat rendering, in one place for every caller (CLI, C ABI, trainer): the model's own Jinja
/// chat template, or one the caller gives.
extension Model {
    /// `messages` rendered by `template` (Jinja source; nil: the model's `tokenizer.chat_template`),
    /// followed by the assistant's prefix when `addGenerationPrompt`. Tokenize the result with
    /// special tokens parsed.
    public func renderChat(_ messages: [ChatMessage], addGenerationPrompt: Bool = true,
                           template: String? = nil) throws -> String {
        guard let source = template ?? chatTemplateSource else { throw TokenizerError.noChatTemplate }
        return try ChatTemplate(source: source).render(messages: messages, addGenerationPrompt: addGenerationPrompt)
    }

    /// One user turn (after an optional system message), ready for generation.
    public func chatPrompt(user: String, system: String? = nil) throws -> String {
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: "system", content: system)) }
        messages.append(ChatMessage(role: "user", content: user))
        return try renderChat(messages)
    }
}
