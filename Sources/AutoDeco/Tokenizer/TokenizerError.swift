/// Everything that can go wrong while building a tokenizer, encoding, decoding or rendering
/// a chat template. Invalid input never traps: it surfaces as one of these.
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The vocabulary arrays disagree in length or are empty.
    case inconsistentVocabulary(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this engine does not implement.
    case unsupportedPreTokenizer(String)
    /// Input bytes are not well-formed UTF-8; `offset` is the first bad byte.
    case invalidUTF8(offset: Int)
    /// A token id outside `0..<vocabularySize`.
    case tokenOutOfRange(id: Int32, vocabularySize: Int)
    /// The template source could not be parsed.
    case templateSyntax(String, line: Int)
    /// The template uses a construct this interpreter does not support.
    case templateUnsupported(String, line: Int)
    /// Evaluating the template failed (type error, undefined attribute, ...).
    case templateRuntime(String, line: Int)
    /// The template called `raise_exception(message)`.
    case templateRaised(String)
    /// Chat rendering was asked of a model whose GGUF holds no chat template (and none was given).
    case noChatTemplate

    public var description: String {
        switch self {
        case .inconsistentVocabulary(let why): return "inconsistent tokenizer vocabulary: \(why)"
        case .unsupportedPreTokenizer(let name): return "unsupported pre-tokenizer '\(name)'"
        case .invalidUTF8(let offset): return "invalid UTF-8 at byte \(offset)"
        case .tokenOutOfRange(let id, let n): return "token id \(id) out of range 0..<\(n)"
        case .templateSyntax(let why, let line): return "chat template syntax error (line \(line)): \(why)"
        case .templateUnsupported(let what, let line): return "chat template uses unsupported \(what) (line \(line))"
        case .templateRuntime(let why, let line): return "chat template error (line \(line)): \(why)"
        case .templateRaised(let message): return "chat template raised: \(message)"
        case .noChatTemplate: return "the model has no chat template (tokenizer.chat_template); give one, or send plain text"
        }
    }
}
