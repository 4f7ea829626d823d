/// A ClickHouse request that reached the server but failed: an exception the server reported (with
/// an error status, or appended to a stream that had started with 200), a response the client could
/// not decode, or rows that did not match the declared columns. Carries the query and its id, never
/// credentials (those travel in headers, not in the URL or the SQL).
///
/// A request that never got a response (refused, timed out, broken) throws `TransportError` instead.
public struct ClickHouseError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The server reported an exception; `code` is its error code (60 unknown table, 62 syntax
        /// error, 395 throwIf, ...).
        case server
        /// The response was not the format asked for: cut off inside a row, a bad Nullable flag,
        /// or a body larger than allowed.
        case malformedResponse
        /// The row handler or INSERT producer read or wrote columns other than the declared ones.
        case columnMismatch
    }

    public let kind: Kind
    /// HTTP status of the response; 200 for an exception appended to a stream; nil when the failure
    /// happened before any status (an INSERT producer that wrote the wrong columns).
    public let httpStatus: Int?
    /// The server's exception code (e.g. 60), when the server sent one.
    public let code: Int?
    public let message: String
    /// The SQL as sent (for an INSERT, the `INSERT ... FORMAT RowBinary` line).
    public let query: String
    /// The `query_id` the client sent, for `system.query_log` or `KILL QUERY`; empty when the error
    /// was found before the statement was sent (the column-type check).
    public let queryID: String

    public init(kind: Kind, httpStatus: Int?, code: Int?, message: String, query: String, queryID: String) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.query = query
        self.queryID = queryID
    }

    public var description: String {
        var head: String
        switch kind {
        case .server: head = "ClickHouse error" + (code.map { " \($0)" } ?? "")
        case .malformedResponse: head = "malformed ClickHouse response"
        case .columnMismatch: head = "columns do not match"
        }
        if let httpStatus { head += " (HTTP \(httpStatus))" }
        let shown = query.count > 600 ? query.prefix(600) + "… (\(query.utf8.count) bytes)" : Substring(query)
        return "\(head): \(message)\n  query: \(shown)\n  query_id: \(queryID)"
    }
}
