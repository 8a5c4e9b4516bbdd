import AutoDeco
import Foundation

/// A generation trace: one record per generated token with the decoding values used and
/// predicted. Serialised as JSON (schema in docs/trace-schema.json) and rendered as HTML.
struct TraceDocument {
    struct Token {
        var index: Int
        var id: Int32
        var text: String
        var temperature: Float
        var topP: Float
        var probability: Float
        var predictedTemperature: Float?
        var predictedTopP: Float?
        var entropy: Float?
    }

    var model: String
    var heads: String?
    var prompt: String
    var instruction: String?
    var sampler: String
    var stopReason: String
    var tokens: [Token] = []

    static let schemaVersion = 1

    struct Summary {
        var count: Int
        var meanT: Float, minT: Float, maxT: Float
        var meanP: Float, minP: Float, maxP: Float
        var meanProbability: Float
        var meanEntropy: Float?
    }

    var summary: Summary {
        let t = tokens.map(\.temperature), p = tokens.map(\.topP), q = tokens.map(\.probability)
        let e = tokens.compactMap(\.entropy)
        func mean(_ v: [Float]) -> Float { v.isEmpty ? 0 : v.reduce(0, +) / Float(v.count) }
        return Summary(count: tokens.count, meanT: mean(t), minT: t.min() ?? 0, maxT: t.max() ?? 0,
                       meanP: mean(p), minP: p.min() ?? 0, maxP: p.max() ?? 0, meanProbability: mean(q),
                       meanEntropy: e.isEmpty ? nil : mean(e))
    }

    var json: JSON {
        func num(_ v: Float) -> JSON { .number((Double(v) * 1e6).rounded() / 1e6) }
        func opt(_ v: Float?) -> JSON { v.map(num) ?? .null }
        let s = summary
        return .object([
            ("schema_version", .number(Double(TraceDocument.schemaVersion))),
            ("model", .string(model)),
            ("heads", heads.map { .string($0) } ?? .null),
            ("prompt", .string(prompt)),
            ("instruction", instruction.map { .string($0) } ?? .null),
            ("sampler", .string(sampler)),
            ("stop_reason", .string(stopReason)),
            ("summary", .object([
                ("tokens", .number(Double(s.count))),
                ("temperature", .object([("mean", num(s.meanT)), ("min", num(s.minT)), ("max", num(s.maxT))])),
                ("top_p", .object([("mean", num(s.meanP)), ("min", num(s.minP)), ("max", num(s.maxP))])),
                ("mean_probability", num(s.meanProbability)),
                ("mean_entropy", opt(s.meanEntropy)),
            ])),
            ("tokens", .array(tokens.map { t in
                .object([("index", .number(Double(t.index))), ("id", .number(Double(t.id))), ("text", .string(t.text)),
                         ("temperature", num(t.temperature)), ("top_p", num(t.topP)), ("probability", num(t.probability)),
                         ("predicted_temperature", opt(t.predictedTemperature)), ("predicted_top_p", opt(t.predictedTopP)),
                         ("entropy", opt(t.entropy))])
            })),
        ])
    }
}
