#if canImport(Glibc)
import Glibc
#endif
import CKernels

/// The AutoDeco heads on the decode path, arranged so that almost all of their work is spread
/// over the thread pool (a SmolLM2 step is only a few milliseconds, so one-thread head work
/// shows):
/// - the parts of both first layers that read the hidden state (W1·h and V1[:, ..<H]·h,
///   512 rows of H floats) are extra rows of the output projection's matrix-vector pass
///   (`Transformer.logitsCompanion`), so they cost no extra hand-off;
/// - the statistics of softmax(l / T) run in fixed vocabulary blocks over the pool
///   (`ck_stats_*`), two parallel sweeps;
/// - what is left is 256-wide and serial: biases, ReLU, the five extra top-p inputs, the
///   output dots and sigmoids.
/// Same formulas as `AutoDecoHeads.temperature`/`topP` and `DistributionStats.compute`, with
/// sums in a different order (differences of a few float ulps).
/// Not thread-safe: one per context.
final class HeadsRunner {
    let heads: AutoDecoHeads
    let vocabSize: Int
    /// [512, H]: rows 0 ..< 256 are the temperature head's W1, rows 256 ..< 512 the first H
    /// columns of the top-p head's V1.
    private let firstLayers: UnsafeMutablePointer<Float>
    /// W1·h and V1[:, ..<H]·h for the current hidden state (512, no bias).
    let projected: UnsafeMutablePointer<Float>
    /// V1[:, H ..< H + 5], row-major [256][5].
    private let extraColumns: UnsafeMutablePointer<Float>
    private let blockMax: UnsafeMutablePointer<Float>
    private let blockSum: UnsafeMutablePointer<Double>
    private let blockScale: UnsafeMutablePointer<Float>
    private let blockAcc: UnsafeMutablePointer<Double>
    private let blockTop: UnsafeMutablePointer<Float>

