import Foundation

/// One run of a job: its id, job and producer, and the events that open and close it. Pure: the
/// caller passes each event's time, so the same inputs always give the same events.
public struct LineageRun: Sendable, Equatable {
    public let runId: UUID
    public let job: LineageJob
    /// URI of the producer, e.g. `https://github.com/restock/restock/tree/<version>`.
    public let producer: String

    /// A run with a fresh random id unless one is given.
    public init(job: LineageJob, producer: String, runId: UUID = UUID()) {
        self.runId = runId
        self.job = job
        self.producer = producer
    }

    /// The START event: the run began, expecting to read `inputs` (and write `outputs`, if known).
    public func start(inputs: [LineageDataset] = [], outputs: [LineageDataset] = [],
                      facets: LineageRunFacets = .init(), at time: Date) -> LineageEvent {
        event(.start, inputs: inputs, outputs: outputs, facets: facets, at: time)
    }

    /// The COMPLETE event: the run succeeded, having read `inputs` and written `outputs` (with their
    /// statistics).
    public func complete(inputs: [LineageDataset] = [], outputs: [LineageDataset] = [],
                         facets: LineageRunFacets = .init(), at time: Date) -> LineageEvent {
        event(.complete, inputs: inputs, outputs: outputs, facets: facets, at: time)
    }

    /// The FAIL event, with `message` as its `errorMessage` facet (programming language `swift`).
    public func fail(message: String, inputs: [LineageDataset] = [], outputs: [LineageDataset] = [],
                     facets: LineageRunFacets = .init(), at time: Date) -> LineageEvent {
        var facets = facets
        facets.errorMessage = .init(message: message)
        return event(.fail, inputs: inputs, outputs: outputs, facets: facets, at: time)
    }

    /// Any event of this run.
    public func event(_ type: LineageEvent.EventType, inputs: [LineageDataset], outputs: [LineageDataset],
                      facets: LineageRunFacets, at time: Date) -> LineageEvent {
        LineageEvent(eventType: type, eventTime: time, runId: runId, runFacets: facets, job: job,
                     inputs: inputs, outputs: outputs, producer: producer)
    }
}
