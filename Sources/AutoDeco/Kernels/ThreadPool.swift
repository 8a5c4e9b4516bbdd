/// A persistent pool of worker threads for data-parallel loops (matrix-vector rows, matmul
/// tiles). Workers spin briefly after each job, because decode issues jobs every few
/// microseconds, then sleep on a futex. The calling thread takes part in every job.
///
/// Work is handed out in chunks claimed from one atomic counter, and the caller waits only
/// for chunks that a thread has actually claimed: a worker that is descheduled (another
/// process holds its core) simply claims nothing, and the caller runs the remaining chunks
/// itself. So a job never waits for a worker to wake up, only for work in progress.
///
/// Results never depend on the thread count as long as each index's work is independent:
/// `parallelFor` hands every index to exactly one thread.
import Glibc
import CKernels

public final class ThreadPool: @unchecked Sendable {
    /// Threads that run a job, the calling thread included.
    public let threadCount: Int
    private let shared: PoolShared
    private var threads: [pthread_t] = []

    /// A pool of `threads` threads (the caller plus `threads - 1` workers); by default one
    /// per online CPU. `spinIterations` is how long an idle worker polls before sleeping.
    public init(threads: Int? = nil, spinIterations: Int = 20_000) {
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let count = max(1, min(threads ?? online, 256))
        shared = PoolShared(spinIterations: spinIterations)
        var started = 1
        for index in 1..<count {
            let context = Unmanaged.passRetained(WorkerContext(shared: shared, index: index)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let ctx = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
                ctx.shared.workerLoop(index: ctx.index)
                return nil
            }, context)
            if rc != 0 {
                // Fewer workers is still correct: run with what started.
                Unmanaged<WorkerContext>.fromOpaque(context).release()
                break
            }
            self.threads.append(thread)
            started += 1
        }
        threadCount = started
    }

    deinit {
        shared.stop()
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Runs `body` over 0..<count split into contiguous ranges, in parallel, and returns when
    /// all are done. `minChunk` is the smallest range worth a hand-off. Calls from inside a
    /// job, or from a second thread while a job runs, run serially on the caller instead of
    /// waiting (never a deadlock).
    public func parallelFor(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        parallelFor(count, minChunk: minChunk) { range, _ in body(range) }
    }

    /// As `parallelFor(_:minChunk:_:)`, also passing the index (0..<threadCount) of the thread
    /// running the range, for per-thread scratch buffers. The caller is thread 0.
    public func parallelFor(_ count: Int, minChunk: Int = 1, withThread body: (Range<Int>, Int) -> Void) {
        guard count > 0 else { return }
        // Four chunks per thread let a thread that started late still share the work; the
        // claim word holds at most 0xFFFF chunks.
        let chunk = max(minChunk, 1, count / (threadCount * 4), (count + 0xFFFE) / 0xFFFF)
        if threadCount == 1 || count <= chunk || !shared.tryAcquire() {
            body(0..<count, 0)
            return
        }
        withoutActuallyEscaping(body) { job in
            shared.run(job: job, count: count, chunk: chunk)
        }
        shared.release()
    }

    /// Testing aid: while held, woken workers wait before claiming any work, as if their
    /// core were taken by another process. Jobs must still complete (on the caller).
    func holdWorkers(_ held: Bool) { shared.holdWorkers(held) }
}

private final class WorkerContext {
    let shared: PoolShared
    let index: Int
    init(shared: PoolShared, index: Int) { self.shared = shared; self.index = index }
}

/// State shared by the caller and the workers. Each atomic word sits on its own cache line.
///
/// The claim word is `generation << 32 | chunks << 16 | next`. A thread takes chunk `next`
/// with a compare-and-swap that also checks the generation, so a worker that wakes up late
/// can never take (or skip) a chunk of a later job, and `done` only ever counts chunks of the
/// job in progress: the caller cannot return while a claimed chunk is running.
private final class PoolShared: @unchecked Sendable {
    private let words: UnsafeMutableRawPointer
    /// Futex word: the low 32 bits of the generation of the last job published.
    private var generation: UnsafeMutablePointer<UInt32> { words.assumingMemoryBound(to: UInt32.self) }
    private var done: UnsafeMutablePointer<UInt32> { (words + 64).assumingMemoryBound(to: UInt32.self) }
    private var sleepers: UnsafeMutablePointer<UInt32> { (words + 128).assumingMemoryBound(to: UInt32.self) }
    private var busy: UnsafeMutablePointer<UInt32> { (words + 192).assumingMemoryBound(to: UInt32.self) }
    private var stopping: UnsafeMutablePointer<UInt32> { (words + 256).assumingMemoryBound(to: UInt32.self) }
    private var claimWord: UnsafeMutablePointer<UInt64> { (words + 320).assumingMemoryBound(to: UInt64.self) }
    private var held: UnsafeMutablePointer<UInt32> { (words + 384).assumingMemoryBound(to: UInt32.self) }

