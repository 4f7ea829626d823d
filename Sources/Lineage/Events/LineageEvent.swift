import Foundation

/// One OpenLineage run event (spec 2-0-2, `#/$defs/RunEvent`): what happened (`eventType`) to which
/// run of which job, when, reading which datasets and writing which. Pure value; `jsonData()` gives the
/// wire form (see `LineageEvent+Encoding.swift`), and `LineageRun` makes the events of one run.
public struct LineageEvent: Sendable, Equatable {
    /// The run's state transition (spec `eventType`).
    public enum EventType: String, Sendable, CaseIterable {
        case start = "START", running = "RUNNING", complete = "COMPLETE", abort = "ABORT", fail = "FAIL", other = "OTHER"
    }

    /// The JSON-pointer URL of the schema every event declares (`schemaURL`).
    public static let schemaURL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"

    public var eventType: EventType
    /// Encoded as ISO 8601 in UTC with milliseconds, `2024-05-01T12:00:00.250Z`.
    public var eventTime: Date
    /// Encoded lower-case (`run.runId`).
    public var runId: UUID
    public var runFacets: LineageRunFacets
    public var job: LineageJob
    public var inputs: [LineageDataset]
    public var outputs: [LineageDataset]
    /// URI of the software that made the event, also each facet's `_producer`.
    public var producer: String

    public init(eventType: EventType, eventTime: Date, runId: UUID, runFacets: LineageRunFacets = .init(),
                job: LineageJob, inputs: [LineageDataset] = [], outputs: [LineageDataset] = [], producer: String) {
        self.eventType = eventType
        self.eventTime = eventTime
        self.runId = runId
        self.runFacets = runFacets
        self.job = job
        self.inputs = inputs
        self.outputs = outputs
        self.producer = producer
    }
}
