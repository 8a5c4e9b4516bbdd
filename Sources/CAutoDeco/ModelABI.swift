import AutoDeco
import AutoDecoHeader

/// The object behind an `autodeco_model *`: the engine's model plus C strings it hands out.
final class ModelBox {
    let model: Model
    let desc: UnsafePointer<CChar>

    init(_ model: Model) {
        self.model = model
        desc = makeStaticCString(model.description)
    }

    deinit { UnsafeMutablePointer(mutating: desc).deallocate() }

    var handle: OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    static func from(_ p: OpaquePointer?) throws -> ModelBox {
        guard let p else { throw ABIError.invalid("model is NULL") }
        return Unmanaged<ModelBox>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }

    static func peek(_ p: OpaquePointer?) -> ModelBox? {
        guard let p else { return nil }
        return Unmanaged<ModelBox>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }
}

@_cdecl("autodeco_model_default_params")
public func autodeco_model_default_params() -> autodeco_model_params {
    autodeco_model_params(heads_path: nil, find_heads: true, copy_to_memory: false)
}

@_cdecl("autodeco_model_load")
public func autodeco_model_load(_ path: UnsafePointer<CChar>?, _ params: autodeco_model_params,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guarded {
        guard let out else { throw ABIError.invalid("out_model is NULL") }
        out.pointee = nil
        let p = try cString(path, "path")
        let heads = params.heads_path == nil ? nil : try cString(params.heads_path, "params.heads_path")
        let model = try Model(path: p, headsPath: heads, findHeads: params.find_heads, copyToMemory: params.copy_to_memory)
        logLoaded(model, from: p)
        out.pointee = ModelBox(model).handle
    }
}

@_cdecl("autodeco_model_load_from_memory")
public func autodeco_model_load_from_memory(_ data: UnsafeRawPointer?, _ size: Int,
                                            _ params: autodeco_model_params,
                                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guarded {
        guard let out else { throw ABIError.invalid("out_model is NULL") }
        out.pointee = nil
        guard let data else { throw ABIError.invalid("data is NULL") }
        guard size > 0 else { throw ABIError.invalid("size is 0") }
        let bytes = try MappedBytes(copying: UnsafeRawBufferPointer(start: data, count: size))
        let file = try GGUFFile(bytes: bytes)
        var heads: AutoDecoHeads? = nil
        if params.heads_path != nil {
            heads = try HeadsLoader.load(path: try cString(params.heads_path, "params.heads_path"), for: HeadsIdentity(file: file))
        }
        let model = try Model(file: file, heads: heads)
        logLoaded(model, from: "memory (\(size) bytes)")
        out.pointee = ModelBox(model).handle
    }
}

/// INFO lines for a loaded model: what it is, its heads, and the kernel level in use.
private func logLoaded(_ model: Model, from source: String) {
    Log.info("loaded \(source): \(model.description)")
    if let h = model.defaultHeads {
        Log.info("AutoDeco heads: \(h.source.isEmpty ? "attached" : h.source)")
    } else {
        Log.info("no AutoDeco heads found for this model: the default sampler decodes greedily (autodeco_context_load_heads attaches heads)")
    }
    Log.info("kernels: \(KernelLevel.current) (of \(KernelLevel.detected) on this CPU)")
}

@_cdecl("autodeco_model_free")
public func autodeco_model_free(_ model: OpaquePointer?) {
    guard let model else { return }
    Unmanaged<ModelBox>.fromOpaque(UnsafeRawPointer(model)).release()
}

@_cdecl("autodeco_model_desc")
public func autodeco_model_desc(_ model: OpaquePointer?) -> UnsafePointer<CChar> {
    ModelBox.peek(model)?.desc ?? emptyCString
}

@_cdecl("autodeco_model_n_vocab")
public func autodeco_model_n_vocab(_ model: OpaquePointer?) -> Int32 {
    Int32(clamping: ModelBox.peek(model)?.model.config.vocabSize ?? 0)
}

@_cdecl("autodeco_model_n_embd")
public func autodeco_model_n_embd(_ model: OpaquePointer?) -> Int32 {
    Int32(clamping: ModelBox.peek(model)?.model.config.dim ?? 0)
}

@_cdecl("autodeco_model_n_layer")
public func autodeco_model_n_layer(_ model: OpaquePointer?) -> Int32 {
    Int32(clamping: ModelBox.peek(model)?.model.config.layerCount ?? 0)
}

@_cdecl("autodeco_model_n_ctx_train")
public func autodeco_model_n_ctx_train(_ model: OpaquePointer?) -> Int32 {
    Int32(clamping: ModelBox.peek(model)?.model.config.contextLength ?? 0)
}

@_cdecl("autodeco_model_meta")
public func autodeco_model_meta(_ model: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                                _ buf: UnsafeMutablePointer<CChar>?, _ bufSize: Int) -> Int32 {
    guardedLength {
        let box = try ModelBox.from(model)
        let k = try cString(key, "key")
        guard let value = box.model.file.value(k) else { throw ABIError.invalid("no metadata key '\(k)'") }
        let text: String
        if case let .string(str) = value { text = str } else { text = value.summary }
        return try writeSnprintf(bytes: Array(text.utf8), buf, bufSize)
    }
}
