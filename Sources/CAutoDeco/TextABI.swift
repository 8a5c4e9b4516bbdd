import AutoDeco
import AutoDecoHeader

/// Caller bytes as an array; NULL is allowed only for an empty range.
func bytesArray(_ p: UnsafePointer<CChar>?, _ length: Int32, _ name: String) throws -> [UInt8] {
    guard length >= 0 else { throw ABIError.invalid("\(name)_len is negative") }
    if length == 0 { return [] }
    guard let p else { throw ABIError.invalid("\(name) is NULL") }
    return p.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
}

/// Copies bytes into a caller's buffer (snprintf convention: at most bufSize bytes including a
/// NUL); returns the full length. The one implementation behind every text-returning call.
func writeSnprintf(bytes: [UInt8], _ buf: UnsafeMutablePointer<CChar>?, _ bufSize: Int) throws -> Int32 {
    guard bufSize >= 0 else { throw ABIError.invalid("buf_size is negative") }
    guard bytes.count < Int(Int32.max) else { throw ABIError.invalid("output longer than 2 GiB") }
    if bufSize > 0 {
        guard let buf else { throw ABIError.invalid("buf is NULL but buf_size is \(bufSize)") }
        let n = min(bytes.count, Int(bufSize) - 1)
        for i in 0..<n { buf[i] = CChar(bitPattern: bytes[i]) }
        buf[n] = 0
    }
    return Int32(bytes.count)
}

/// Runs `body`, returning its length on success and the error status otherwise.
func guardedLength(_ body: () throws -> Int32) -> Int32 {
    var length: Int32 = 0
    let s = guarded { length = try body() }
    return s == 0 ? length : s
}

@_cdecl("autodeco_tokenize")
public func autodeco_tokenize(_ model: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ textLen: Int32,
                              _ tokens: UnsafeMutablePointer<Int32>?, _ nMax: Int32, _ addSpecial: Bool,
                              _ parseSpecial: Bool, _ outN: UnsafeMutablePointer<Int32>?) -> Int32 {
    guarded {
        let box = try ModelBox.from(model)
        guard let outN else { throw ABIError.invalid("out_n_tokens is NULL") }
        outN.pointee = 0
        guard nMax >= 0 else { throw ABIError.invalid("n_max is negative") }
        let ids = try box.model.tokenizer.encode(bytes: try bytesArray(text, textLen, "text"),
                                                 addSpecial: addSpecial, parseSpecial: parseSpecial)
        outN.pointee = Int32(clamping: ids.count)
        guard ids.count <= Int(nMax) else {
            throw ABIError(status: .bufferTooSmall, message: "\(ids.count) tokens do not fit in n_max = \(nMax)")
        }
        if !ids.isEmpty {
            guard let tokens else { throw ABIError.invalid("tokens is NULL") }
            for (i, id) in ids.enumerated() { tokens[i] = id }
        }
    }
}

@_cdecl("autodeco_detokenize")
public func autodeco_detokenize(_ model: OpaquePointer?, _ tokens: UnsafePointer<Int32>?, _ n: Int32,
                                _ buf: UnsafeMutablePointer<CChar>?, _ bufSize: Int32, _ renderSpecial: Bool) -> Int32 {
    guardedLength {
        let box = try ModelBox.from(model)
        guard n >= 0 else { throw ABIError.invalid("n_tokens is negative") }
        var ids: [Int32] = []
        if n > 0 {
            guard let tokens else { throw ABIError.invalid("tokens is NULL") }
            ids = Array(UnsafeBufferPointer(start: tokens, count: Int(n)))
        }
        return try writeSnprintf(bytes: try box.model.tokenizer.decode(ids, renderSpecial: renderSpecial), buf, Int(bufSize))
    }
}

@_cdecl("autodeco_token_eos")
public func autodeco_token_eos(_ model: OpaquePointer?) -> Int32 { ModelBox.peek(model)?.model.tokenizer.eosId ?? -1 }

@_cdecl("autodeco_token_eot")
public func autodeco_token_eot(_ model: OpaquePointer?) -> Int32 { ModelBox.peek(model)?.model.tokenizer.eotId ?? -1 }

@_cdecl("autodeco_token_bos")
public func autodeco_token_bos(_ model: OpaquePointer?) -> Int32 { ModelBox.peek(model)?.model.tokenizer.bosId ?? -1 }

@_cdecl("autodeco_token_is_eog")
public func autodeco_token_is_eog(_ model: OpaquePointer?, _ token: Int32) -> Bool {
    ModelBox.peek(model)?.model.isEndOfGeneration(token) ?? false
}

