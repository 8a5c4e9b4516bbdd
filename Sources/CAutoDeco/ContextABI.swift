import AutoDeco
import AutoDecoHeader

/// The object behind an `autodeco_context *`. Holds its model's box so the model's C strings
/// stay valid; the caller must still free contexts before models (documented rule).
final class ContextBox {
    let context: InferenceContext
    let modelBox: ModelBox
    var hasLogits = false

    init(_ context: InferenceContext, modelBox: ModelBox) {
        self.context = context
        self.modelBox = modelBox
    }

    var handle: OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    static func from(_ p: OpaquePointer?) throws -> ContextBox {
        guard let p else { throw ABIError.invalid("ctx is NULL") }
        return Unmanaged<ContextBox>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }

    static func peek(_ p: OpaquePointer?) -> ContextBox? {
        guard let p else { return nil }
        return Unmanaged<ContextBox>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }
}

extension SamplerParams {
    init(_ c: autodeco_sampler_params) throws {
        self.init()
        guard let m = Mode(rawValue: c.mode) else {
            throw ABIError.invalid("sampler.mode \(c.mode) is not an autodeco_sampler_mode (0–4)")
        }
        mode = m
        temperature = c.temperature
        topP = c.top_p
        guard c.top_k >= 0 else { throw ABIError.invalid("sampler.top_k \(c.top_k) must be ≥ 0") }
        topK = Int(c.top_k)
        minP = c.min_p
        repetitionPenalty = c.repetition_penalty
        guard c.repetition_window >= 0 else { throw ABIError.invalid("sampler.repetition_window must be ≥ 0") }
        repetitionWindow = Int(c.repetition_window)
        useTemperatureHead = c.use_temperature_head
        useTopPHead = c.use_top_p_head
        seed = c.seed
        try validate()
    }

    var cValue: autodeco_sampler_params {
        autodeco_sampler_params(mode: mode.rawValue, temperature: temperature, top_p: topP, top_k: Int32(clamping: topK),
                                min_p: minP, repetition_penalty: repetitionPenalty,
                                repetition_window: Int32(clamping: repetitionWindow),
                                use_temperature_head: useTemperatureHead, use_top_p_head: useTopPHead, seed: seed)
    }
}

func tokenArray(_ tokens: UnsafePointer<Int32>?, _ n: Int32) throws -> [Int32] {
    guard n > 0 else { throw ABIError.invalid("n_tokens is \(n); at least one token is needed") }
    guard let tokens else { throw ABIError.invalid("tokens is NULL") }
    return Array(UnsafeBufferPointer(start: tokens, count: Int(n)))
}

extension autodeco_token_info {
    /// The one place a token's C description is made (steps, samples and generation events):
    /// a missing prediction (no heads) is reported as -1.
    init(token: Int32, temperature: Float, topP: Float, probability: Float,
         predictedTemperature: Float?, predictedTopP: Float?) {
        self.init(token: token, temperature: temperature, top_p: topP, probability: probability,
                  predicted_temperature: predictedTemperature ?? -1, predicted_top_p: predictedTopP ?? -1)
    }
}

func fill(_ out: UnsafeMutablePointer<autodeco_token_info>, _ s: SampledToken, _ prediction: InferenceContext.Prediction?) {
    out.pointee = autodeco_token_info(token: s.token, temperature: s.temperature, topP: s.topP, probability: s.probability,
                                      predictedTemperature: prediction?.temperature, predictedTopP: prediction?.topP)
}

@_cdecl("autodeco_sampler_default_params")
public func autodeco_sampler_default_params() -> autodeco_sampler_params {
    SamplerParams().cValue  // the engine's defaults: AutoDeco with heads, greedy without
}

@_cdecl("autodeco_context_default_params")
public func autodeco_context_default_params() -> autodeco_context_params {
    let d = ContextParams()
    return autodeco_context_params(n_ctx: Int32(d.contextLength), n_batch: Int32(d.batchSize),
                                   n_threads: Int32(d.threads), sampler: autodeco_sampler_default_params(),
                                   memory_limit: d.memoryLimit, n_seq_max: Int32(d.sequenceCapacity))
}

@_cdecl("autodeco_context_create")
public func autodeco_context_create(_ model: OpaquePointer?, _ params: autodeco_context_params,
                                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guarded {
        guard let out else { throw ABIError.invalid("out_ctx is NULL") }
        out.pointee = nil
        let box = try ModelBox.from(model)
        var p = ContextParams()
        p.contextLength = Int(params.n_ctx)
        p.batchSize = Int(params.n_batch)
        p.threads = Int(params.n_threads)
        p.sampler = try SamplerParams(params.sampler)
        p.memoryLimit = params.memory_limit
        p.sequenceCapacity = Int(params.n_seq_max)
        let context = try InferenceContext(model: box.model, params: p)
        Log.info("context: n_ctx \(p.contextLength), n_batch \(p.batchSize), threads \(context.threadCount), "
                 + "sequences \(p.sequenceCapacity), buffers \(p.memoryNeeded(for: box.model.config) >> 20) MiB")
        out.pointee = ContextBox(context, modelBox: box).handle
    }
}

