/// How the next token is chosen. `autodeco` uses the heads' per-token temperature and top-p;
/// the static modes are the baselines it is compared against.
///
/// The default policy, the same in Swift, C, Python and the CLI: mode `autodeco`, which samples
/// with the heads' predictions when the context has heads and decodes greedily when it has none
/// (a small model's best static choice for pass@1-style tasks; never an error).
public struct SamplerParams: Sendable, Equatable {
    public enum Mode: Int32, Sendable {
        /// The highest-logit token.
        case greedy = 0
        /// Fixed temperature / top-k / top-p / min-p.
        case staticSampling = 1
        /// Heads' predictions combined with the user's values: T = T_pred · temperature,
        /// P = clamp(P_pred · topP, 0, 1) (the official combination). Without heads: greedy.
        case autodeco = 2
        /// The user's temperature and top-p replace the predictions (heads still reported).
        case override = 3
        /// A static pair equal to the heads' average T and P on held-out data (recorded in the
        /// checkpoint), scaled by temperature and topP like `autodeco`: the MeanShift baseline.
        case mean = 4
    }

    public var mode: Mode = .autodeco         // the default policy (above)
    public var temperature: Float = 1.0      // static T, or T_user in autodeco mode
    public var topP: Float = 1.0             // static P, or P_user in autodeco mode
    public var topK: Int = 0                 // 0 = off
    public var minP: Float = 0               // 0 = off
    public var repetitionPenalty: Float = 1  // 1 = off (llama.cpp's style: divide positive logits)
    public var repetitionWindow: Int = 64    // how many recent tokens the penalty looks at
    public var useTemperatureHead = true     // autodeco mode: false → T_pred = 1
    public var useTopPHead = true            // autodeco mode: false → P_pred = 1
    public var seed: UInt64 = 0

    public init() {}

    public static var greedy: SamplerParams {
        var p = SamplerParams()
        p.mode = .greedy
        return p
    }

    public static func fixed(temperature: Float, topP: Float = 1, topK: Int = 0, minP: Float = 0,
                             seed: UInt64 = 0) -> SamplerParams {
        var p = SamplerParams()
        p.mode = .staticSampling
        p.temperature = temperature; p.topP = topP; p.topK = topK; p.minP = minP; p.seed = seed
        return p
    }

    /// Checks ranges; the message names the offending field.
    public func validate() throws {
        guard temperature.isFinite, temperature >= 0, temperature <= 100 else {
            throw ContextError.invalidParameter("temperature \(temperature) must be in [0, 100]")
        }
        guard topP.isFinite, topP > 0, topP <= 1 || mode == .autodeco || mode == .mean else {
            throw ContextError.invalidParameter("top_p \(topP) must be in (0, 1]")
        }
        guard topP <= 100 else { throw ContextError.invalidParameter("top_p \(topP) is too large") }
        guard topK >= 0 else { throw ContextError.invalidParameter("top_k \(topK) must be ≥ 0") }
        guard minP.isFinite, minP >= 0, minP < 1 else {
            throw ContextError.invalidParameter("min_p \(minP) must be in [0, 1)")
        }
        guard repetitionPenalty.isFinite, repetitionPenalty > 0, repetitionPenalty <= 10 else {
            throw ContextError.invalidParameter("repetition penalty \(repetitionPenalty) must be in (0, 10]")
        }
        guard repetitionWindow >= 0 else { throw ContextError.invalidParameter("repetition window must be ≥ 0") }
    }
}
