import AutoDeco

// Static strings for the C side: created once, never freed.
let versionCString: UnsafePointer<CChar> = makeStaticCString(AutoDecoVersion.string)
let statusCStrings: [Int32: UnsafePointer<CChar>] = {
    var table: [Int32: UnsafePointer<CChar>] = [:]
    let all: [Status] = [.ok, .invalidArgument, .io, .badFormat, .unsupported, .outOfMemory, .contextFull,
                         .cancelled, .invalidToken, .invalidUTF8, .template, .noHeads, .bufferTooSmall, .internalError]
    for s in all { table[s.rawValue] = makeStaticCString(s.text) }
    return table
}()
let unknownStatusCString = makeStaticCString("unknown status")
let emptyCString = makeStaticCString("")

func makeStaticCString(_ s: String) -> UnsafePointer<CChar> {
    let bytes = Array(s.utf8CString)
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    p.initialize(from: bytes, count: bytes.count)
    return UnsafePointer(p)
}

@_cdecl("autodeco_version")
public func autodeco_version() -> UnsafePointer<CChar> { versionCString }

@_cdecl("autodeco_version_number")
public func autodeco_version_number() -> Int32 { Int32(AutoDecoVersion.number) }

@_cdecl("autodeco_api_version")
public func autodeco_api_version() -> Int32 { Int32(AutoDecoVersion.apiVersion) }

@_cdecl("autodeco_status_string")
public func autodeco_status_string(_ status: Int32) -> UnsafePointer<CChar> {
    statusCStrings[status] ?? unknownStatusCString
}

@_cdecl("autodeco_last_error")
public func autodeco_last_error() -> UnsafePointer<CChar> {
    LastError.current ?? emptyCString
}
