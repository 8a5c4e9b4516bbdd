/// One training example: a user prompt (optionally with a system message) and the
/// assistant's completion, as a line of JSONL: {"prompt": "...", "completion": "...", "system": "..."}.
/// Optional fields: "end_of_turn": false for a completion cut off by a length limit (no
/// end-of-turn target is added); "group" and "diversity" (+1, 0, −1) for instruction-control
/// triples: the same completion after a high-diversity instruction, none, and a low one.
public struct TrainingExample: Sendable, Equatable {
    public var system: String?
    public var prompt: String
    public var completion: String
    public var endOfTurn = true
    public var group: String?
    public var diversity: Int?

    public init(system: String? = nil, prompt: String, completion: String, endOfTurn: Bool = true,
                group: String? = nil, diversity: Int? = nil) {
        self.system = system; self.prompt = prompt; self.completion = completion
        self.endOfTurn = endOfTurn; self.group = group; self.diversity = diversity
    }

    /// Every non-blank line of the JSONL file at `path`.
    public static func load(jsonl path: String) throws -> [TrainingExample] {
        let bytes = try MappedBytes(path: path)
        let all = UnsafeRawBufferPointer(start: bytes.base, count: bytes.count)
        var examples: [TrainingExample] = []
        var lineNumber = 0, start = 0
        while start < all.count {
            var end = start
            while end < all.count && all[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            let line = Array(all[start..<end])
            start = end + 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let json: JSON
            do { json = try JSON.parse(line) } catch {
                throw TrainingError.badData(line: lineNumber, reason: "\(error)")
            }
            guard let prompt = json["prompt"]?.stringValue, let completion = json["completion"]?.stringValue else {
                throw TrainingError.badData(line: lineNumber, reason: "needs string fields \"prompt\" and \"completion\"")
            }
            var example = TrainingExample(system: json["system"]?.stringValue, prompt: prompt, completion: completion)
            if let end = json["end_of_turn"] {
                guard let flag = end.boolValue else {
                    throw TrainingError.badData(line: lineNumber, reason: "\"end_of_turn\" must be true or false")
                }
                example.endOfTurn = flag
            }
            if let group = json["group"] {
                guard let name = group.stringValue ?? group.intValue.map(String.init) else {
                    throw TrainingError.badData(line: lineNumber, reason: "\"group\" must be a string or an integer")
                }
                example.group = name
                guard let d = json["diversity"]?.intValue, (-1...1).contains(d) else {
                    throw TrainingError.badData(line: lineNumber, reason: "a grouped example needs \"diversity\": 1, 0 or -1")
                }
                example.diversity = d
            }
            examples.append(example)
        }
        return examples
    }

    /// Tokens of the chat-rendered prompt, the completion and the end-of-turn token, and the
    /// index of the first completion token: positions `first − 1 ..< count − 1` predict the
    /// completion (the end-of-turn token included unless `endOfTurn` is false).
    public func tokens(model: Model) throws -> (ids: [Int32], firstCompletion: Int) {
        guard model.chatTemplateSource != nil else {
            throw TrainingError.invalid("the model has no chat template")
        }
        let rendered = try model.chatPrompt(user: prompt, system: system)
        let promptIds = try model.tokenizer.encode(rendered, parseSpecial: true)
        var completionIds = try model.tokenizer.encode(completion, parseSpecial: false)
        if endOfTurn {
            guard let end = model.tokenizer.eotId ?? model.tokenizer.eosId else {
                throw TrainingError.invalid("the model has no end-of-turn token")
            }
            completionIds.append(end)
        }
        return (promptIds + completionIds, promptIds.count)
    }
}
