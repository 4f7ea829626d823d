import Foundation

/// Records one run: makes its events (through `LineageRun`, stamped by `clock`) and hands each to
/// every emitter in turn. Never throws: an emitter's failure comes back as a `LineageWarning` and the
/// other emitters still get the event. With no emitters it does nothing and costs nothing.
public struct LineageRecorder: Sendable {
    public let run: LineageRun
    public let emitters: [any LineageEmitter]
    private let clock: @Sendable () -> Date

    /// `clock` gives each event's time (the wall clock unless a test fixes it).
    public init(run: LineageRun, emitters: [any LineageEmitter], clock: @escaping @Sendable () -> Date = { Date() }) {
        self.run = run
        self.emitters = emitters
        self.clock = clock
    }

    /// Emits START; returns the emitters' failures.
    @discardableResult
    public func start(inputs: [LineageDataset] = [], outputs: [LineageDataset] = [],
                      facets: LineageRunFacets = .init()) -> [LineageWarning] {
        record(run.start(inputs: inputs, outputs: outputs, facets: facets, at: clock()))
    }

    /// Emits COMPLETE with the same run id; returns the emitters' failures.
    @discardableResult
    public func complete(inputs: [LineageDataset] = [], outputs: [LineageDataset] = [],
                         facets: LineageRunFacets = .init()) -> [LineageWarning] {
        record(run.complete(inputs: inputs, outputs: outputs, facets: facets, at: clock()))
    }

    /// Emits FAIL with `message` as its error facet; returns the emitters' failures.
    @discardableResult
    public func fail(message: String, inputs: [LineageDataset] = [], outputs: [LineageDataset] = [],
                     facets: LineageRunFacets = .init()) -> [LineageWarning] {
        record(run.fail(message: message, inputs: inputs, outputs: outputs, facets: facets, at: clock()))
    }

    /// Hands `event` to every emitter; one warning per emitter that threw.
    @discardableResult
    public func record(_ event: LineageEvent) -> [LineageWarning] {
        var warnings: [LineageWarning] = []
        for emitter in emitters {
            do {
                try emitter.emit(event)
            } catch {
                warnings.append(LineageWarning(eventType: event.eventType, destination: emitter.destination,
                                               message: "\(error)"))
            }
        }
        return warnings
    }
}
