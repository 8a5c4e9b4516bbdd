/// RMS normalisation: out = x / sqrt(mean(x²) + eps) * weight (llama, qwen2).
/// The sum of squares is accumulated in Double, as ggml does, so long rows lose no precision.

/// out[i] = x[i] * weight[i] / sqrt(mean(x²) + eps) for i in 0..<count. `out` may equal `x`.
@inlinable
public func rmsNorm(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                    weight: UnsafePointer<Float>, count: Int, eps: Float) {
    guard count > 0 else { return }
    var sum: Double = 0
    for i in 0..<count { sum += Double(x[i]) * Double(x[i]) }
    let mean = Float(sum / Double(count))
    let scale = 1 / (mean + eps).squareRoot()
    for i in 0..<count { out[i] = x[i] * scale * weight[i] }
}
