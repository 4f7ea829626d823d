import Foundation
import Lineage
import Testing

/// Keeps what it is given, or throws.
final class MemoryEmitter: LineageEmitter, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [LineageEvent] = []
    let failing: Bool

    init(failing: Bool = false) { self.failing = failing }

    var destination: String { failing ? "broken" : "memory" }

    func emit(_ event: LineageEvent) throws {
        if failing { throw LineageError(kind: .transportFailed, destination: destination, message: "connection refused") }
        lock.lock(); defer { lock.unlock() }
        kept.append(event)
    }

    var events: [LineageEvent] {
        lock.lock(); defer { lock.unlock() }
        return kept
    }
}

@Test func recorderEmitsStartAndCompleteOfOneRunAtTheClocksTimes() {
    let memory = MemoryEmitter()
    let times = Times([Fixtures.startTime, Fixtures.endTime])
    let recorder = LineageRecorder(run: Fixtures.run, emitters: [memory], clock: { times.next() })
    #expect(recorder.start(inputs: [Fixtures.input]).isEmpty)
    #expect(recorder.complete(outputs: [Fixtures.output]).isEmpty)
    #expect(memory.events == [Fixtures.run.start(inputs: [Fixtures.input], at: Fixtures.startTime),
                              Fixtures.run.complete(outputs: [Fixtures.output], at: Fixtures.endTime)])
}

@Test func recorderTurnsEmitterFailuresIntoWarnings() {
    let memory = MemoryEmitter()
    let recorder = LineageRecorder(run: Fixtures.run, emitters: [MemoryEmitter(failing: true), memory],
                                   clock: { Fixtures.startTime })
    let warnings = recorder.start() + recorder.fail(message: "disk full")
    #expect(warnings == [
        LineageWarning(eventType: .start, destination: "broken", message: "lineage endpoint broken unreachable: connection refused"),
        LineageWarning(eventType: .fail, destination: "broken", message: "lineage endpoint broken unreachable: connection refused"),
    ])
    #expect(memory.events.map(\.eventType) == [.start, .fail])             // the working emitter still got both
    #expect(memory.events.last?.runFacets.errorMessage?.message == "disk full")
}

/// A clock that returns the given times in turn.
final class Times: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: [Date]

    init(_ times: [Date]) { remaining = times }

    func next() -> Date {
        lock.lock(); defer { lock.unlock() }
        return remaining.removeFirst()
    }
}
