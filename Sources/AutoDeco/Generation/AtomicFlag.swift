import Synchronization

/// A boolean other threads may set (used for cancellation).
final class AtomicFlag: @unchecked Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    func clear() { value.store(false, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