    let spinIterations: Int
    private var jobGeneration: UInt32 = 0
    // Written by the caller before the claim word is published; read by a worker only after
    // it has claimed a chunk of that job (so they cannot change under it).
    private var job: ((Range<Int>, Int) -> Void)?
    private var count = 0
    private var chunk = 1

    init(spinIterations: Int) {
        self.spinIterations = max(0, spinIterations)
        words = UnsafeMutableRawPointer.allocate(byteCount: 448, alignment: 64)
        words.initializeMemory(as: UInt8.self, repeating: 0, count: 448)
    }

    deinit { words.deallocate() }

    func tryAcquire() -> Bool { ck_atomic_cas_u32(busy, 0, 1) != 0 }
    func release() { ck_atomic_store_u32(busy, 0) }
    func holdWorkers(_ on: Bool) { ck_atomic_store_u32(held, on ? 1 : 0) }

    func run(job: @escaping (Range<Int>, Int) -> Void, count: Int, chunk: Int) {
        self.job = job
        self.count = count
        self.chunk = chunk
        let chunks = (count + chunk - 1) / chunk
        jobGeneration &+= 1
        let g = jobGeneration
        ck_atomic_store_u32(done, 0)
        ck_atomic_store_u64(claimWord, UInt64(g) << 32 | UInt64(chunks) << 16)
        ck_atomic_store_u32(generation, g)
        if ck_atomic_load_u32(sleepers) != 0 { ck_futex_wake_all(generation) }

        var mine: UInt32 = 0
        while let c = claim(generation: g) {
            let start = c * chunk
            job(start..<min(start + chunk, count), 0)
            mine += 1
        }
        // Only chunks that a worker is running now remain: spin, but yield soon in case that
        // worker was descheduled mid-chunk.
        let target = UInt32(chunks) - mine
        var spins = 0
        while ck_atomic_load_u32(done) != target {
            spins += 1
            if spins < 4_000 { ck_cpu_relax() } else { sched_yield() }
        }
        self.job = nil
    }

    func stop() {
        ck_atomic_store_u32(stopping, 1)
        ck_atomic_store_u32(generation, ck_atomic_load_u32(generation) &+ 1)
        ck_futex_wake_all(generation)
    }

    /// Takes the next chunk of job `generation`, or nil when that job has none left (or is over).
    @inline(__always) private func claim(generation g: UInt32) -> Int? {
        while true {
            let w = ck_atomic_load_u64(claimWord)
            let next = w & 0xFFFF, chunks = (w >> 16) & 0xFFFF
            if UInt32(truncatingIfNeeded: w >> 32) != g || next >= chunks { return nil }
            if ck_atomic_cas_u64(claimWord, w, w + 1) != 0 { return Int(next) }
        }
    }

    /// Runs claimed chunk `c` on a worker. Not inlined so the worker's copy of the closure is
    /// released before the chunk is counted as done (the caller then leaves
    /// `withoutActuallyEscaping`, which checks that no copy is left).
    @inline(never) private func runClaimed(_ c: Int, thread: Int) {
        guard let job else { return }
        let start = c * chunk
        job(start..<min(start + chunk, count), thread)
    }

    func workerLoop(index: Int) {
        // Generation 0 is the state at creation; reading it here instead could miss a job
        // published before this thread got to run.
        var seen: UInt32 = 0
        while true {
            var spins = 0
            var current = ck_atomic_load_u32(generation)
            while current == seen {
                if spins < spinIterations {
                    ck_cpu_relax()
                    spins += 1
                } else {
                    // Announce the sleep before the futex re-checks the generation, so a
                    // publisher either sees the sleeper or the futex sees the new value.
                    _ = ck_atomic_add_u32(sleepers, 1)
                    ck_futex_wait(generation, seen)
                    _ = ck_atomic_add_u32(sleepers, UInt32.max)
                }
                current = ck_atomic_load_u32(generation)
            }
            seen = current
            if ck_atomic_load_u32(stopping) != 0 { return }
            while ck_atomic_load_u32(held) != 0 && ck_atomic_load_u32(stopping) == 0 { usleep(100) }
            while let c = claim(generation: current) {
                runClaimed(c, thread: index)
                _ = ck_atomic_add_u32(done, 1)
            }
        }
    }
}
