/// One minibatch of positions run through the frozen output layer and both heads: the
/// buffers and forward pass shared by training and evaluation. Per-position work (sorting
/// the vocabulary, statistics, losses) is split over the thread pool; every result lands in
/// a slot of its own, so the outcome does not depend on the thread count.
final class HeadsBatch {
    let capacity: Int
    let hiddenSize: Int
    let vocabSize: Int
    let pool: ThreadPool
    var count = 0

    let hidden: UnsafeMutablePointer<Float>         // [B][H] gathered h
    let logits: UnsafeMutablePointer<Float>         // [B][V] l = W_out · h
    let sorted: UnsafeMutablePointer<Float>         // [B][V] l in descending order
    let ranks: UnsafeMutablePointer<Int>            // [B] rank of the target in `sorted`
    let weights: UnsafeMutablePointer<Double>       // [B] softmax(l)[y]
    let easy: UnsafeMutablePointer<Bool>            // [B] argmax(l) == y
    let temperatures: UnsafeMutablePointer<Float>   // [B] T
    let tempActivations: UnsafeMutablePointer<Float>   // [B][256] relu layer of the T head
    let topPInputs: UnsafeMutablePointer<Float>     // [B][H + 5]
    let topPs: UnsafeMutablePointer<Float>          // [B] P
    let topPActivations: UnsafeMutablePointer<Float>   // [B][256]
    private var scratch: [ThreadScratch]

    /// Per-thread vocabulary-sized buffers.
    final class ThreadScratch {
        let keys: UnsafeMutablePointer<UInt64>
        let probs: UnsafeMutablePointer<Float>
        let p: UnsafeMutablePointer<Double>
        let m: UnsafeMutablePointer<Double>
        let e: UnsafeMutablePointer<Double>
        let histogram: UnsafeMutablePointer<UInt32>
        init(vocab n: Int) {
            keys = .allocate(capacity: n); probs = .allocate(capacity: n)
            p = .allocate(capacity: n); m = .allocate(capacity: n); e = .allocate(capacity: n)
            histogram = .allocate(capacity: 65536)
        }
        deinit {
            keys.deallocate(); probs.deallocate(); p.deallocate(); m.deallocate(); e.deallocate()
            histogram.deallocate()
        }
    }

    init(capacity b: Int, hiddenSize h: Int, vocabSize v: Int, pool: ThreadPool) {
        capacity = b; hiddenSize = h; vocabSize = v; self.pool = pool
        let w = AutoDecoHeads.width
        hidden = .allocate(capacity: b * h)
        logits = .allocate(capacity: b * v)
        sorted = .allocate(capacity: b * v)
        ranks = .allocate(capacity: b)
        weights = .allocate(capacity: b)
        easy = .allocate(capacity: b)
        temperatures = .allocate(capacity: b)
        tempActivations = .allocate(capacity: b * w)
        topPInputs = .allocate(capacity: b * (h + 5))
        topPs = .allocate(capacity: b)
        topPActivations = .allocate(capacity: b * w)
        scratch = (0..<pool.threadCount).map { _ in ThreadScratch(vocab: v) }
    }

    deinit {
        hidden.deallocate(); logits.deallocate(); sorted.deallocate(); ranks.deallocate(); weights.deallocate()
        easy.deallocate(); temperatures.deallocate(); tempActivations.deallocate(); topPInputs.deallocate()
        topPs.deallocate(); topPActivations.deallocate()
    }

    func scratch(forThread t: Int) -> ThreadScratch { scratch[min(t, scratch.count - 1)] }

    /// Loads positions `indices` (at most `capacity`) and computes logits, their sorted form,
    /// the DFT weights and, when `heads` are given, T, the statistics and P. `sortedHead` nil
    /// sorts the whole vocabulary; a count sorts only that many largest logits (training).
    /// `lossInputs` false skips the sort, ranks and weights: only T and P are wanted.
    func load(_ positions: TrainingPositions, indices: ArraySlice<Int>, output: OutputProjection, heads: AutoDecoHeads?,
              sortedHead: Int? = nil, lossInputs: Bool = true) {
        count = min(indices.count, capacity)
        let h = hiddenSize, v = vocabSize
        positions.hidden.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            for (k, i) in indices.prefix(count).enumerated() { (hidden + k * h).update(from: base + i * h, count: h) }
        }
        output.logits(hidden: hidden, count: count, into: logits)
        let targets = indices.prefix(count).map { Int(positions.targets[$0]) }
        if let heads { heads.temperatures(hiddenStates: hidden, count: count, hidden: tempActivations, into: temperatures) }
        pool.parallelFor(count) { range, thread in
            let s = self.scratch(forThread: thread)
            for k in range {
                guard lossInputs else {
                    if let heads { self.assembleTopPInput(k, heads: heads, logits: self.logits + k * v, scratch: s) }
                    continue
                }
                let row = self.sorted + k * v
                let r = sortedHead.map {
                    SoftTopPObjective.sortHeadDescending(self.logits + k * v, count: v, head: $0, target: targets[k],
                                                         keys: s.keys, histogram: s.histogram, sorted: row)
                } ?? SoftTopPObjective.sortDescending(self.logits + k * v, count: v, target: targets[k],
                                                      keys: s.keys, sorted: row)
                self.ranks[k] = r
                self.easy[k] = r == 0
                self.weights[k] = SoftTopPObjective.baseProbability(sorted: row, count: v, rank: r)
                if let heads { self.assembleTopPInput(k, heads: heads, logits: row, scratch: s) }
            }
        }
        if let heads { heads.topPs(inputs: topPInputs, count: count, hidden: topPActivations, into: topPs) }
    }

    /// The top-p head's input of position k: h, T and the statistics of softmax(l / T).
    private func assembleTopPInput(_ k: Int, heads: AutoDecoHeads, logits: UnsafePointer<Float>, scratch s: ThreadScratch) {
        let h = hiddenSize, t = temperatures[k]
        let stats = DistributionStats.compute(logits: logits, count: vocabSize, temperature: t, probs: s.probs)
        heads.assembleTopPInput(hidden: hidden + k * h, temperature: t, stats: stats, into: topPInputs + k * (h + 5))
    }
}
