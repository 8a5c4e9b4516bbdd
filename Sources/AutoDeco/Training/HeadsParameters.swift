#if canImport(Glibc)
import Glibc
#endif

/// The heads' eight tensors as one flat vector, in `AutoDecoHeads.tensorNames` order, for the
/// optimizer and gradients (which share the layout).
extension AutoDecoHeads {
    /// Element count of each tensor, in `tensorNames` order.
    public static func tensorSizes(hiddenSize h: Int) -> [Int] {
        let w = width
        return [w * h, w, w, 1, w * (h + 5), w, w, 1]
    }

    /// Offset of each tensor in the flat vector.
    public static func tensorOffsets(hiddenSize h: Int) -> [Int] {
        var offsets: [Int] = [], at = 0
        for s in tensorSizes(hiddenSize: h) { offsets.append(at); at += s }
        return offsets
    }

    public var parameterCount: Int { AutoDecoHeads.tensorSizes(hiddenSize: hiddenSize).reduce(0, +) }

    public var flatParameters: [Float] {
        var v: [Float] = []
        v.reserveCapacity(parameterCount)
        v += tempW1; v += tempB1; v += tempW2; v.append(tempB2)
        v += topPW1; v += topPB1; v += topPW2; v.append(topPB2)
        return v
    }

    /// Heads from a flat vector laid out as `flatParameters`.
    public init(hiddenSize h: Int, flat v: [Float]) throws {
        let sizes = AutoDecoHeads.tensorSizes(hiddenSize: h)
        guard h > 0, v.count == sizes.reduce(0, +) else {
            throw HeadsError.wrongShape("flat parameter vector has \(v.count) values")
        }
        let o = AutoDecoHeads.tensorOffsets(hiddenSize: h)
        func slice(_ k: Int) -> [Float] { Array(v[o[k]..<o[k] + sizes[k]]) }
        try self.init(hiddenSize: h, tempW1: slice(0), tempB1: slice(1), tempW2: slice(2), tempB2: v[o[3]],
                      topPW1: slice(4), topPB1: slice(5), topPW2: slice(6), topPB2: v[o[7]])
    }

    /// Freshly initialised heads, as PyTorch's Linear default: weights and biases uniform in
    /// ±1/√fan_in. Deterministic for a seed.
    public static func randomlyInitialised(hiddenSize h: Int, seed: UInt64) throws -> AutoDecoHeads {
        var rng = RandomGenerator(seed: seed)
        func uniform(_ n: Int, fanIn: Int) -> [Float] {
            let bound = 1 / Double(fanIn).squareRoot()
            return (0..<n).map { _ in Float((rng.nextUnit() * 2 - 1) * bound) }
        }
        let w = width
        return try AutoDecoHeads(hiddenSize: h,
                                 tempW1: uniform(w * h, fanIn: h), tempB1: uniform(w, fanIn: h),
                                 tempW2: uniform(w, fanIn: w), tempB2: uniform(1, fanIn: w)[0],
                                 topPW1: uniform(w * (h + 5), fanIn: h + 5), topPB1: uniform(w, fanIn: h + 5),
                                 topPW2: uniform(w, fanIn: w), topPB2: uniform(1, fanIn: w)[0])
    }
}

extension AutoDecoHeads {
    /// Heads that start as a static pair: first layers initialised as `randomlyInitialised`,
    /// output weights zero and output biases set so that every position gets exactly
    /// `temperature` (in (0, 2)) and `topP` (in (0, 1)). Training from here can only add
    /// per-token variation to the best constant (the output weights get gradients at once,
    /// the first layers from the second step on).
    public static func constantInitialised(hiddenSize h: Int, seed: UInt64, temperature: Float,
                                           topP: Float) throws -> AutoDecoHeads {
        guard temperature > 0, temperature < 2, topP > 0, topP < 1 else {
            throw TrainingError.invalid("constant heads need 0 < T < 2 and 0 < P < 1 (got T \(temperature), P \(topP))")
        }
        var heads = try randomlyInitialised(hiddenSize: h, seed: seed)
        func logit(_ x: Float) -> Float { logf(x / (1 - x)) }
        heads.tempW2 = [Float](repeating: 0, count: width)
        heads.tempB2 = logit(temperature / 2)
        heads.topPW2 = [Float](repeating: 0, count: width)
        heads.topPB2 = logit(topP)
        return heads
    }
}
