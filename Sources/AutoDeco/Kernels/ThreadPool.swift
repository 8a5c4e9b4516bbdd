/// A persistent pool of worker threads for data-parallel loops (matrix-vector rows, matmul
/// tiles). Workers spin briefly after each job, because decode issues jobs every few
/// microseconds, then sleep on a futex. The calling thread takes part in every job.
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
        shared.workers = UInt32(started - 1)
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
        let chunk = max(minChunk, 1, count / (threadCount * 4))
        if threadCount == 1 || count <= chunk || !shared.tryAcquire() {
            body(0..<count, 0)
            return
        }
        withoutActuallyEscaping(body) { job in
            shared.run(job: job, count: count, chunk: chunk)
        }
        shared.release()
    }
}

private final class WorkerContext {
    let shared: PoolShared
    let index: Int
    init(shared: PoolShared, index: Int) { self.shared = shared; self.index = index }
}

/// State shared by the caller and the workers. Each counter sits on its own cache line.
private final class PoolShared: @unchecked Sendable {
    private let words: UnsafeMutableRawPointer
    private var generation: UnsafeMutablePointer<UInt32> { words.assumingMemoryBound(to: UInt32.self) }
    private var pending: UnsafeMutablePointer<UInt32> { (words + 64).assumingMemoryBound(to: UInt32.self) }
    private var sleepers: UnsafeMutablePointer<UInt32> { (words + 128).assumingMemoryBound(to: UInt32.self) }
    private var busy: UnsafeMutablePointer<UInt32> { (words + 192).assumingMemoryBound(to: UInt32.self) }
    private var stopping: UnsafeMutablePointer<UInt32> { (words + 256).assumingMemoryBound(to: UInt32.self) }
    private var next: UnsafeMutablePointer<Int64> { (words + 320).assumingMemoryBound(to: Int64.self) }

    let spinIterations: Int
    var workers: UInt32 = 0
    // Written by the caller before the generation bump, read by workers after seeing it.
    private var job: ((Range<Int>, Int) -> Void)?
    private var count = 0
    private var chunk = 1

    init(spinIterations: Int) {
        self.spinIterations = max(0, spinIterations)
        words = UnsafeMutableRawPointer.allocate(byteCount: 384, alignment: 64)
        words.initializeMemory(as: UInt8.self, repeating: 0, count: 384)
    }

    deinit { words.deallocate() }

    func tryAcquire() -> Bool { ck_atomic_cas_u32(busy, 0, 1) != 0 }
    func release() { ck_atomic_store_u32(busy, 0) }

    func run(job: @escaping (Range<Int>, Int) -> Void, count: Int, chunk: Int) {
        self.job = job
        self.count = count
        self.chunk = chunk
        ck_atomic_store_i64(next, 0)
        ck_atomic_store_u32(pending, workers)
        publish()
        runChunks(job, thread: 0)
        // Wait for the workers; they are running right now, so spin, but yield soon in case
        // a worker was descheduled (shared or oversubscribed machines).
        var spins = 0
        while ck_atomic_load_u32(pending) != 0 {
            spins += 1
            if spins < 2_000 { ck_cpu_relax() } else { sched_yield() }
        }
        self.job = nil
    }

    func stop() {
        ck_atomic_store_u32(stopping, 1)
        publish()
    }

    private func publish() {
        _ = ck_atomic_add_u32(generation, 1)
        if ck_atomic_load_u32(sleepers) != 0 { ck_futex_wake_all(generation) }
    }

    private func runChunks(_ job: (Range<Int>, Int) -> Void, thread: Int) {
        let chunks = (count + chunk - 1) / chunk
        while true {
            let c = Int(ck_atomic_add_i64(next, 1))
            if c >= chunks { return }
            let start = c * chunk
            job(start..<min(start + chunk, count), thread)
        }
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
            if let job { runChunks(job, thread: index) }
            _ = ck_atomic_add_u32(pending, UInt32.max)
        }
    }
}
