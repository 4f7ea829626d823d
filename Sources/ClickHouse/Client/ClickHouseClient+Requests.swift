#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPClient

/// How one call becomes one HTTP request: URL parameters, headers, retries, and the routing of
/// the response body (rows to the decoder on 200, text to an error otherwise).
extension ClickHouseClient {
    /// Longest error body kept (ClickHouse's messages are a few hundred bytes).
    static let maxErrorBody = 64 << 10

    /// Sends `sql` and hands a 200 body to `onBody`, then calls `onEnd`. Throws `ClickHouseError`
    /// for an error status, `TransportError` when no complete answer came (unless the part that
    /// came ends in an exception text: `trailingException`), or what the callbacks throw.
    func run(sql: String, settings: ClickHouseSettings, format: String? = nil, sqlInURL: Bool = false,
             body: HTTPBody? = nil, abortiveClose: Bool = false, mayRetry: () -> Bool = { true },
             onBody: (UnsafeRawBufferPointer) throws -> Void, onEnd: () throws -> Void = {},
             trailingException: () -> (code: Int, message: String)? = { nil }) throws {
        let queryID = Self.newQueryID()
        var parameters: [(name: String, value: String)] = []
        if let database = configuration.database { parameters.append(("database", database)) }
        parameters.append(("query_id", queryID))
        parameters += settings.parameters
        if let format { parameters.append(("default_format", format)) }
        if sqlInURL { parameters.append(("query", sql)) }
        var request = HTTPRequest(
            url: url(parameters), method: .post, headers: configuration.authenticationHeaders,
            body: sqlInURL ? body : .bytes(Array(sql.utf8)),
            connectTimeout: configuration.connectTimeout, stallTimeout: configuration.stallTimeout,
            abortiveClose: abortiveClose)
        request.stillWorking = { [self] in isRunning(queryID: queryID) }

        var head: HTTPResponseHead?
        var accepted = false
        var errorBody: [UInt8] = []
        func serverError() -> ClickHouseError {
            let parsed = ServerExceptionText.parseBody(errorBody)
            let headerCode = head?.headers["x-clickhouse-exception-code"].flatMap { Int($0) }
            return ClickHouseError(kind: .server, httpStatus: head?.status, code: headerCode ?? parsed.code,
                                   message: parsed.message, query: sql, queryID: queryID)
        }
        do {
            try performWithRetry(request, mayRetry: { head == nil && mayRetry() }, onHead: { received in
                head = received
                accepted = received.status == 200 && received.headers["x-clickhouse-exception-code"] == nil
                errorBody.removeAll()
            }, onBody: { chunk in
                if accepted {
                    try onBody(chunk)
                } else if errorBody.count < Self.maxErrorBody {
                    errorBody.append(contentsOf: chunk.prefix(Self.maxErrorBody - errorBody.count))
                }
            })
        } catch let error as TransportError {
            // The server answered with an error and then the connection broke (an INSERT body still
            // flowing), or a stream broke after an exception (current servers cut the stream).
            if head != nil, !accepted { throw serverError() }
            if accepted, let found = trailingException() {
                throw ClickHouseError(kind: .server, httpStatus: head?.status, code: found.code, message: found.message,
                                      query: sql, queryID: queryID)
            }
            throw error
        } catch {
            throw translate(error, status: head?.status, sql: sql, queryID: queryID)
        }
        guard accepted else { throw serverError() }
        do {
            try onEnd()
        } catch {
            throw translate(error, status: head?.status, sql: sql, queryID: queryID)
        }
    }

    /// `transport.perform`, again after `configuration.retry.delay` while the connection is
    /// refused and `mayRetry()` (nothing of this request has been sent or received).
    func performWithRetry(_ request: HTTPRequest, mayRetry: () -> Bool, onHead: (HTTPResponseHead) throws -> Void,
                          onBody: (UnsafeRawBufferPointer) throws -> Void) throws {
        var attempt = 1
        while true {
            do {
                _ = try transport.perform(request, onHead: onHead, onBody: onBody)
                return
            } catch let error as TransportError
                        where error.kind == .couldNotConnect && attempt < configuration.retry.maxAttempts && mayRetry() {
                pause(configuration.retry.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// A decoder's or writer's error as a `ClickHouseError` that names the query; others unchanged.
    func translate(_ error: Error, status: Int?, sql: String, queryID: String) -> Error {
        guard let format = error as? RowFormatError else { return error }
        switch format {
        case .malformed(let message):
            return ClickHouseError(kind: .malformedResponse, httpStatus: status, code: nil, message: message, query: sql, queryID: queryID)
        case .columnMismatch(let message):
            return ClickHouseError(kind: .columnMismatch, httpStatus: status, code: nil, message: message, query: sql, queryID: queryID)
        case .serverException(let code, let message):
            return ClickHouseError(kind: .server, httpStatus: status, code: code, message: message, query: sql, queryID: queryID)
        }
    }

    /// The configuration's URL with its `urlParameters` (those the request does not set itself)
    /// and then `parameters`, every name and value percent-encoded, joined by `&`.
    func url(_ parameters: [(name: String, value: String)]) -> String {
        let own = Set(parameters.map(\.name))
        let all = configuration.urlParameters.filter { !own.contains($0.name) } + parameters
        return configuration.url + "/?" + all.map { "\(Self.percentEncoded($0.name))=\(Self.percentEncoded($0.value))" }
            .joined(separator: "&")
    }

    /// Whether the server lists `queryID` in `system.processes`, asked on a connection of its own
    /// when a request has moved no byte for `stallTimeout` seconds. False when the server does not
    /// answer within `stallTimeout` (a hung server) or answers anything but a count above 0.
    /// Cost: one small round trip.
    func isRunning(queryID: String) -> Bool {
        let sql = "SELECT count() FROM system.processes WHERE query_id = \(SQLLiteral.string(queryID))"
        let probe = HTTPRequest(url: configuration.url + "/", method: .post, headers: configuration.authenticationHeaders,
                                body: .bytes(Array(sql.utf8)), connectTimeout: configuration.connectTimeout,
                                stallTimeout: configuration.stallTimeout)
        var answer: [UInt8] = []
        guard let head = try? transport.perform(probe, onBody: { chunk in
            if answer.count < 64 { answer += chunk.prefix(64 - answer.count) }
        }), head.status == 200 else { return false }
        return (Int(String(decoding: answer, as: UTF8.self).filter { !$0.isWhitespace }) ?? 0) > 0
    }

    /// Every byte but the unreserved `A-Z a-z 0-9 - . _ ~` as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A random version-4 UUID, the `query_id` of one request.
    static func newQueryID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0f | 0x40
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = bytes.map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }

    @Sendable static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }
}
