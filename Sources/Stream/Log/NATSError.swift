import CNats

/// A failure talking to NATS or JetStream, with the libnats status, the JetStream error code (0 when
/// the server sent none) and the library's own text for the last error of the calling thread.
public struct NATSError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No server answered at the URL (connection refused, timed out, no route): the service is
        /// unavailable, and the command line exits 69.
        case unreachable
        /// A JetStream request (stream, consumer, fetch, ack) failed or timed out.
        case jetStream
        /// A published message was not stored (a negative acknowledgement or none in time).
        case publish
        /// The caller used the log wrongly (fetch before `openConsumer`, a bad name).
        case usage
    }

    public var kind: Kind
    /// What was being done, e.g. "create stream ORDERS".
    public var message: String
    /// The libnats status text ("Timeout", "No server available for connection"), if any.
    public var status: String?
    /// The JetStream API error code (10059 = stream not found, ...), 0 if none.
    public var errorCode: Int

    public init(kind: Kind, message: String, status: String? = nil, errorCode: Int = 0) {
        self.kind = kind
        self.message = message
        self.status = status
        self.errorCode = errorCode
    }

    /// An error for a libnats call that returned `status`, with the thread's last error text when it
    /// says more than the status itself.
    static func failed(_ kind: Kind, _ message: String, _ status: natsStatus, errorCode: jsErrCode = jsErrCode(rawValue: 0)) -> NATSError {
        var text = String(cString: natsStatus_GetText(status))
        if var last = nats_GetLastError(nil).map({ String(cString: $0) }) {
            // libnats prefixes its text with the source location: "(conn.c:2088): No server ...".
            if last.hasPrefix("("), let end = last.range(of: "): ") { last = String(last[end.upperBound...]) }
            if !last.isEmpty, !text.contains(last), !last.contains(text) { text += ": " + last } else if last.count > text.count { text = last }
        }
        return NATSError(kind: kind, message: message, status: text, errorCode: Int(errorCode.rawValue))
    }

    public var description: String {
        var text = message
        if let status { text += ": " + status }
        if errorCode != 0 { text += " (JetStream error \(errorCode))" }
        return text
    }
}
