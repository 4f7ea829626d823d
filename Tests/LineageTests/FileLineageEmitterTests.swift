import Foundation
import Lineage
import TestSupport
import Testing

@Test func fileEmitterAppendsOneEventPerLine() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let emitter = FileLineageEmitter(path: folder.file("lineage.jsonl"))
    try emitter.emit(Fixtures.start)
    try emitter.emit(Fixtures.complete)
    let text = try String(contentsOfFile: emitter.path, encoding: .utf8)
    #expect(text == (try Fixtures.text(Fixtures.start)) + "\n" + (try Fixtures.text(Fixtures.complete)) + "\n")
    #expect(OpenLineageSpecCheck.violations(ofJSONLines: Data(text.utf8)).isEmpty)
}

/// 64 runs on as many concurrent iterations, each with its own emitter (its own open file
/// description, as separate processes would have), every event ~70 KB so that a non-atomic append
/// would tear lines: afterwards every line parses, and every run has its START and COMPLETE.
@Test func concurrentAppendersNeverInterleaveLines() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let path = folder.file("lineage.jsonl")
    let runs = 64
    let padding = Dictionary(uniqueKeysWithValues: (0..<1000).map { ("parameter\($0)", String(repeating: "x", count: 50)) })
    let failures = Failures()
    DispatchQueue.concurrentPerform(iterations: runs) { index in
        let run = LineageRun(job: LineageJob(namespace: "restock", name: "restock.job\(index)"), producer: Fixtures.producer)
        let facets = LineageRunFacets(model: .init(version: "v\(index)", parameters: padding))
        let emitter = FileLineageEmitter(path: path)
        do {
            try emitter.emit(run.start(inputs: [Fixtures.input], facets: facets, at: Fixtures.startTime))
            try emitter.emit(run.complete(outputs: [Fixtures.output], facets: facets, at: Fixtures.endTime))
        } catch {
            failures.add("\(error)")
        }
    }
    #expect(failures.all.isEmpty)
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let lines = data.split(separator: UInt8(ascii: "\n"))
    #expect(lines.count == 2 * runs)
    #expect(data.last == UInt8(ascii: "\n"))
    let problems = OpenLineageSpecCheck.violations(ofJSONLines: data)
    let firstProblems = Array(problems.prefix(5))
    #expect(firstProblems.isEmpty, "\(problems.count) problems")
}

@Test func anUnwritableFileIsALineageErrorWithThePath() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let path = folder.file("missing-folder/lineage.jsonl")
    #expect {
        try FileLineageEmitter(path: path).emit(Fixtures.start)
    } throws: { error in
        guard let error = error as? LineageError else { return false }
        return error.kind == .fileWriteFailed && error.destination == path && error.message.hasPrefix("cannot open")
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        messages.append(message)
    }

    var all: [String] {
        lock.lock(); defer { lock.unlock() }
        return messages
    }
}
