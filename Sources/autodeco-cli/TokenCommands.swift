import ArgumentParser
import AutoDeco
import Foundation

/// `autodeco tokenize`: text on standard input → JSON array of ids.
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Tokenize standard input; print a JSON array of ids.")

    @Option(name: [.customShort("m"), .customLong("model")], help: "Path to a .gguf file.")
    var model: String

    @Flag(help: "Recognise special-token text such as <|im_start|>.")
    var special = false

    @Flag(name: .customLong("no-bos"), help: "Never add BOS (neither of our models adds one anyway).")
    var noBOS = false

    func run() throws {
        let m = try Model(path: model, findHeads: false)
        let ids = try m.tokenizer.encode(readStandardInput(), addSpecial: !noBOS, parseSpecial: special)
        print("[" + ids.map(String.init).joined(separator: ", ") + "]")
    }
}

/// `autodeco detokenize`: JSON array of ids on standard input → text.
struct Detokenize: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read a JSON array of ids from standard input; print the text.")

    @Option(name: [.customShort("m"), .customLong("model")], help: "Path to a .gguf file.")
    var model: String

    @Flag(help: "Render control tokens as their text.")
    var special = false

    func run() throws {
        let m = try Model(path: model, findHeads: false)
        let input = readStandardInput()
        guard let json = try? JSON.parse(input), let items = json.arrayValue else {
            throw ValidationError("standard input is not a JSON array of token ids")
        }
        var ids: [Int32] = []
        for item in items {
            guard let v = item.intValue, let id = Int32(exactly: v) else { throw ValidationError("\(item.serialized) is not a token id") }
            ids.append(id)
        }
        FileHandle.standardOutput.write(Data(try m.tokenizer.decode(ids, renderSpecial: special)))
    }
}

/// `autodeco logits`: standard input → top-K ids and logits of the last position.
struct Logits: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run standard input through the model; print the last position's top logits.")

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "How many of the largest logits to print.")
    var top: Int = 10

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Recognise special-token text such as <|im_start|>.")
    var special = false

    func run() throws {
        let model = try modelOptions.load()
        let ctx = try InferenceContext(model: model, params: modelOptions.contextParams())
        let ids = try model.tokenizer.encode(readStandardInput(), parseSpecial: special)
        guard !ids.isEmpty else { throw ValidationError("empty input") }
        try ctx.decode(ids)
        let l = Array(ctx.logits)
        let best = l.indices.sorted { l[$0] > l[$1] }.prefix(max(top, 1))
        if json {
            let entries: [JSON] = best.map { i in
                .object([("id", .number(Double(i))), ("logit", .number(Double(l[i]))),
                         ("text", .string((try? model.tokenizer.decodeText([Int32(i)])) ?? ""))])
            }
            print(JSON.object([("tokens", .number(Double(ids.count))), ("top", .array(entries))]).serialized)
        } else {
            for i in best {
                print(String(format: "%7d %10.4f ", i, l[i]) + ((try? model.tokenizer.decodeText([Int32(i)])) ?? "").debugDescription)
            }
        }
    }
}

/// `autodeco dump`: hidden states and logits of every position, for reference scripts.
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write each position's final hidden state and logits (float32: H then V values per position).")

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Text to run (tokenized without special tokens).")
    var text: String

    @Option(name: .customLong("ids-out"), help: "Where to write the token ids as JSON.")
    var idsOut: String

    @Option(name: .short, help: "Output file.")
    var output: String

    func run() throws {
        let model = try modelOptions.load()
        var p = modelOptions.contextParams()
        p.batchSize = 1  // one position per pass: every position's logits
        let ctx = try InferenceContext(model: model, params: p)
        let ids = try model.tokenizer.encode(text)
        var out = Data()
        for id in ids {
            try ctx.decode([id])
            out.append(UnsafeRawBufferPointer(ctx.lastHidden).bindMemory(to: UInt8.self))
            out.append(UnsafeRawBufferPointer(ctx.logits).bindMemory(to: UInt8.self))
        }
        try out.write(to: URL(fileURLWithPath: output))
        try ("[" + ids.map(String.init).joined(separator: ",") + "]").write(toFile: idsOut, atomically: true, encoding: .utf8)
    }
}
