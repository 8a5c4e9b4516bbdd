#if canImport(Glibc)
import Glibc
#endif

/// The frozen model's final hidden states for the completion positions of training
/// examples, on disk, so training never reruns the model. Layout (little-endian):
///
///     header:  u32 magic "ADHC", u32 version, u32 hidden size H, u32 vocabulary size
///     record:  u32 tag "EXMP", u32 example index, u32 count n, u32 0,
///              n × i32 target token, n × H × f16 hidden state
///
/// Records are appended one example at a time and flushed, so an interrupted run resumes:
/// examples already present are skipped, and a torn last record is cut off when reopened.
public final class HiddenStateCache {
    static let magic: UInt32 = 0x4348_4441     // "ADHC"
    static let recordTag: UInt32 = 0x504D_5845 // "EXMP"
    static let version: UInt32 = 1
    static let headerBytes = 16

    public let path: String
    public let hiddenSize: Int
    public let vocabSize: Int
    /// Example index → (byte offset of its targets, position count).
    public private(set) var records: [Int: (offset: Int, count: Int)] = [:]
    private var validBytes = 0

    /// Opens the cache at `path`, creating it when absent; a cache made for another model
    /// shape is an error.
    public init(path: String, hiddenSize: Int, vocabSize: Int) throws {
        self.path = path; self.hiddenSize = hiddenSize; self.vocabSize = vocabSize
        if access(path, F_OK) != 0 {
            try write([HiddenStateCache.magic, HiddenStateCache.version, UInt32(hiddenSize), UInt32(vocabSize)].bytes, mode: "wb")
            validBytes = HiddenStateCache.headerBytes
            return
        }
        let file = try MappedBytes(path: path)
        let raw = UnsafeRawBufferPointer(start: file.base, count: file.count)
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        guard raw.count >= HiddenStateCache.headerBytes, u32(0) == HiddenStateCache.magic else {
            throw TrainingError.badCache("\(path) is not a hidden-state cache")
        }
        guard u32(4) == HiddenStateCache.version, Int(u32(8)) == hiddenSize, Int(u32(12)) == vocabSize else {
            throw TrainingError.badCache("\(path) was made for another model (H \(u32(8)), vocabulary \(u32(12))) or version")
        }
        var at = HiddenStateCache.headerBytes
        while at + 16 <= raw.count, u32(at) == HiddenStateCache.recordTag {
            let index = Int(u32(at + 4)), n = Int(u32(at + 8))
            let end = at + 16 + n * 4 + n * hiddenSize * 2
            guard end <= raw.count else { break }
            records[index] = (at + 16, n)
            at = end
        }
        validBytes = at
        if at < raw.count && truncate(path, off_t(at)) != 0 {
            throw TrainingError.io(path: path, reason: "cannot cut off a torn record")
        }
    }

    public func contains(example: Int) -> Bool { records[example] != nil }
    public var positionCount: Int { records.values.reduce(0) { $0 + $1.count } }

    /// Appends one example's positions: `hidden` holds targets.count rows of H floats.
    public func append(example: Int, hidden: [Float], targets: [Int32]) throws {
        let n = targets.count
        guard hidden.count == n * hiddenSize else { throw TrainingError.invalid("hidden states do not match targets") }
        var bytes = [HiddenStateCache.recordTag, UInt32(example), UInt32(n), 0].bytes
        for t in targets { withUnsafeBytes(of: t.littleEndian) { bytes += $0 } }
        var half = [UInt16](repeating: 0, count: hidden.count)
        hidden.withUnsafeBufferPointer { src in half.withUnsafeMutableBufferPointer { dst in
            if let s = src.baseAddress, let d = dst.baseAddress { Half.fromFloat(s, d, count: src.count) }
        } }
        for h in half { withUnsafeBytes(of: h.littleEndian) { bytes += $0 } }
        try write(bytes, mode: "ab")
        records[example] = (validBytes + 16, n)
        validBytes += bytes.count
    }

    /// The positions of the examples accepted by `include`, in example order.
    public func positions(including include: (Int) -> Bool = { _ in true }) throws -> TrainingPositions {
        let file = try MappedBytes(path: path)
        let raw = UnsafeRawBufferPointer(start: file.base, count: file.count)
        var hidden: [Float] = [], targets: [Int32] = [], ranges: [Int: Range<Int>] = [:]
        for index in records.keys.sorted() where include(index) {
            guard let (offset, n) = records[index], offset + n * (4 + 2 * hiddenSize) <= raw.count else { continue }
            ranges[index] = targets.count..<targets.count + n
            for k in 0..<n {
                targets.append(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * k, as: Int32.self)))
            }
            var row = [UInt16](repeating: 0, count: n * hiddenSize)
            for i in 0..<row.count {
                row[i] = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * n + 2 * i, as: UInt16.self))
            }
            var floats = [Float](repeating: 0, count: row.count)
            row.withUnsafeBufferPointer { s in floats.withUnsafeMutableBufferPointer { d in
                if let sp = s.baseAddress, let dp = d.baseAddress { Half.toFloat(sp, dp, count: s.count) }
            } }
            hidden += floats
        }
        var positions = try TrainingPositions(hiddenSize: hiddenSize, hidden: hidden, targets: targets)
        positions.exampleRanges = ranges
        return positions
    }

    /// Runs `model` over every example not yet cached and appends its completion positions.
    /// Examples longer than the context are recorded empty (so they are not retried).
    /// Consecutive examples that start alike (several answers to one prompt) share the keys and
    /// values of their common beginning: only the rest is run again.
    /// `progress(done, total, positions)` is called after each example; returning false stops.
    public func fill(model: Model, examples: [TrainingExample], params: ContextParams,
                     progress: (Int, Int, Int) -> Bool = { _, _, _ in true }) throws {
        let ctx = try InferenceContext(model: model, params: params)
        let h = hiddenSize
        for (index, example) in examples.enumerated() where !contains(example: index) {
            let (ids, first) = try example.tokens(model: model)
            var hidden: [Float] = [], targets: [Int32] = []
            if ids.count - 1 <= params.contextLength && first >= 1 {
                // Keep the common prefix with what the context holds, up to the last prompt
                // token (the first position whose hidden state is needed).
                var keep = 0
                let held = ctx.history
                while keep < min(held.count, first - 1) && held[keep] == ids[keep] { keep += 1 }
                try ctx.rewind(to: keep)
                try ctx.feed(Array(ids[keep..<ids.count - 1]))
                try ctx.evaluate { start, rows in
                    for r in 0..<rows.count / h {
                        let position = keep + start + r
                        guard position >= first - 1 else { continue }
                        hidden += rows[r * h..<(r + 1) * h]
                        targets.append(ids[position + 1])
                    }
                }
            }
            try append(example: index, hidden: hidden, targets: targets)
            if !progress(index + 1, examples.count, positionCount) { return }
        }
    }

    private func write(_ bytes: [UInt8], mode: String) throws {
        guard let f = fopen(path, mode) else { throw TrainingError.io(path: path, reason: "cannot open for writing") }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        guard written == bytes.count, closed == 0 else { throw TrainingError.io(path: path, reason: "short write") }
    }
}

private extension Array where Element == UInt32 {
    var bytes: [UInt8] {
        var out: [UInt8] = []
        for v in self { Swift.withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        return out
    }
}