    init(heads: AutoDecoHeads, vocabSize: Int) {
        self.heads = heads
        self.vocabSize = vocabSize
        let w = AutoDecoHeads.width, h = heads.hiddenSize, inputs = heads.topPInputSize
        let first = UnsafeMutablePointer<Float>.allocate(capacity: 2 * w * h)
        let extra = UnsafeMutablePointer<Float>.allocate(capacity: w * 5)
        heads.tempW1.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { first.initialize(from: s, count: w * h) }
        }
        heads.topPW1.withUnsafeBufferPointer { src in
            guard let s = src.baseAddress else { return }
            for r in 0..<w {
                (first + (w + r) * h).initialize(from: s + r * inputs, count: h)
                (extra + r * 5).initialize(from: s + r * inputs + h, count: 5)
            }
        }
        firstLayers = first
        extraColumns = extra
        projected = .allocate(capacity: 2 * w)
        projected.initialize(repeating: 0, count: 2 * w)
        let blocks = max(1, Int(ck_stats_block_count(Int64(vocabSize))))
        blockMax = .allocate(capacity: blocks)
        blockSum = .allocate(capacity: blocks)
        blockScale = .allocate(capacity: blocks)
        blockAcc = .allocate(capacity: 3 * blocks)
        blockTop = .allocate(capacity: 5 * blocks)
    }

    deinit {
        firstLayers.deallocate(); projected.deallocate(); extraColumns.deallocate()
        blockMax.deallocate(); blockSum.deallocate(); blockScale.deallocate()
        blockAcc.deallocate(); blockTop.deallocate()
    }

    /// The first layers as a matrix for `Transformer.logitsCompanion` (results to `projected`).
    var firstLayerMatrix: WeightMatrix {
        WeightMatrix(name: "autodeco.heads.first_layers", data: UnsafeRawPointer(firstLayers), type: .f32,
                     rows: 2 * AutoDecoHeads.width, cols: heads.hiddenSize)
    }

    /// Fills `projected` from `hidden` itself (when the forward pass did not).
    func project(hidden: UnsafePointer<Float>, pool: ThreadPool) {
        let h = heads.hiddenSize, rows = firstLayers, out = projected
        pool.parallelFor(2 * AutoDecoHeads.width, minChunk: 64) { range in
            for r in range {
                out[r] = ck_dot_row(GGMLType.f32.rawValue, rows + r * h, Int64(h), hidden, nil)
            }
        }
    }

    /// Temperature, top-p and statistics for the position whose logits are `logits` and whose
    /// hidden state gave `projected`. Leaves softmax(logits / (T + 1e-8)) in `probs`.
    func predict(logits: UnsafePointer<Float>, pool: ThreadPool,
                 probs: UnsafeMutablePointer<Float>) -> (temperature: Float, topP: Float, stats: DistributionStats) {
        let w = AutoDecoHeads.width
        let t = 2 * AutoDecoHeads.sigmoid(outputLayer(projected, heads.tempB1, heads.tempW2, heads.tempB2, extra: nil))
        let stats = statistics(logits: logits, temperature: t, pool: pool, probs: probs)
        var extra = (t, stats.maxProbability, stats.entropy, stats.variance, stats.top5Sum)
        let p = withUnsafePointer(to: &extra) { e in
            e.withMemoryRebound(to: Float.self, capacity: 5) { ep in
                AutoDecoHeads.sigmoid(outputLayer(projected + w, heads.topPB1, heads.topPW2, heads.topPB2, extra: ep))
            }
        }
        return (t, p, stats)
    }

    /// w2 · relu(pre + extraColumns · extra + b1) + b2 (before the sigmoid).
    /// The arrays are read through buffer pointers, their lengths checked once here: array
    /// subscripts would be a bounds-check trap branch per element (integration/test_hot_loops_assembly.py).
    private func outputLayer(_ pre: UnsafePointer<Float>, _ b1: [Float], _ w2: [Float], _ b2: Float,
                             extra: UnsafePointer<Float>?) -> Float {
        let w = AutoDecoHeads.width
        return b1.withUnsafeBufferPointer { b1p in
            w2.withUnsafeBufferPointer { w2p in
                guard let bias = b1p.baseAddress, let weight = w2p.baseAddress, b1p.count >= w, w2p.count >= w
                else { return Float.nan }
                var out = b2
                var c = UnsafePointer(extraColumns)
                for j in 0..<w {
                    var a = pre[j]
                    if let extra {
                        a += c[0] * extra[0] + c[1] * extra[1] + c[2] * extra[2] + c[3] * extra[3] + c[4] * extra[4]
                    }
                    c += 5
                    a += bias[j]
                    if a > 0 { out += weight[j] * a }
                }
                return out
            }
        }
    }

    /// `DistributionStats.compute` with its two vocabulary sweeps split over the pool.
    private func statistics(logits: UnsafePointer<Float>, temperature t: Float, pool: ThreadPool,
                            probs: UnsafeMutablePointer<Float>) -> DistributionStats {
        let n = Int64(vocabSize), blocks = Int(ck_stats_block_count(n))
        let bMax = blockMax, bSum = blockSum, bScale = blockScale, bAcc = blockAcc, bTop = blockTop
        pool.parallelFor(blocks) { r in
            ck_stats_exp_blocks(logits, n, t, probs, Int64(r.lowerBound), Int64(r.upperBound), bMax, bSum)
        }
        ck_stats_block_scales(n, t, bMax, bSum, bScale)
        pool.parallelFor(blocks) { r in
            ck_stats_q_blocks(probs, n, bScale, Int64(r.lowerBound), Int64(r.upperBound), bAcc, bTop)
        }
        var out: (Float, Float, Float, Float) = (0, 0, 0, 0)
        withUnsafeMutablePointer(to: &out) { o in
            o.withMemoryRebound(to: Float.self, capacity: 4) { ck_stats_finish(n, bAcc, bTop, $0) }
        }
        return DistributionStats(maxProbability: out.0, entropy: out.1, variance: out.2, top5Sum: out.3)
    }
}
