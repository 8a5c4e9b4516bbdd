#if canImport(Glibc)
import Glibc
#endif

/// Settings of `HeadsTrainer`.
public struct TrainerConfig: Sendable {
    public var learningRate: Float = 1e-3
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0.01
    /// Steps of linear warm-up, then cosine decay to zero at `totalSteps`.
    public var warmupSteps = 20
    public var totalSteps = 1000
    /// Global gradient-norm clip (0 = off).
    public var clipNorm: Float = 1.0
    public var batchPositions = 64
    /// Share of easy positions (argmax(l) == y) dropped from the temperature loss.
    public var easyDropFraction = 0.6
    public var seed: UInt64 = 0
    /// Logits put in exact order per position (the rest stay in vocabulary order; see
    /// `SoftTopPObjective.sortHeadDescending`); nil sorts the whole vocabulary.
    public var sortedHead: Int? = 8192
    /// Weight of the temperature loss in the total (1 = the official loss; 0 trains T on the
    /// soft top-p loss alone, an ablation).
    public var temperatureLossWeight: Double = 1
    /// Instruction control: weight of the ranking loss, control rows per step, margins.
    public var controlWeight: Double = 1
    public var controlRows = 16
    public var controlMargins = RankingObjective.Margins()
    /// Rejected tokens (`RejectedTokenObjective`): weight of their loss and positions per step.
    public var rejectedWeight: Double = 1
    public var rejectedRows = 16

    public init() {}

    func validate() throws {
        guard learningRate > 0, learningRate.isFinite, (0..<1).contains(beta1), (0..<1).contains(beta2),
              epsilon > 0, weightDecay >= 0, warmupSteps >= 0, totalSteps > 0, clipNorm >= 0,
              batchPositions > 0, (0...1).contains(easyDropFraction), (sortedHead ?? 1) > 0,
              controlWeight >= 0, temperatureLossWeight >= 0, rejectedWeight >= 0, rejectedRows > 0, controlRows > 0, controlMargins.temperature >= 0, controlMargins.topP >= 0 else {
            throw TrainingError.invalid("invalid trainer settings")
        }
    }

    /// Learning rate at `step` (0-based): linear warm-up, then cosine decay.
    public func learningRate(atStep step: Int) -> Float {
        if step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
        let span = max(totalSteps - warmupSteps, 1)
        let progress = min(Double(step - warmupSteps) / Double(span), 1)
        return learningRate * Float(0.5 * (1 + cos(Double.pi * progress)))
    }
}