@_cdecl("autodeco_apply_chat_template")
public func autodeco_apply_chat_template(_ model: OpaquePointer?, _ tmpl: UnsafePointer<CChar>?,
                                         _ messages: UnsafePointer<autodeco_chat_message>?, _ n: Int32,
                                         _ addGenerationPrompt: Bool, _ buf: UnsafeMutablePointer<CChar>?,
                                         _ bufSize: Int32) -> Int32 {
    guardedLength {
        let box = try ModelBox.from(model)
        guard n >= 0 else { throw ABIError.invalid("n_messages is negative") }
        var list: [ChatMessage] = []
        if n > 0 {
            guard let messages else { throw ABIError.invalid("messages is NULL") }
            for i in 0..<Int(n) {
                list.append(ChatMessage(role: try cString(messages[i].role, "messages[\(i)].role"),
                                        content: try cString(messages[i].content, "messages[\(i)].content")))
            }
        }
        let template = tmpl == nil ? nil : try cString(tmpl, "tmpl")
        let text = try box.model.renderChat(list, addGenerationPrompt: addGenerationPrompt, template: template)
        return try writeSnprintf(bytes: Array(text.utf8), buf, Int(bufSize))
    }
}

@_cdecl("autodeco_generate_default_params")
public func autodeco_generate_default_params() -> autodeco_generate_params {
    autodeco_generate_params(max_tokens: Int32(GenerationOptions().maxTokens), stop: nil, n_stop: 0)
}

@_cdecl("autodeco_generate")
public func autodeco_generate(_ ctx: OpaquePointer?, _ prompt: UnsafePointer<CChar>?, _ promptLen: Int32,
                              _ params: autodeco_generate_params, _ callback: autodeco_token_callback?,
                              _ userData: UnsafeMutableRawPointer?, _ outReason: UnsafeMutablePointer<Int32>?) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        let options = try GenerationOptions(params)
        let ids = try promptTokens(box, prompt, promptLen)
        let reason = try box.context.generate(prompt: ids, options: options) { event in
            box.hasLogits = true
            guard let callback else { return true }
            return withCEvent(event) { callback($0, userData) }
        }
        outReason?.pointee = reason.code
    }
}

@_cdecl("autodeco_generate_batch")
public func autodeco_generate_batch(_ ctx: OpaquePointer?, _ prompt: UnsafePointer<CChar>?, _ promptLen: Int32,
                                    _ params: autodeco_generate_params, _ nSeq: Int32,
                                    _ callback: autodeco_batch_callback?, _ userData: UnsafeMutableRawPointer?,
                                    _ outReasons: UnsafeMutablePointer<Int32>?) -> Int32 {
    guarded {
        try generateBatch(ctx, prompt, promptLen, params, nSeq, samplers: nil, callback, userData, outReasons)
    }
}

@_cdecl("autodeco_generate_batch_samplers")
public func autodeco_generate_batch_samplers(_ ctx: OpaquePointer?, _ prompt: UnsafePointer<CChar>?, _ promptLen: Int32,
                                             _ params: autodeco_generate_params, _ nSeq: Int32,
                                             _ samplers: UnsafePointer<autodeco_sampler_params>?,
                                             _ callback: autodeco_batch_callback?, _ userData: UnsafeMutableRawPointer?,
                                             _ outReasons: UnsafeMutablePointer<Int32>?) -> Int32 {
    guarded {
        guard let samplers else { throw ABIError.invalid("samplers is NULL") }
        try generateBatch(ctx, prompt, promptLen, params, nSeq, samplers: samplers, callback, userData, outReasons)
    }
}

/// Both batch entry points: n_seq is checked before `samplers` (n_seq entries) is read.
private func generateBatch(_ ctx: OpaquePointer?, _ prompt: UnsafePointer<CChar>?, _ promptLen: Int32,
                           _ params: autodeco_generate_params, _ nSeq: Int32,
                           samplers: UnsafePointer<autodeco_sampler_params>?,
                           _ callback: autodeco_batch_callback?, _ userData: UnsafeMutableRawPointer?,
                           _ outReasons: UnsafeMutablePointer<Int32>?) throws {
    let box = try ContextBox.from(ctx)
    let capacity = box.context.params.sequenceCapacity
    guard nSeq >= 1, Int(nSeq) <= capacity else {
        throw ABIError.invalid("n_seq is \(nSeq); it must be in [1, \(capacity)] (the context's n_seq_max)")
    }
    let settings = try samplers.map { s in
        try (0..<Int(nSeq)).map { i in
            do { return try SamplerParams(s[i]) } catch let e as ABIError {
                throw ABIError(status: e.status, message: "samplers[\(i)]: \(e.message)")
            } catch ContextError.invalidParameter(let why) {
                throw ABIError.invalid("samplers[\(i)]: \(why)")
            }
        }
    }
    let options = try GenerationOptions(params)
    let ids = try promptTokens(box, prompt, promptLen)
    box.hasLogits = false   // the last forward pass belongs to no single position of the context
    let reasons = try box.context.generateBatch(prompt: ids, options: Array(repeating: options, count: Int(nSeq)),
                                                samplers: settings) { seq, event in
        guard let callback else { return true }
        return withCEvent(event) { callback(Int32(seq), $0, userData) }
    }
    if let outReasons {
        for (i, r) in reasons.enumerated() { outReasons[i] = r.code }
    }
}

