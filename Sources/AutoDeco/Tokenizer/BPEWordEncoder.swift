/// Byte-pair encoding of one pre-tokenized word: start from one symbol per byte, then
/// repeatedly merge the adjacent pair with the lowest rank (ties: leftmost first), using a
/// doubly linked list of symbols and a min-heap of candidate pairs — O(n log n) per word.
struct BPEWordEncoder {
    private struct Symbol { var id: Int32; var prev: Int32; var next: Int32; var alive: Bool }
    private struct Candidate { var rank: Int32; var left: Int32; var leftId: Int32; var rightId: Int32; var right: Int32 }

    private var symbols: [Symbol] = []
    private var heap: [Candidate] = []

    /// Symbol ids (possibly virtual) after all merges, appended to `out`.
    mutating func encode(_ bytes: ArraySlice<UInt8>, table: BPEMergeTable, into out: inout [Int32]) {
        symbols.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
        let byteSymbols = table.byteSymbols
        let n = bytes.count
        if n == 0 { return }
        var i: Int32 = 0
        for b in bytes {
            symbols.append(Symbol(id: byteSymbols[Int(b)], prev: i - 1, next: i + 1 < Int32(n) ? i + 1 : -1, alive: true))
            i += 1
        }
        if n == 1 { out.append(symbols[0].id); return }
        for j in 0..<(n - 1) { consider(Int32(j), Int32(j + 1), table) }

        while let top = popMin() {
            let l = Int(top.left), r = Int(top.right)
            // Skip stale pairs: a side was merged away or grew since the pair was queued.
            guard symbols[l].alive, symbols[r].alive, symbols[l].next == top.right,
                  symbols[l].id == top.leftId, symbols[r].id == top.rightId,
                  let m = table.merge(top.leftId, top.rightId) else { continue }
            symbols[l].id = m.merged
            symbols[r].alive = false
            let after = symbols[r].next
            symbols[l].next = after
            if after >= 0 { symbols[Int(after)].prev = top.left }
            if symbols[l].prev >= 0 { consider(symbols[l].prev, top.left, table) }
            if after >= 0 { consider(top.left, after, table) }
        }
        var k: Int32 = 0
        while k >= 0 {
            out.append(symbols[Int(k)].id)
            k = symbols[Int(k)].next
        }
    }

    private mutating func consider(_ left: Int32, _ right: Int32, _ table: BPEMergeTable) {
        let a = symbols[Int(left)].id, b = symbols[Int(right)].id
        guard let m = table.merge(a, b) else { return }
        push(Candidate(rank: m.rank, left: left, leftId: a, rightId: b, right: right))
    }

    @inline(__always) private static func less(_ x: Candidate, _ y: Candidate) -> Bool {
        x.rank < y.rank || (x.rank == y.rank && x.left < y.left)
    }

    private mutating func push(_ c: Candidate) {
        heap.append(c)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !Self.less(heap[i], heap[parent]) { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func popMin() -> Candidate? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        let top = heap[0]
        heap[0] = last
        var i = 0
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && Self.less(heap[l], heap[m]) { m = l }
            if r < n && Self.less(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }
}
