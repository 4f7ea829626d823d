/// A request that did not complete at the transport level (no HTTP status, or a broken stream).
public struct TransportError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Nothing was sent: the host could not be resolved or refused the connection. Safe to retry.
        case couldNotConnect
        /// The connection was made but no byte moved for the stall timeout.
        case timedOut
        /// The connection broke mid-transfer, or the response was malformed.
        case transferFailed
    }

    public let kind: Kind
    public let message: String
    /// The URL without credentials.
    public let url: String

    public init(kind: Kind, message: String, url: String) {
        self.kind = kind
        self.message = message
        self.url = url
    }

    public var description: String {
        switch kind {
        case .couldNotConnect: "cannot connect to \(url): \(message)"
        case .timedOut: "request to \(url) timed out: \(message)"
        case .transferFailed: "request to \(url) failed: \(message)"
        }
    }
}
