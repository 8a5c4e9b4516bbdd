#if canImport(Glibc)
import Glibc
#endif
// libFuzzer entry point, compiled into the AutoDeco module itself by scripts/fuzz (so it can
// reach internal API). The target is chosen at build time with -D FUZZ_<NAME>.
// Each target feeds arbitrary bytes to one parser; any trap or sanitizer report is a bug.

#if FUZZ_GGUF
/// GGUF parsing plus everything model loading derives from it (config, weights, tokenizer).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    guard let bytes = try? MappedBytes(copying: UnsafeRawBufferPointer(start: data, count: size)),
          let file = try? GGUFFile(bytes: bytes) else { return 0 }
    _ = try? Model(file: file)
    return 0
}
#elseif FUZZ_SAFETENSORS
/// safetensors headers and the heads' layout checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    if let st = try? SafeTensors(bytes: UnsafeRawBufferPointer(start: data, count: size)) {
        _ = try? AutoDecoHeads(safetensors: st, hiddenSize: 4)
    }
    return 0
}
#elseif FUZZ_TOKENIZER || FUZZ_DETOKENIZE
/// Tokenizer encode (bytes, with and without special parsing) or decode (ids), on a real
/// vocabulary loaded once from $AUTODECO_FUZZ_MODEL.
private let fuzzTokenizer: BPETokenizer? = {
    guard let p = getenv("AUTODECO_FUZZ_MODEL"), let file = try? GGUFFile(path: String(cString: p)),
          let vocab = try? TokenizerVocabulary(gguf: file) else { return nil }
    return try? BPETokenizer(vocab)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, let tok = fuzzTokenizer else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    #if FUZZ_TOKENIZER
    _ = try? tok.encode(bytes: bytes, addSpecial: true, parseSpecial: false)
    _ = try? tok.encode(bytes: bytes, addSpecial: false, parseSpecial: true)
    #else
    var ids: [Int32] = []
    var i = 0
    while i + 4 <= bytes.count {
        ids.append(Int32(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24) % 200_000)
        i += 4
    }
    _ = try? tok.decode(ids)
    var stream = StreamingDetokenizer(tokenizer: tok)
    for id in ids { _ = try? stream.append(id) }
    _ = stream.finish()
    #endif
    return 0
}
#elseif FUZZ_TEMPLATE
/// Chat template parsing and rendering: the first line is the template, the rest messages.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\u{1}", maxSplits: 1, omittingEmptySubsequences: false)
    let source = String(parts[0])
    let content = parts.count > 1 ? String(parts[1]) : "hello"
    if let t = try? ChatTemplate(source: source) {
        _ = try? t.render(messages: [ChatMessage(role: "system", content: content), ChatMessage(role: "user", content: content)],
                          addGenerationPrompt: true)
    }
    return 0
}
#elseif FUZZ_JSON
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    _ = try? JSON.parse(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#endif
