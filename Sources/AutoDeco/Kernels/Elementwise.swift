/// Small element-wise kernels of the forward pass (activations, residual adds, scaling).
import Glibc
import CKernels

/// silu(v) = v · sigmoid(v).
@inlinable public func silu(_ v: Float) -> Float { v / (1 + expf(-v)) }

/// x[i] = silu(x[i]).
@inlinable public func silu(_ x: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { x[i] = silu(x[i]) }
}

/// gate[i] = silu(gate[i]) · up[i]: the SwiGLU feed-forward activation.
@inlinable public func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { gate[i] = silu(gate[i]) * up[i] }
}

/// y[i] += x[i] (residual connections, biases).
@inlinable public func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += x[i] }
}

/// y[i] *= x[i].
@inlinable public func mul(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { y[i] *= x[i] }
}

/// x[i] *= s.
@inlinable public func scale(_ x: UnsafeMutablePointer<Float>, by s: Float, count: Int) {
    for i in 0..<count { x[i] *= s }
}

/// Σ a[i] · b[i] (attention scores); AVX2 when available.
@inlinable public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    ck_dot_f32(a, b, Int64(count))
}

/// y[i] += a · x[i] (attention's weighted sum of values).
@inlinable public func axpy(_ y: UnsafeMutablePointer<Float>, _ a: Float, _ x: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += a * x[i] }
}
