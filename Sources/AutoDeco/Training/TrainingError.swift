/// Errors of the heads trainer and its hidden-state cache.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case io(path: String, reason: String)
    case badCache(String)
    case badData(line: Int, reason: String)

    public var description: String {
        switch self {
        case let .invalid(s): return "training: \(s)"
        case let .io(path, reason): return "\(path): \(reason)"
        case let .badCache(s): return "hidden-state cache: \(s)"
        case let .badData(line, reason): return "training data line \(line): \(reason)"
        }
    }
}
