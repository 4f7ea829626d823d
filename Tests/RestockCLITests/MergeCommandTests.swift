import Forest
import Foundation
import TestSupport
import Testing

/// Users 0…59 in two "shards" (user_id % 2) and held-out users 60…79, 6 rows each.
private func matrices(_ dir: TemporaryDirectory) throws -> (shard0: String, shard1: String, heldOut: String) {
    var rng = TestRandom(seed: 7)
    var files = ["", "", ""]
    for r in 0..<480 {
        let user = r / 6
        let x0 = Double(rng.next() % 1000) / 1000, x1 = Double(rng.next() % 1000) / 1000
        let file = user >= 60 ? 2 : user % 2
        files[file] += "\(user),\(r),\(x0),\(x1),\(x0 + 0.3 * x1 > 0.6 ? 1 : 0)\n"
    }
    let header = "user_id,product_id,x0,x1,y\n"
    return (try dir.write("shard0.csv", header + files[0]), try dir.write("shard1.csv", header + files[1]),
            try dir.write("held-out.csv", header + files[2]))
}

/// train per shard (the second with the first's bins), merge, inspect the parts, evaluate on
/// held-out users; the same merge twice gives the same bytes; the merged model predicts the
/// tree-count-weighted mean of the parts.
@Test func mergeJoinsShardModelsThatInspectAndEvaluateRead() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (shard0, shard1, heldOut) = try matrices(dir)
    let common = ["--threads", "1", "--quiet", "--date", "2024-01-01T00:00:00Z"]
    var run = try RestockProcess.run(["train", "--matrix", shard0, "--trees", "4", "--seed", "1", "--model", dir.file("a.rf")] + common)
    #expect(run.status == 0, "\(run.stderr)")
    run = try RestockProcess.run(["train", "--matrix", shard1, "--trees", "6", "--seed", "2", "--bins-from", dir.file("a.rf"),
                                  "--model", dir.file("b.rf")] + common)
    #expect(run.status == 0, "\(run.stderr)")
    run = try RestockProcess.run(["merge", "--model", dir.file("a.rf"), "--model", dir.file("b.rf"), "--out", dir.file("ab.rf"), "--json"])
    #expect(run.status == 0, "\(run.stderr)")
    let merged = try ForestModel.load(from: dir.file("ab.rf"))
    #expect(run.stdout.contains("\"model_version\":\"\(merged.version)\""))
    let a = try ForestModel.load(from: dir.file("a.rf")), b = try ForestModel.load(from: dir.file("b.rf"))
    #expect(merged.trees.count == 10 && merged.binMapper == a.binMapper)
    #expect(merged.origin?.parts?.map(\.version) == [a.version.description, b.version.description])
    #expect(merged.origin?.commandLine.contains("merge") == true)

    let again = try RestockProcess.run(["merge", "--model", dir.file("a.rf"), "--model", dir.file("b.rf"), "--out", dir.file("ab.rf"), "--json"])
    #expect(again.status == 0)
    #expect(try ForestModel.load(from: dir.file("ab.rf")).serialized() == merged.serialized())

    let inspect = try RestockProcess.run(["inspect", "--model", dir.file("ab.rf")])
    #expect(inspect.stdout.contains("part \(dir.file("a.rf")): \(a.version), trees 0..<4"))
    #expect(inspect.stdout.contains("part \(dir.file("b.rf")): \(b.version), trees 4..<10"))

    let evaluate = try RestockProcess.run(["evaluate", "--model", dir.file("ab.rf"), "--matrix", heldOut, "--threads", "1", "--json"])
    #expect(evaluate.status == 0, "\(evaluate.stderr)")
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as? [String: Any])
    let metrics = try #require((summary["metrics"] as? [String: Any])?["forest"] as? [String: Any])
    let pair = try #require(metrics["pair"] as? [String: Any])
    #expect((pair["auc"] as? Double ?? 0) > 0.8)
    #expect((summary["rows"] as? [String: Any])?["users"] as? Int == 20)
}

@Test func mergeRefusesMismatchedPartsAndWritesNothing() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (shard0, shard1, _) = try matrices(dir)
    let common = ["--threads", "1", "--quiet", "--trees", "3"]
    // explicit min leaves: the default one is automatic (from each part's rows) and merges whatever the number
    _ = try RestockProcess.run(["train", "--matrix", shard0, "--seed", "1", "--min-samples-leaf", "5", "--model", dir.file("a.rf")] + common)
    _ = try RestockProcess.run(["train", "--matrix", shard1, "--seed", "2", "--min-samples-leaf", "2", "--model", dir.file("b.rf")] + common)
    var run = try RestockProcess.run(["merge", "--model", dir.file("a.rf"), "--model", dir.file("a.rf"), "--out", dir.file("x.rf")])
    #expect(run.status == 65)
    #expect(run.stderr.contains("\(dir.file("a.rf")) and \(dir.file("a.rf")) are the same model"))
    run = try RestockProcess.run(["merge", "--model", dir.file("a.rf"), "--model", dir.file("b.rf"), "--out", dir.file("x.rf")])
    #expect(run.status == 65)
    #expect(run.stderr.contains("were trained with different hyperparameters: minSamplesLeaf 5 vs 2"))
    run = try RestockProcess.run(["merge", "--model", dir.file("a.rf"), "--out", dir.file("x.rf")])
    #expect(run.status == 64)
    #expect(!FileManager.default.fileExists(atPath: dir.file("x.rf")))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains("x.rf") })
}
