/// Somewhere lineage events go: a file, an HTTP endpoint. `emit` either delivers the whole event or
/// throws (normally a `LineageError`); callers that must not fail on lineage go through
/// `LineageRecorder`, which turns errors into warnings.
public protocol LineageEmitter: Sendable {
    /// Where events go, for messages (a path, or a URL without credentials).
    var destination: String { get }
    func emit(_ event: LineageEvent) throws
}
