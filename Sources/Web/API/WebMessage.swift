import Hummingbird

/// An HTTP request as the API sees it, independent of the server library: method, path and raw
/// query (still percent-encoded), the two headers it reads, and the whole body (the server refuses
/// bodies over the limit before collecting them).
public struct WebRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    public var authorization: String?
    public var contentType: String?
    public var body: [UInt8]

    public init(method: String, path: String, query: String? = nil, authorization: String? = nil, contentType: String? = nil,
                body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.authorization = authorization
        self.contentType = contentType
        self.body = body
    }
}

/// A response: status, content type, body and any extra headers. The body is held as the bytes
/// the server writes (`bytes`): an answer rendered once and kept (`ServeState`'s cached answers)
/// is handed to the socket without a copy; `body` is the same bytes as text.
public struct WebResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var bytes: ByteBuffer
    public var headers: [(String, String)] = []

    public init(status: Int, contentType: String, body: String, headers: [(String, String)] = []) {
        self.init(status: status, contentType: contentType, bytes: ByteBuffer(string: body), headers: headers)
    }

    public init(status: Int, contentType: String, bytes: ByteBuffer, headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.bytes = bytes
        self.headers = headers
    }

    /// The body as text (UTF-8).
    public var body: String {
        get { bytes.getString(at: bytes.readerIndex, length: bytes.readableBytes) ?? "" }
        set { bytes = ByteBuffer(string: newValue) }
    }

    public static func json(_ status: Int = 200, _ bytes: ByteBuffer) -> WebResponse {
        WebResponse(status: status, contentType: "application/json; charset=utf-8", bytes: bytes)
    }

    public static func json(_ status: Int = 200, _ body: String) -> WebResponse {
        WebResponse(status: status, contentType: "application/json; charset=utf-8", body: body)
    }

    public static func html(_ status: Int = 200, _ body: String) -> WebResponse {
        WebResponse(status: status, contentType: "text/html; charset=utf-8", body: body)
    }

    /// `{"error": {"code": ..., "message": ...}}` (docs/api.md).
    public static func error(_ status: Int, _ code: String, _ message: String) -> WebResponse {
        var json = JSONText()
        json.object { o in o.object("error") { e in e.field("code", code); e.field("message", message) } }
        var response = WebResponse.json(status, json.text)
        if status == 401 { response.headers.append(("WWW-Authenticate", "Bearer")) }
        return response
    }
}

/// A request the API refuses, with the status and error code it answers with.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String

    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static func badParameter(_ name: String, _ problem: String) -> APIError {
        APIError(400, "bad_parameter", "\(name): \(problem)")
    }

    public var response: WebResponse { .error(status, code, message) }
}
