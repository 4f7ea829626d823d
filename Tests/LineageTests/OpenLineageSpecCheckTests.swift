import Foundation
import Lineage
import Testing

@Test func emittedEventsPassTheSpecCheck() throws {
    for event in [Fixtures.start, Fixtures.complete, Fixtures.fail] {
        let problems = OpenLineageSpecCheck.violations(ofEvent: try Fixtures.decoded(event))
        #expect(problems.isEmpty, "\(problems)")
    }
}

/// One hand-broken event per case: the change, and the start of the line the check must report.
@Test(arguments: [
    ("remove run.runId", "event: run.runId is missing"),
    ("runId not a UUID", "event: run.runId 'x' is not a UUID"),
    ("facet without _producer", "event: run.facets.restock_model._producer is missing"),
    ("facet _schemaURL not a URI", "event: run.facets.restock_model._schemaURL 'not a uri' is not an absolute URI"),
    ("unknown eventType", "event: eventType 'FINISHED' is not one of"),
    ("rowCount as a string", "event: outputs[0].outputFacets.outputStatistics.rowCount '1200' is not an integer"),
    ("size as a fraction", "event: outputs[0].outputFacets.outputStatistics.size '1.5' is not an integer"),
    ("eventTime without zone", "event: eventTime '2024-05-01T12:01:01' is not an RFC 3339 date-time"),
    ("remove producer", "event: producer is missing"),
    ("dataset without name", "event: inputs[0].name is missing"),
    ("job name a number", "event: job.name is not a string"),
    ("schema field without name", "event: inputs[0].facets.schema.fields[0].name is missing"),
    ("errorMessage without language", "event: run.facets.errorMessage.programmingLanguage is missing"),
    ("inputs not an array", "event: inputs is not an array"),
])
func specCheckRejectsABrokenEvent(change: String, expected: String) throws {
    var event = try Fixtures.decoded(Fixtures.complete)
    var run = event["run"] as! [String: Any]
    var runFacets = run["facets"] as! [String: Any]
    var model = runFacets["restock_model"] as! [String: Any]
    var outputs = event["outputs"] as! [[String: Any]]
    var outputFacets = outputs[0]["outputFacets"] as! [String: Any]
    var statistics = outputFacets["outputStatistics"] as! [String: Any]
    var inputs = event["inputs"] as! [[String: Any]]
    var inputFacets = inputs[0]["facets"] as! [String: Any]
    var schema = inputFacets["schema"] as! [String: Any]
    switch change {
    case "remove run.runId": run["runId"] = nil
    case "runId not a UUID": run["runId"] = "x"
    case "facet without _producer": model["_producer"] = nil
    case "facet _schemaURL not a URI": model["_schemaURL"] = "not a uri"
    case "unknown eventType": event["eventType"] = "FINISHED"
    case "rowCount as a string": statistics["rowCount"] = "1200"
    case "size as a fraction": statistics["size"] = 1.5
    case "eventTime without zone": event["eventTime"] = "2024-05-01T12:01:01"
    case "remove producer": event["producer"] = nil
    case "dataset without name": inputs[0]["name"] = nil
    case "job name a number": event["job"] = ["namespace": "restock", "name": 7]
    case "schema field without name": schema["fields"] = [["type": "UInt32"]]
    case "errorMessage without language": runFacets["errorMessage"] = ["_producer": Fixtures.producer, "_schemaURL": "https://x/y", "message": "m"]
    case "inputs not an array": inputs = []; event["inputs"] = "orders.csv"
    default: Issue.record("unknown change \(change)")
    }
    run["facets"] = { runFacets["restock_model"] = model; return runFacets }()
    if event["run"] != nil { event["run"] = run }
    outputFacets["outputStatistics"] = statistics
    outputs[0]["outputFacets"] = outputFacets
    event["outputs"] = outputs
    if !inputs.isEmpty {
        inputFacets["schema"] = schema
        inputs[0]["facets"] = inputFacets
        event["inputs"] = inputs
    }
    let problems = OpenLineageSpecCheck.violations(ofEvent: event)
    #expect(problems.count == 1, "\(problems)")
    #expect(problems.contains { $0.hasPrefix(expected) }, "\(problems)")
}

@Test func specCheckReadsBooleansAsNotIntegers() throws {
    let text = try Fixtures.text(Fixtures.complete).replacingOccurrences(of: "\"rowCount\":1200", with: "\"rowCount\":true")
    let event = try JSONSerialization.jsonObject(with: Data(text.utf8))
    #expect(OpenLineageSpecCheck.violations(ofEvent: event)
            == ["event: outputs[0].outputFacets.outputStatistics.rowCount is a boolean, not an integer"])
    let one = try JSONSerialization.jsonObject(with: Data(text.replacingOccurrences(of: "\"rowCount\":true", with: "\"rowCount\":1").utf8))
    #expect(OpenLineageSpecCheck.violations(ofEvent: one).isEmpty)
}