@_cdecl("autodeco_generate_requests")
public func autodeco_generate_requests(_ ctx: OpaquePointer?, _ requests: UnsafePointer<autodeco_request>?,
                                       _ nRequests: Int32, _ callback: autodeco_batch_callback?,
                                       _ userData: UnsafeMutableRawPointer?,
                                       _ outReasons: UnsafeMutablePointer<Int32>?) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        guard nRequests >= 0 else { throw ABIError.invalid("n_requests is \(nRequests)") }
        guard nRequests == 0 || requests != nil else { throw ABIError.invalid("requests is NULL") }
        var list: [GenerationRequest] = []
        for i in 0..<Int(nRequests) {
            guard let r = requests?[i] else { break }
            do {
                list.append(GenerationRequest(prompt: try promptTokens(box, r.prompt, r.prompt_len),
                                              options: try GenerationOptions(r.params),
                                              sampler: try r.sampler.map { try SamplerParams($0.pointee) }))
            } catch let e as ABIError {
                throw ABIError(status: e.status, message: "requests[\(i)]: \(e.message)")
            } catch ContextError.invalidParameter(let why) {
                throw ABIError.invalid("requests[\(i)]: \(why)")
            }
        }
        box.hasLogits = false   // the last forward pass belongs to no position of the context
        let reasons = try box.context.generateRequests(list) { i, event in
            guard let callback else { return true }
            return withCEvent(event) { callback(Int32(i), $0, userData) }
        }
        if let outReasons {
            for (i, r) in reasons.enumerated() { outReasons[i] = r.code }
        }
    }
}

extension GenerationOptions {
    init(_ params: autodeco_generate_params) throws {
        self.init()
        guard params.max_tokens >= 0 else { throw ABIError.invalid("max_tokens is negative") }
        maxTokens = Int(params.max_tokens)
        guard params.n_stop >= 0 else { throw ABIError.invalid("n_stop is negative") }
        if params.n_stop > 0 {
            guard let stop = params.stop else { throw ABIError.invalid("stop is NULL but n_stop is \(params.n_stop)") }
            for i in 0..<Int(params.n_stop) { stopStrings.append(try cString(stop[i], "stop[\(i)]")) }
        }
    }
}

extension StopReason {
    /// The autodeco_stop_reason value.
    var code: Int32 {
        switch self {
        case .endOfGeneration: return 0
        case .maxTokens: return 1
        case .stopString: return 2
        case .callback: return 3
        case .cancelled: return 4
        case .contextFull: return 5
        }
    }
}

/// A prompt's token ids as autodeco_generate reads it (parse_special, never empty).
private func promptTokens(_ box: ContextBox, _ prompt: UnsafePointer<CChar>?, _ promptLen: Int32) throws -> [Int32] {
    let promptBytes = try bytesArray(prompt, promptLen, "prompt")
    let ids = try box.context.model.tokenizer.encode(bytes: promptBytes, addSpecial: true, parseSpecial: true)
    guard !ids.isEmpty else { throw ABIError.invalid("the prompt is empty") }
    return ids
}

/// Calls `body` with `event` as a C autodeco_generation_event (its text valid during the call).
private func withCEvent(_ event: GenerationEvent, _ body: (UnsafePointer<autodeco_generation_event>) -> Bool) -> Bool {
    var utf8 = Array(event.text.utf8)
    utf8.append(0)
    return utf8.withUnsafeBufferPointer { text in
        let info = autodeco_token_info(token: event.token, temperature: event.temperature, topP: event.topP,
                                       probability: event.probability, predictedTemperature: event.predictedTemperature,
                                       predictedTopP: event.predictedTopP)
        var e = autodeco_generation_event(info: info, text: text.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                          text_len: Int32(text.count - 1))
        return body(&e)
    }
}

@_cdecl("autodeco_log_set")
public func autodeco_log_set(_ callback: autodeco_log_callback?, _ userData: UnsafeMutableRawPointer?) {
    Log.set(callback: callback, userData: userData)
}
