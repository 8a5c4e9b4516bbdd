/// Training positions: the frozen model's final hidden state of each position and the token
/// that follows it (the target).
public struct TrainingPositions: Sendable {
    public let hiddenSize: Int
    public var hidden: [Float]     // [count][hiddenSize]
    public var targets: [Int32]    // [count]
    /// Example index → its positions here (filled by `HiddenStateCache.positions`).
    public var exampleRanges: [Int: Range<Int>] = [:]

    public init(hiddenSize: Int, hidden: [Float] = [], targets: [Int32] = []) throws {
        guard hiddenSize > 0, hidden.count == targets.count * hiddenSize else {
            throw TrainingError.invalid("\(targets.count) targets need \(targets.count * hiddenSize) hidden values, got \(hidden.count)")
        }
        self.hiddenSize = hiddenSize
        self.hidden = hidden
        self.targets = targets
    }

    public var count: Int { targets.count }

    /// The positions at `indices`, in that order.
    public func subset(_ indices: [Int]) -> TrainingPositions {
        var h = [Float](); h.reserveCapacity(indices.count * hiddenSize)
        var t = [Int32](); t.reserveCapacity(indices.count)
        for i in indices {
            h += hidden[i * hiddenSize..<(i + 1) * hiddenSize]
            t.append(targets[i])
        }
        return TrainingPositions(checkedHiddenSize: hiddenSize, hidden: h, targets: t)
    }

    /// For shapes that match by construction.
    private init(checkedHiddenSize: Int, hidden: [Float], targets: [Int32]) {
        self.hiddenSize = checkedHiddenSize
        self.hidden = hidden
        self.targets = targets
    }
}
