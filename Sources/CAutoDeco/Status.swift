import AutoDeco

/// Status codes; the numbers are part of the ABI (see include/autodeco.h) and never change.
enum Status: Int32 {
    case ok = 0
    case invalidArgument = -1
    case io = -2
    case badFormat = -3
    case unsupported = -4
    case outOfMemory = -5
    case contextFull = -6
    case cancelled = -7
    case invalidToken = -8
    case invalidUTF8 = -9
    case template = -10
    case noHeads = -11
    case bufferTooSmall = -12
    case internalError = -99

    var text: String {
        switch self {
        case .ok: return "ok"
        case .invalidArgument: return "invalid argument"
        case .io: return "input/output error"
        case .badFormat: return "bad or corrupt file"
        case .unsupported: return "unsupported model or feature"
        case .outOfMemory: return "out of memory"
        case .contextFull: return "context is full"
        case .cancelled: return "cancelled"
        case .invalidToken: return "invalid token id"
        case .invalidUTF8: return "invalid UTF-8"
        case .template: return "chat template error"
        case .noHeads: return "no AutoDeco heads loaded"
        case .bufferTooSmall: return "buffer too small"
        case .internalError: return "internal error"
        }
    }
}

/// An error raised inside the ABI layer itself (argument checks).
struct ABIError: Error, CustomStringConvertible {
    let status: Status
    let message: String
    var description: String { message }

    static func invalid(_ message: String) -> ABIError { ABIError(status: .invalidArgument, message: message) }
}

/// Maps an engine error to the status a C caller sees.
func status(for error: Error) -> Status {
    switch error {
    case let e as ABIError: return e.status
    case let e as GGUFError:
        switch e {
        case .cannotOpen: return .io
        default: return .badFormat
        }
    case let e as ModelError:
        switch e {
        case .unsupportedArchitecture, .unsupportedTensorType: return .unsupported
        default: return .badFormat
        }
    case let e as ContextError:
        switch e {
        case .cacheTooLarge, .memoryLimit: return .outOfMemory
        case .contextFull: return .contextFull
        case .invalidToken: return .invalidToken
        case .invalidParameter, .emptyInput: return .invalidArgument
        case .cancelled: return .cancelled
        case .noHeads: return .noHeads
        }
    case let e as HeadsError:
        switch e {
        case .notFound: return .io
        case .missingTensor, .wrongShape, .wrongModel: return .unsupported
        }
    case is SafeTensorsError, is JSONError: return .badFormat
    case let e as TokenizerError:
        switch e {
        case .invalidUTF8: return .invalidUTF8
        case .tokenOutOfRange: return .invalidToken
        case .templateSyntax, .templateUnsupported, .templateRuntime, .templateRaised, .noChatTemplate: return .template
        case .unsupportedPreTokenizer: return .unsupported
        default: return .badFormat
        }
    default: return .internalError
    }
}
