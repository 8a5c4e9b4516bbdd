#if canImport(Glibc)
import Glibc
#endif

/// AdamW (decoupled weight decay, as PyTorch's torch.optim.AdamW) over a flat parameter vector.
public struct AdamW: Sendable {
    public private(set) var step = 0
    private var m: [Float]
    private var v: [Float]
    let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float

    public init(count: Int, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) {
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
    }

    /// One update of `params` with gradient `grad` (same length) at learning rate `lr`.
    public mutating func update(_ params: inout [Float], grad: [Float], lr: Float) {
        step += 1
        let c1 = 1 - Float(pow(Double(beta1), Double(step)))
        let c2 = 1 - Float(pow(Double(beta2), Double(step)))
        let b1 = beta1, b2 = beta2, eps = epsilon, decay = 1 - lr * weightDecay
        params.withUnsafeMutableBufferPointer { p in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    grad.withUnsafeBufferPointer { g in
                        for i in 0..<p.count {
                            m[i] = b1 * m[i] + (1 - b1) * g[i]
                            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                            let mh = m[i] / c1, vh = v[i] / c2
                            p[i] = p[i] * decay - lr * mh / (vh.squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }

}