@_cdecl("autodeco_context_free")
public func autodeco_context_free(_ ctx: OpaquePointer?) {
    guard let ctx else { return }
    Unmanaged<ContextBox>.fromOpaque(UnsafeRawPointer(ctx)).release()
}

@_cdecl("autodeco_context_n_ctx")
public func autodeco_context_n_ctx(_ ctx: OpaquePointer?) -> Int32 {
    Int32(clamping: ContextBox.peek(ctx)?.context.contextLength ?? 0)
}

@_cdecl("autodeco_context_n_past")
public func autodeco_context_n_past(_ ctx: OpaquePointer?) -> Int32 {
    Int32(clamping: ContextBox.peek(ctx)?.context.position ?? 0)
}

@_cdecl("autodeco_context_set_sampler")
public func autodeco_context_set_sampler(_ ctx: OpaquePointer?, _ params: autodeco_sampler_params) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        try box.context.setSampler(try SamplerParams(params))
    }
}

@_cdecl("autodeco_decode")
public func autodeco_decode(_ ctx: OpaquePointer?, _ tokens: UnsafePointer<Int32>?, _ n: Int32) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        try box.context.decode(try tokenArray(tokens, n))
        box.hasLogits = true
    }
}

@_cdecl("autodeco_feed")
public func autodeco_feed(_ ctx: OpaquePointer?, _ tokens: UnsafePointer<Int32>?, _ n: Int32) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        try box.context.feed(try tokenArray(tokens, n))
    }
}

@_cdecl("autodeco_step")
public func autodeco_step(_ ctx: OpaquePointer?, _ out: UnsafeMutablePointer<autodeco_token_info>?) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        guard let out else { throw ABIError.invalid("out is NULL") }
        guard !box.context.pending.isEmpty else {
            throw ABIError.invalid("nothing to run: feed a prompt with autodeco_feed() first")
        }
        let s = try box.context.step()  // the engine's step: forward pass, sample, queue the token
        box.hasLogits = true
        fill(out, s, box.context.lastPrediction)
    }
}

@_cdecl("autodeco_step_text")
public func autodeco_step_text(_ ctx: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ bufSize: Int32) -> Int32 {
    guardedLength {
        let box = try ContextBox.from(ctx)
        return try writeSnprintf(bytes: Array(box.context.stepText.utf8), buf, Int(bufSize))
    }
}

@_cdecl("autodeco_sample")
public func autodeco_sample(_ ctx: OpaquePointer?, _ out: UnsafeMutablePointer<autodeco_token_info>?) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        guard let out else { throw ABIError.invalid("out is NULL") }
        guard box.hasLogits else { throw ABIError.invalid("nothing decoded yet: call autodeco_decode() first") }
        let s = try box.context.sampleCurrent()
        fill(out, s, box.context.lastPrediction)
    }
}

@_cdecl("autodeco_get_logits")
public func autodeco_get_logits(_ ctx: OpaquePointer?) -> UnsafePointer<Float>? {
    guard let box = ContextBox.peek(ctx), box.hasLogits else { return nil }
    return box.context.logits.baseAddress
}

@_cdecl("autodeco_get_hidden")
public func autodeco_get_hidden(_ ctx: OpaquePointer?) -> UnsafePointer<Float>? {
    guard let box = ContextBox.peek(ctx), box.hasLogits else { return nil }
    return box.context.lastHidden.baseAddress
}

@_cdecl("autodeco_context_reset")
public func autodeco_context_reset(_ ctx: OpaquePointer?) {
    guard let box = ContextBox.peek(ctx) else { return }
    box.context.reset()
    box.hasLogits = false
}

@_cdecl("autodeco_context_rewind")
public func autodeco_context_rewind(_ ctx: OpaquePointer?, _ nKeep: Int32) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        try box.context.rewind(to: Int(nKeep))
        box.hasLogits = false
    }
}

@_cdecl("autodeco_cancel")
public func autodeco_cancel(_ ctx: OpaquePointer?) {
    ContextBox.peek(ctx)?.context.cancel()
}

@_cdecl("autodeco_context_load_heads")
public func autodeco_context_load_heads(_ ctx: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        let p = try cString(path, "path")
        box.context.heads = try HeadsLoader.load(path: p, for: HeadsIdentity(model: box.context.model))
    }
}

@_cdecl("autodeco_context_has_heads")
public func autodeco_context_has_heads(_ ctx: OpaquePointer?) -> Bool {
    ContextBox.peek(ctx)?.context.heads != nil
}

@_cdecl("autodeco_predict")
public func autodeco_predict(_ ctx: OpaquePointer?, _ t: UnsafeMutablePointer<Float>?, _ p: UnsafeMutablePointer<Float>?) -> Int32 {
    guarded {
        let box = try ContextBox.from(ctx)
        guard let t, let p else { throw ABIError.invalid("out_temperature or out_top_p is NULL") }
        guard box.hasLogits else { throw ABIError.invalid("nothing decoded yet") }
        guard let prediction = box.context.predict() else { throw ContextError.noHeads }
        t.pointee = prediction.temperature
        p.pointee = prediction.topP
    }
}
