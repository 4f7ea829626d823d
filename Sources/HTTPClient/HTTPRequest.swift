/// One HTTP request as the transport sends it. A body is either bytes held in memory or a
/// streaming source that fills curl's buffer chunk by chunk (bounded memory for large uploads).
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var url: String
    public var method: Method
    /// Extra request headers, sent as given.
    public var headers: [(name: String, value: String)]
    public var body: HTTPBody?
    /// Seconds to wait for the TCP connection.
    public var connectTimeout: Double
    /// Seconds without a single byte moving in either direction (headers included) before the
    /// request is abandoned, unless `stillWorking` says otherwise (a stall timeout, not a total one:
    /// long streams are fine while data flows).
    public var stallTimeout: Double
    /// Close the connection with a TCP reset (`SO_LINGER {1, 0}`) instead of a FIN. For uploads whose
    /// server takes an early end of the body for a complete one (ClickHouse 18.16 commits a cut-off
    /// INSERT body that ends with FIN): an aborted transfer or a killed process then cannot commit.
    public var abortiveClose: Bool
    /// Asked (on the transfer's thread) when no byte has moved for `stallTimeout` seconds: true
    /// means the server is still working on the request (a long computation that sends nothing
    /// meanwhile), and the wait starts again; false or nil ends the request as timed out.
    public var stillWorking: (@Sendable () -> Bool)?

    public init(url: String, method: Method = .get, headers: [(name: String, value: String)] = [],
                body: HTTPBody? = nil, connectTimeout: Double = 10, stallTimeout: Double = 300,
                abortiveClose: Bool = false) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        self.abortiveClose = abortiveClose
    }
}

/// A request body.
public enum HTTPBody: Sendable {
    /// Bytes sent with a Content-Length.
    case bytes([UInt8])
    /// A chunked body produced on demand: the closure fills the buffer and returns how many bytes it
    /// wrote, 0 at the end. A thrown error aborts the transfer so the server never sees a complete
    /// body (an abortive close), and the error is rethrown by `perform`.
    case stream(@Sendable (UnsafeMutableRawBufferPointer) throws -> Int)
}

/// The status line and headers of a response (header names lower-cased).
public struct HTTPResponseHead: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]

    public init(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = headers
    }
}

/// Sends a request and hands the response body to `onBody` chunk by chunk as it arrives.
public protocol HTTPTransport: Sendable {
    /// Calls `onHead` once with the final status and headers, before the first `onBody` call (so a
    /// caller can route an error body away from its decoder), then `onBody` for every chunk.
    /// Throws `TransportError` when no complete response arrives, or whatever `onHead`, `onBody` or a
    /// streaming body throws. HTTP error statuses are not errors here: the caller reads `status`.
    func perform(_ request: HTTPRequest, onHead: (HTTPResponseHead) throws -> Void,
                 onBody: (UnsafeRawBufferPointer) throws -> Void) throws -> HTTPResponseHead
}

extension HTTPTransport {
    /// `perform(_:onHead:onBody:)` for callers that only look at the status afterwards.
    public func perform(_ request: HTTPRequest, onBody: (UnsafeRawBufferPointer) throws -> Void) throws -> HTTPResponseHead {
        try perform(request, onHead: { _ in }, onBody: onBody)
    }
}
