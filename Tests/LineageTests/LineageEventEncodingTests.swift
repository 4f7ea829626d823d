import Foundation
import Lineage
import Testing

@Test func startEventEncodesTheSpecKeysExactly() throws {
    let text = try Fixtures.text(Fixtures.start)
    let expected = #"{"eventTime":"2024-05-01T12:00:00.250Z","eventType":"START","inputs":[{"facets":{"schema":{"#
        + #""_producer":"https://github.com/restock/restock/tree/0.9.0","#
        + #""_schemaURL":"https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet","#
        + #""fields":[{"name":"order_id","type":"UInt32"},{"name":"user_id","type":"UInt32"}]}},"#
        + #""name":"/data/instacart/orders.csv","namespace":"file"}],"#
        + #""job":{"name":"restock.train","namespace":"restock"},"outputs":[],"#
        + #""producer":"https://github.com/restock/restock/tree/0.9.0","#
        + #""run":{"facets":{"restock_model":{"#
        + #""_producer":"https://github.com/restock/restock/tree/0.9.0","#
        + #""_schemaURL":"https://github.com/restock/restock/tree/0.9.0/docs/lineage-facets.json#/$defs/RestockModelRunFacet","#
        + #""parameters":{"seed":"7","treeCount":"100"},"version":"forest-2024-05-01"}},"#
        + #""runId":"3f2504e0-4f89-41d3-9a0c-0305e82c3301"},"#
        + #""schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}"#
    #expect(text == expected)
}

@Test func completeEventCarriesOutputStatisticsUnderOutputFacets() throws {
    let event = try Fixtures.decoded(Fixtures.complete)
    #expect(event["eventType"] as? String == "COMPLETE")
    #expect(event["eventTime"] as? String == "2024-05-01T12:01:01.000Z")
    let output = try #require((event["outputs"] as? [[String: Any]])?.first)
    #expect(output["namespace"] as? String == "file")
    #expect(output["name"] as? String == "/models/forest.model")
    #expect(output["facets"] == nil)                                   // no schema given: no facet, no empty object
    let statistics = try #require((output["outputFacets"] as? [String: Any])?["outputStatistics"] as? [String: Any])
    #expect(statistics["rowCount"] as? Int == 1200)
    #expect(statistics["size"] as? Int == 48_213)
    #expect(statistics["fileCount"] == nil)
    #expect(statistics["_schemaURL"] as? String
            == "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet")
    #expect(statistics["_producer"] as? String == Fixtures.producer)
}

@Test func failEventCarriesTheErrorMessageFacet() throws {
    let event = try Fixtures.decoded(Fixtures.fail)
    #expect(event["eventType"] as? String == "FAIL")
    let run = try #require(event["run"] as? [String: Any])
    #expect(run["runId"] as? String == "3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    let facets = try #require(run["facets"] as? [String: Any])
    #expect(Set(facets.keys) == ["errorMessage"])
    let error = try #require(facets["errorMessage"] as? [String: Any])
    #expect(Set(error.keys) == ["_producer", "_schemaURL", "message", "programmingLanguage"])
    #expect(error["message"] as? String == "orders.csv:12: bad user_id 'x'")
    #expect(error["programmingLanguage"] as? String == "swift")
}

@Test func startCompleteAndFailShareTheRunIdAndJob() {
    let events = [Fixtures.start, Fixtures.complete, Fixtures.fail]
    #expect(Set(events.map(\.runId)) == [Fixtures.runId])
    #expect(Set(events.map(\.job)) == [LineageJob(namespace: "restock", name: "restock.train")])
    #expect(events.map(\.eventType) == [.start, .complete, .fail])
}

@Test func encodingIsDeterministicOneLineAndLeavesOutAbsentFacets() throws {
    let bare = Fixtures.run.start(at: Fixtures.startTime)
    let text = try Fixtures.text(bare)
    #expect(text == (try Fixtures.text(bare)))
    #expect(!text.contains("\n"))
    #expect(!text.contains("facets"))
    #expect(!text.contains("null"))
    let inputWithStatistics = Fixtures.run.start(inputs: [LineageDataset.file(path: "/a").with(statistics: .init(rowCount: 3))],
                                                 at: Fixtures.startTime)
    let input = try #require((try Fixtures.decoded(inputWithStatistics)["inputs"] as? [[String: Any]])?.first)
    #expect((input["inputFacets"] as? [String: Any])?["inputStatistics"] != nil)
    #expect(input["outputFacets"] == nil)
}

@Test func datasetsAreNamedAsTheNamingSpecSays() {
    let local = LineageDataset.file(path: "/tmp/x/../orders.csv")
    #expect(local.namespace == "file")
    #expect(local.name == "/tmp/orders.csv")
    let remote = LineageDataset.file(path: "/srv/data/orders.csv", host: "worker-1")
    #expect(remote.namespace == "file://worker-1")
    #expect(remote.name == "/srv/data/orders.csv")
    #expect(LineageDataset.file(path: "relative.csv").name.hasPrefix("/"))
    let table = LineageDataset.clickHouse(host: "127.0.0.1", port: 8123, database: "restock", table: "order_products")
    #expect(table.namespace == "clickhouse://127.0.0.1:8123")
    #expect(table.name == "restock.order_products")
}
