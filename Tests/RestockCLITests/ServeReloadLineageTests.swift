import Foundation
import HTTPClient
import TestSupport
import Testing

/// A model reload is a lineage job (`restock.serve.reload`: START then COMPLETE naming the model
/// file); requests emit nothing.
@Test func aModelReloadEmitsStartAndCompleteAndRequestsNothing() throws {
    let (dir, _) = try GeneratedData.make(users: 30, seed: 8)
    defer { dir.remove() }
    let model = dir.file("model.rf"), matrix = dir.file("features.bin"), events = dir.file("lineage.jsonl")
    #expect(try RestockProcess.run(["features", "--data", dir.path, "--out", matrix, "--quiet"]).status == 0)
    #expect(try RestockProcess.run(["train", "--matrix", matrix, "--model", model, "--trees", "3", "--quiet",
                                    "--permutation-rows", "0", "--threads", "1"]).status == 0)
    let (server, base) = try ServeLiveTests.serve(["--model", model, "--data", dir.path, "--lineage", events])
    defer { server.kill() }
    func reloadEvents() throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }.filter { (($0["job"] as? [String: Any])?["name"] as? String) == "restock.serve.reload" }
    }
    _ = try ServeLiveTests.get(base + "/api/recommendations?limit=3")
    _ = try ServeLiveTests.get(base + "/")
    #expect(try reloadEvents().isEmpty)
    let head = try CurlTransport().perform(HTTPRequest(url: base + "/api/model/reload", method: .post, connectTimeout: 10,
                                                       stallTimeout: 60)) { _ in }
    #expect(head.status == 200)
    let emitted = try reloadEvents()
    #expect(emitted.map { $0["eventType"] as? String ?? "" } == ["START", "COMPLETE"])
    let inputs = emitted.last?["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.count == 1 && (inputs.first?["name"] as? String ?? "").hasSuffix("model.rf"))
}
