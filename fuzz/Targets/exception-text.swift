@testable import ClickHouse

/// ClickHouse's exception-in-a-200-body detection: `ServerExceptionText` on the input as a whole
/// text, as a stream tail and as an error body, and the TabSeparated decoder (which uses it at line
/// starts) on the input cut into 7-byte chunks with a 32-byte hold-back. Checks that a whole match is
/// also found as a tail at offset 0 with the same code and message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let whole = ServerExceptionText.parseWhole(bytes)
    let tail = ServerExceptionText.findTrailing(bytes)
    if let whole {
        precondition(tail?.offset == 0 && tail?.code == whole.code && tail?.message == whole.message,
                     "parseWhole matched but findTrailing did not find the same text at offset 0")
    }
    _ = ServerExceptionText.parseBody(Array(bytes))
    _ = ServerExceptionText.cleanMessage(String(decoding: bytes, as: UTF8.self))
    let decoder = TabSeparatedDecoder(holdBack: 32)
    let handler: ([String?]) throws -> Void = { _ in }
    do {
        var offset = 0
        while offset < size {
            let n = min(7, size - offset)
            try decoder.consume(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]), handler: handler)
            offset += n
        }
        try decoder.finish(handler: handler)
    } catch {
        _ = String(describing: error)
        _ = decoder.trailingException()
    }
    return 0
}
