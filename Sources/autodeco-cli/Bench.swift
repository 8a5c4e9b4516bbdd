import ArgumentParser
import AutoDeco
import Foundation

/// `autodeco bench` (hidden): one prefill and one greedy decode, timed, printed as a JSON line
/// for benchmarks/compare.py. Prompt tokens come from a file of ids so both engines see the
/// same input.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time prefill and greedy decode; print JSON (used by benchmarks/compare.py).",
        shouldDisplay: false)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "File of whitespace-separated prompt token ids (default: token 1 repeated).")
    var promptIds: String?

    @Option(help: "Prompt length in tokens (the ids are cut or repeated to this length).")
    var promptTokens: Int = 512

    @Option(name: [.customShort("n"), .customLong("n-predict")], help: "Tokens to decode greedily.")
    var decodeTokens: Int = 128

    @Option(help: """
        With heads attached: afterwards, decode the same tokens again REPS times with the heads \
        and REPS times without, alternating in this process, and report the heads' cost per token.
        """)
    var headsAb: Int = 0

    func run() throws {
        let model = try modelOptions.load()
        var sampler = SamplerParams()
        sampler.mode = .greedy
        var params = modelOptions.contextParams(sampler: sampler)
        params.batchSize = max(params.batchSize, promptTokens)
        let ctx = try InferenceContext(model: model, params: params)
        var ids: [Int32] = [1]
        if let path = promptIds {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            ids = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," }).compactMap { Int32($0) }
        }
        guard !ids.isEmpty else { throw ValidationError("no prompt ids") }
        var prompt: [Int32] = []
        while prompt.count < promptTokens { prompt += ids.prefix(promptTokens - prompt.count) }

        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        let t0 = now()
        try ctx.decode(prompt)
        let t1 = now()
        var generated: [Int32] = []
        var predictions: [[Double]] = []   // the heads' (T, P) per token, when attached
        var sampling: UInt64 = 0   // heads (when attached) + sampler, the part after the forward pass
        for _ in 0..<decodeTokens {
            let ts = now()
            let s = try ctx.sampleCurrent()
            sampling += now() - ts
            generated.append(s.token)
            if let p = ctx.lastPrediction { predictions.append([Double(p.temperature), Double(p.topP)]) }
            try ctx.decode([s.token])
        }
        let t2 = now()
        let headsCost = try headsCost(ctx, prompt: prompt, tokens: generated)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let prefill = Double(t1 - t0) / 1e9, decode = Double(t2 - t1) / 1e9
        let json: [String: Any] = [
            "engine": "autodeco",
            "prompt_tokens": prompt.count,
            "prefill_s": prefill,
            "prefill_tps": Double(prompt.count) / max(prefill, 1e-9),
            "decode_tokens": decodeTokens,
            "decode_s": decode,
            "decode_tps": Double(decodeTokens) / max(decode, 1e-9),
            "sample_ms_per_token": Double(sampling) / 1e6 / Double(max(decodeTokens, 1)),
            "heads": ctx.heads != nil,
            "peak_rss_mib": Double(usage.ru_maxrss) / 1024,
            "tokens": generated.map { Int($0) },
            "predictions": predictions,
            "kernels": "\(KernelLevel.current)",
        ].merging(headsCost) { a, _ in a }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// The heads' share of decode time, measured in one process so that machine noise hits
    /// both sides alike: the greedy tokens are decoded again (rewinding to the prompt) with
    /// and without the heads, alternating, `headsAb` times each; medians of the per-token
    /// times. Greedy choices do not depend on the heads, so both sides run the same tokens.
    private func headsCost(_ ctx: InferenceContext, prompt: [Int32], tokens: [Int32]) throws -> [String: Any] {
        guard headsAb > 0, let heads = ctx.heads, let last = prompt.last, !tokens.isEmpty else { return [:] }
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        var with: [Double] = [], without: [Double] = []
        for rep in 0..<(2 * headsAb) {
            let attached = rep % 2 == 0
            ctx.heads = attached ? heads : nil
            try ctx.rewind(to: prompt.count - 1)
            try ctx.decode([last])   // the prompt's last logits again, with or without the heads' work
            let t = now()
            for token in tokens {
                _ = try ctx.sampleCurrent()
                try ctx.decode([token])
            }
            let ms = Double(now() - t) / 1e6 / Double(tokens.count)
            if attached { with.append(ms) } else { without.append(ms) }
        }
        ctx.heads = heads
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
        let a = median(with), b = median(without)
        return ["heads_ab_reps": headsAb, "decode_ms_with_heads": a, "decode_ms_without_heads": b,
                "heads_cost_pct": 100 * (a - b) / b,
                // Every repetition, in order, to show the spread behind the medians.
                "decode_ms_with_heads_reps": with, "decode_ms_without_heads_reps": without]
    }
}
