/// Why an event could not be encoded or delivered, with where it was going.
public struct LineageError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The event could not be turned into JSON.
        case encodingFailed
        /// The lineage file could not be opened or written (`errno` text in the message).
        case fileWriteFailed
        /// The HTTP endpoint answered with a status outside 200...299.
        case httpStatus
        /// No HTTP answer: connection refused, timed out, or broken.
        case transportFailed
    }

    public let kind: Kind
    /// The endpoint URL (without credentials) or the file path; empty for an encoding failure.
    public let destination: String
    /// The HTTP status, for `.httpStatus`.
    public let status: Int?
    /// What went wrong: the server's answer (first 500 bytes), the transport's or the system's message.
    public let message: String

    public init(kind: Kind, destination: String, status: Int? = nil, message: String) {
        self.kind = kind
        self.destination = destination
        self.status = status
        self.message = message
    }

    public var description: String {
        switch kind {
        case .encodingFailed: "lineage event could not be encoded: \(message)"
        case .fileWriteFailed: "lineage file \(destination): \(message)"
        case .httpStatus: "lineage endpoint \(destination) answered \(status ?? 0): \(message)"
        case .transportFailed: "lineage endpoint \(destination) unreachable: \(message)"
        }
    }
}
