/// Rotary position embedding, applied in place to the heads of a q or k vector.
/// Angles follow ggml: theta_i = position · freqBase^(-2i/rotaryDim), computed by repeated
/// multiplication with freqBase^(-2/rotaryDim) in Float, like ggml_rope (so results stay
/// close to llama.cpp's).
import Glibc

public enum RopeStyle: Sendable {
    /// Adjacent pairs (x[2i], x[2i+1]): ggml mode 0, used by llama.
    case interleaved
    /// Pairs (x[i], x[i + rotaryDim/2]): ggml NEOX mode, used by qwen2.
    case neox
}

/// Rotates `heads` consecutive vectors of `headDim` floats at `x` for `position`.
/// Only the first `rotaryDim` (default `headDim`, must be even) values of each head rotate.
public func rope(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, position: Int,
                 freqBase: Float, style: RopeStyle, rotaryDim: Int? = nil) {
    let dims = min(rotaryDim ?? headDim, headDim) & ~1
    guard dims > 0, heads > 0 else { return }
    let half = dims / 2
    let thetaScale = powf(freqBase, -2 / Float(dims))
    var theta = Float(position)
    // Wrapping index arithmetic (i < half ≤ headDim / 2 cannot overflow) and pointer steps
    // instead of x + h * headDim: checked arithmetic would put trap branches inside the loops
    // (integration/test_hot_loops_assembly.py).
    var i = 0
    while i < half {
        let c = cosf(theta), s = sinf(theta)
        let (a, b) = style == .interleaved ? (2 &* i, 2 &* i &+ 1) : (i, i &+ half)
        var v = x
        for _ in 0..<heads {
            let x0 = v[a], x1 = v[b]
            v[a] = x0 * c - x1 * s
            v[b] = x0 * s + x1 * c
            v += headDim
        }
        theta *= thetaScale
        i &+= 1
    }
}
