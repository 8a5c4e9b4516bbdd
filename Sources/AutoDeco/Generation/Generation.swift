/// Text generation on a context: step until end of turn, a stop string, the token limit, a
/// callback's request or cancellation, streaming each token with its decoding values.

/// One generated token as a user sees it.
public struct GenerationEvent: Sendable {
    public var token: Int32
    /// Text that became complete with this token (may be empty while a multi-byte character
    /// or a possible stop string is held back).
    public var text: String
    public var temperature: Float
    public var topP: Float
    public var probability: Float
    /// The heads' predictions (nil without heads).
    public var predictedTemperature: Float?
    public var predictedTopP: Float?
    /// Entropy (nats) of softmax(logits / predicted T) (nil without heads).
    public var entropy: Float?
}

public struct GenerationOptions: Sendable {
    public var maxTokens: Int = 256
    /// Generation stops before any of these strings; they are not part of the output.
    public var stopStrings: [String] = []
    /// Stop at end-of-sequence / end-of-turn tokens (the model's own stop).
    public var stopAtEndOfGeneration = true
    public init() {}
}

public enum StopReason: String, Sendable {
    case endOfGeneration = "end of generation"
    case maxTokens = "token limit"
    case stopString = "stop string"
    case callback = "stopped by callback"
    case cancelled = "cancelled"
    case contextFull = "context full"
}

extension InferenceContext {
    /// Generates after `prompt` (tokens, appended to what the context holds). `onToken` gets
    /// every event and returns false to stop. Returns why generation ended.
    @discardableResult
    public func generate(prompt: [Int32], options: GenerationOptions = GenerationOptions(),
                         onToken: (GenerationEvent) throws -> Bool) throws -> StopReason {
        guard options.maxTokens >= 0 else { throw ContextError.invalidParameter("max tokens must be ≥ 0") }
        try checkSamplerCanRun()
        clearCancel()
        try feed(prompt)
        var detokenizer = StreamingDetokenizer(tokenizer: model.tokenizer)
        var stops = StopStringMatcher(options.stopStrings)
        var produced = 0
        while produced < options.maxTokens {
            if isCancelled { return .cancelled }
            if position + pending.count >= contextLength && !pending.isEmpty {
                // The pending token has no room: nothing more can be generated.
                return .contextFull
            }
            do { try runPending() } catch ContextError.cancelled { return .cancelled }
            let s = try sampleCurrent()
            produced += 1
            let ends = options.stopAtEndOfGeneration && model.isEndOfGeneration(s.token)
            let last = ends || produced == options.maxTokens
            var piece = ends ? detokenizer.finish() : try detokenizer.append(s.token)
            if last && !ends { piece += detokenizer.finish() }
            var reason: StopReason? = ends ? .endOfGeneration : nil
            let text: String
            if let cut = stops.push(piece) {
                text = cut
                reason = .stopString
            } else {
                // The last event carries everything still held back.
                text = last ? stops.flush() : stops.release()
            }
            let event = GenerationEvent(token: s.token, text: text, temperature: s.temperature, topP: s.topP,
                                        probability: s.probability,
                                        predictedTemperature: lastPrediction?.temperature,
                                        predictedTopP: lastPrediction?.topP,
                                        entropy: lastPrediction?.stats.entropy)
            if !ends { try feed([s.token]) }
            if !(try onToken(event)) { return .callback }
            if let reason { return reason }
        }
        return .maxTokens
    }
}

/// Holds back text that might be the start of a stop string, and finds stop strings that
/// span several tokens.
struct StopStringMatcher {
    let stops: [String]
    private var held = ""

    init(_ stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    /// Adds `text`; if a stop string now appears, returns the text before it (to emit last).
    mutating func push(_ text: String) -> String? {
        guard !stops.isEmpty else { held += text; return nil }
        held += text
        for stop in stops {
            let h = Array(held.utf8), n = Array(stop.utf8)
            guard h.count >= n.count else { continue }
            for start in 0...(h.count - n.count) where h[start] == n[0] && Array(h[start..<start + n.count]) == n {
                let before = String(decoding: h[..<start], as: UTF8.self)
                held = ""
                return before
            }
        }
        return nil
    }

    /// Returns what can be emitted safely: everything but the longest tail that could still
    /// grow into a stop string.
    mutating func release() -> String {
        guard !stops.isEmpty else { let out = held; held = ""; return out }
        var keep = 0
        for stop in stops {
            var n = min(stop.count - 1, held.count)
            while n > 0 {
                if stop.hasPrefix(held.suffix(n)) { keep = max(keep, n); break }
                n -= 1
            }
        }
        let out = String(held.dropLast(keep))
        held = String(held.suffix(keep))
        return out
    }

    mutating func flush() -> String {
        let out = held
        held = ""
        return out
    }
}