@Test func formatsAreCheckedStrictly() {
    #expect(OpenLineageSpecCheck.violations(ofEvent: "[]").first == "event: the event is not a JSON object")
    var event = try! Fixtures.decoded(Fixtures.start)
    event["eventTime"] = "2024-13-01T12:00:00Z"
    event["schemaURL"] = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/Run Event"
    #expect(OpenLineageSpecCheck.violations(ofEvent: event, label: "event 3") == [
        "event 3: eventTime '2024-13-01T12:00:00Z' is not an RFC 3339 date-time",
        "event 3: schemaURL 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/Run Event' is not an absolute URI",
    ])
    event["eventTime"] = "2024-05-01T12:00:00.123456+02:00"
    event["schemaURL"] = "https://example.com/a%20b"
    #expect(OpenLineageSpecCheck.violations(ofEvent: event).isEmpty)
}

// MARK: - Files of events

func lines(_ events: [LineageEvent]) throws -> Data {
    var data = Data()
    for event in events { data += try event.jsonData(); data.append(UInt8(ascii: "\n")) }
    return data
}

@Test func aFileOfPairedRunsPassesTheFileCheck() throws {
    let other = LineageRun(job: LineageJob(namespace: "restock", name: "restock.score"), producer: Fixtures.producer,
                           runId: UUID(uuidString: "00000000-0000-4000-8000-000000000001")!)
    let data = try lines([Fixtures.start, other.start(at: Fixtures.startTime), Fixtures.complete,
                          other.fail(message: "boom", at: Fixtures.endTime)])
    #expect(OpenLineageSpecCheck.violations(ofJSONLines: data).isEmpty)
}

@Test func theFileCheckReportsUnpairedRunsAndBrokenLines() throws {
    let run = Fixtures.run
    let otherJob = LineageRun(job: LineageJob(namespace: "restock", name: "restock.other"), producer: Fixtures.producer, runId: run.runId)
    let twice = LineageRun(job: run.job, producer: Fixtures.producer, runId: UUID(uuidString: "00000000-0000-4000-8000-000000000002")!)
    let endless = LineageRun(job: run.job, producer: Fixtures.producer, runId: UUID(uuidString: "00000000-0000-4000-8000-000000000003")!)
    var data = try lines([
        otherJob.start(at: Fixtures.startTime),                      // line 1: run A, another job's name
        run.complete(at: Fixtures.endTime),                          // line 2: run A ends
        twice.complete(at: Fixtures.endTime),                        // line 3: run B ends before it starts
        twice.start(at: Fixtures.startTime),                         // line 4
        endless.start(at: Fixtures.startTime),                       // line 5: run C never ends
    ])
    data += Data("{not json\n\n".utf8)                               // line 6, then a blank line 7
    let problems = OpenLineageSpecCheck.violations(ofJSONLines: data)
    let expected = [
        "line 6: not valid JSON",
        "run 3f2504e0-4f89-41d3-9a0c-0305e82c3301: events name different jobs: restock/restock.other, restock/restock.train",
        "run 00000000-0000-4000-8000-000000000002: first event (line 3) is COMPLETE, not START",
        "run 00000000-0000-4000-8000-000000000002: last event (line 4) is START, not COMPLETE or FAIL",
        "run 00000000-0000-4000-8000-000000000003: 0 COMPLETE or FAIL events, expected 1 (line 5)",
        "run 00000000-0000-4000-8000-000000000003: last event (line 5) is START, not COMPLETE or FAIL",
    ]
    #expect(problems == expected)
}

@Test func theFileCheckCountsDuplicateStartsAndEnds() throws {
    let run = Fixtures.run
    let data = try lines([run.start(at: Fixtures.startTime), run.start(at: Fixtures.startTime),
                          run.complete(at: Fixtures.endTime), run.fail(message: "late", at: Fixtures.endTime)])
    let problems = OpenLineageSpecCheck.violations(ofJSONLines: data)
    #expect(problems == [
        "run 3f2504e0-4f89-41d3-9a0c-0305e82c3301: 2 START events, expected 1 (line 1, line 2, line 3, line 4)",
        "run 3f2504e0-4f89-41d3-9a0c-0305e82c3301: 2 COMPLETE or FAIL events, expected 1 (line 1, line 2, line 3, line 4)",
    ])
}

/// docs/lineage.md's two example events are what `LineageRun` makes for the same run, and they pass
/// the check as a file.
@Test func theDocumentedExamplesAreTheEncodedEventsAndPass() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("docs/lineage.md"), encoding: .utf8)
    let blocks = text.components(separatedBy: "```json\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    #expect(blocks.count == 2)
    var file = Data()
    for block in blocks {
        let object = try JSONSerialization.jsonObject(with: Data(block.utf8))
        file += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        file.append(UInt8(ascii: "\n"))
    }
    let start = Fixtures.start
    let complete = Fixtures.run.complete(inputs: [LineageDataset.file(path: "/data/instacart/orders.csv")],
                                         outputs: [Fixtures.output], facets: .init(model: Fixtures.model), at: Fixtures.endTime)
    #expect(String(decoding: file, as: UTF8.self) == (try Fixtures.text(start)) + "\n" + (try Fixtures.text(complete)) + "\n")
    #expect(OpenLineageSpecCheck.violations(ofJSONLines: file).isEmpty)
}
