/// An event that did not reach one destination. A lineage failure is a warning for the job's
/// summary, never a failed job.
public struct LineageWarning: Sendable, Equatable, CustomStringConvertible {
    public let eventType: LineageEvent.EventType
    public let destination: String
    public let message: String

    public init(eventType: LineageEvent.EventType, destination: String, message: String) {
        self.eventType = eventType
        self.destination = destination
        self.message = message
    }

    public var description: String { "lineage \(eventType.rawValue) event not recorded: \(message)" }
}
