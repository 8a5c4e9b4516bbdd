/// In-place softmax, numerically stable (the maximum is subtracted before exponentiating).
import Glibc

/// x[i] = exp(x[i] - max) / Σ exp(x[j] - max) for i in 0..<count.
@inlinable
public func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
    guard count > 0 else { return }
    var maxValue = -Float.infinity
    for i in 0..<count where x[i] > maxValue { maxValue = x[i] }
    // All -inf (fully masked): leave a uniform distribution rather than NaNs.
    if maxValue == -.infinity {
        let uniform = 1 / Float(count)
        for i in 0..<count { x[i] = uniform }
        return
    }
    var sum: Double = 0
    for i in 0..<count {
        let e = expf(x[i] - maxValue)
        x[i] = e
        sum += Double(e)
    }
    let inv = Float(1 / sum)
    for i in 0..<count { x[i] *= inv }
}
