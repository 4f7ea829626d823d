import Foundation
import Lineage
import TestSupport
import Testing

/// Lineage through the built binary: a whole demo's jobs write valid OpenLineage events to a file,
/// an HTTP endpoint receives them, and an endpoint that is down only warns.
@Suite(.serialized) struct LineageCommandTests {
    static func events(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func everyJobOfADemoRunEmitsValidPairedEvents() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lineage = dir.file("lineage.jsonl")
        let env = ["RESTOCK_LINEAGE_FILE": lineage]
        let data = dir.file("data"), model = dir.file("model.rf"), matrix = dir.file("features.bin")
        let jobs: [[String]] = [
            ["generate", "--users", "120", "--seed", "4", "--out", data],
            ["stats", "--data", data],
            ["features", "--data", data, "--out", matrix],
            ["train", "--matrix", matrix, "--model", model, "--trees", "3"],
            ["predict", "--model", model, "--matrix", matrix, "--out", dir.file("predictions.csv")],
            ["score", "--model", model, "--data", data, "--out", dir.file("scores.csv")],
            ["recommend", "--model", model, "--data", data, "--out", dir.file("stock.csv"), "--baskets", dir.file("baskets.csv")],
            ["inspect", "--model", model],
            ["evaluate", "--matrix", matrix, "--folds", "2", "--trees", "2"],
            ["sweep", "--matrix", matrix, "--folds", "2", "--grid", "trees=2", "--out", dir.file("sweep")],
        ]
        for arguments in jobs {
            let result = try RestockProcess.run(arguments + ["-q"], environment: env)
            #expect(result.status == 0, "\(arguments[0]): \(result.stderr)")
        }
        let failed = try RestockProcess.run(["features", "--data", dir.file("missing"), "--out", dir.file("x.csv"), "-q",
                                             "--lineage-namespace", "shop-7"], environment: env)
        #expect(failed.status != 0)

        let bytes = try Data(contentsOf: URL(fileURLWithPath: lineage))
        #expect(OpenLineageSpecCheck.violations(ofJSONLines: bytes) == [])
        let check = try RestockProcess.run(["lineage-check", "--file", lineage])
        #expect(check.status == 0, "\(check.stdout)")

        let events = try Self.events(lineage)
        #expect(events.count == 2 * (jobs.count + 1))
        let names = events.compactMap { ($0["job"] as? [String: Any])?["name"] as? String }
        for arguments in jobs {
            let expected = arguments[0] == "features" ? 4 : 2  // the failed run is a features run too
            #expect(names.filter { $0 == "restock.\(arguments[0])" }.count == expected, "\(arguments[0])")
        }
        let last = try #require(events.last)
        #expect(last["eventType"] as? String == "FAIL")
        #expect((last["job"] as? [String: Any])?["namespace"] as? String == "shop-7")
        let error = ((last["run"] as? [String: Any])?["facets"] as? [String: Any])?["errorMessage"] as? [String: Any]
        #expect((error?["message"] as? String)?.contains("missing") == true)

        // train's COMPLETE: the matrix read with its columns and rows, the model written with its version.
        let train = try #require(events.first { ($0["job"] as? [String: Any])?["name"] as? String == "restock.train" && $0["eventType"] as? String == "COMPLETE" })
        let input = try #require((train["inputs"] as? [[String: Any]])?.first)
        #expect((input["namespace"] as? String)?.hasPrefix("file://") == true)
        #expect(input["name"] as? String == URL(fileURLWithPath: matrix).standardizedFileURL.path)
        let fields = ((input["facets"] as? [String: Any])?["schema"] as? [String: Any])?["fields"] as? [[String: Any]]
        #expect(fields?.first?["name"] as? String == "user_id")
        let output = try #require((train["outputs"] as? [[String: Any]])?.first)
        let version = ((output["facets"] as? [String: Any])?["version"] as? [String: Any])?["datasetVersion"] as? String
        #expect(version?.hasPrefix("rf-") == true)
        let size = ((output["outputFacets"] as? [String: Any])?["outputStatistics"] as? [String: Any])?["size"] as? Int
        #expect(size == (try FileManager.default.attributesOfItem(atPath: model)[.size] as? Int))
        let modelFacet = ((train["run"] as? [String: Any])?["facets"] as? [String: Any])?["restock_model"] as? [String: Any]
        #expect(modelFacet?["version"] as? String == version)
        #expect((modelFacet?["parameters"] as? [String: Any])?["treeCount"] as? String == "3")
    }

    @Test func anHTTPEndpointReceivesStartAndComplete() throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 201, body: "") }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try RestockProcess.run(["generate", "--users", "20", "--out", dir.file("d"), "-q",
                                             "--lineage-url", server.url + "/api/v1/lineage"])
        #expect(result.status == 0, "\(result.stderr)")
        let requests = server.requests
        #expect(requests.map(\.method) == ["POST", "POST"])
        #expect(requests.allSatisfy { $0.target == "/api/v1/lineage" })
        let types = try requests.map { request in
            (try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["eventType"] as? String
        }
        #expect(types == ["START", "COMPLETE"])
        let ids = try requests.map { request in
            ((try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["run"] as? [String: Any])?["runId"] as? String
        }
        #expect(ids[0] != nil && ids[0] == ids[1])
    }

    @Test func anEndpointThatIsDownOnlyWarns() throws {
        let server = try LoopbackHTTPServer { _ in .init(body: "") }
        let url = server.url + "/api/v1/lineage"
        server.stop()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try RestockProcess.run(["generate", "--users", "20", "--out", dir.file("d"), "-q", "--json"],
                                            environment: ["RESTOCK_LINEAGE_URL": url])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: lineage"))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((summary["warnings"] as? [String])?.count == 2)
    }
}
