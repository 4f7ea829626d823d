import Features
import Forest
import Foundation
import Serve
import Tabular
import TabularIO
import TestSupport
import Testing
@testable import restock

/// End to end through the command-level runs: CSV in, model file, predictions CSV out.
@Test func trainThenPredictThroughTheCommands() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var rng = TestRandom(seed: 3)
    var text = "user_id,product_id,x0,x1,y\n"
    for r in 0..<600 {
        let x0 = Double(rng.next() % 1000) / 1000, x1 = Double(rng.next() % 1000) / 1000
        let y = r % 10 == 0 ? "" : (x0 > 0.5 ? "1" : "0")
        text += "\(r / 6),\(r),\(x0),\(r % 7 == 0 ? "" : String(x1)),\(y)\n"
    }
    let matrix = try dir.write("train.csv", text)
    let model = dir.file("model.rf")
    let outcome = try TrainingRun(modelPath: model, parameters: ForestParameters(treeCount: 10, seed: 1), threads: 2,
                                  permutationRows: 100, trainedAt: "2024-01-01T00:00:00Z")
        .run(MatrixFile.read(path: matrix, targetName: nil, requireTarget: true))
    #expect(outcome.rowsSkipped == 60 && outcome.rowsTrained == 540)
    #expect((outcome.outOfBagRSquared ?? -1) > 0)
    let loaded = try ForestModel.load(from: model)
    #expect(loaded.metadata.rowCount == 540)
    #expect(loaded.schema.names == ["x0", "x1"])

    let out = dir.file("pred.csv")
    _ = try PredictionRun(modelPath: model, matrixPath: matrix, outPath: out, threads: 2).run()
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "prediction")
    #expect(lines.count == 601)
    let first = try #require(Float(lines[1]))
    #expect(first >= 0 && first <= 1)
    #expect(ModelReport(loaded).text().contains("x0"))
    #expect(try JSONValue.encoding(ModelReport(loaded)).text.contains("\"permutation_rows\":100"))
}

/// `inspect --json` of a fresh model shows its version, leaf smoothing and origin; of a file written
/// before origins were recorded (models/default.rf), the origin is "unknown".
@Test func inspectShowsVersionLeafSmoothingAndOrigin() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var text = "user_id,product_id,x0,x1,y\n"
    for r in 0..<200 { text += "\(r / 5),\(r),\(Double(r % 17) / 17),\(Double(r % 5)),\(r % 17 > 8 ? 1 : 0)\n" }
    let matrix = try dir.write("train.csv", text)
    let args = ["train", "--matrix", matrix, "--trees", "3", "--seed", "2", "--leaf-smoothing", "4", "--threads", "1", "--quiet"]
    let first = try RestockProcess.run(args + ["--model", dir.file("a.rf"), "--date", "2024-01-01T00:00:00Z"])
    #expect(first.status == 0, "\(first.stderr)")
    let second = try RestockProcess.run(args + ["--model", dir.file("b.rf"), "--date", "2025-05-05T00:00:00Z"])
    #expect(second.status == 0, "\(second.stderr)")
    func inspect(_ path: String) throws -> [String: Any] {
        let run = try RestockProcess.run(["inspect", "--model", path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return try #require(summary["result"] as? [String: Any])
    }
    let a = try inspect(dir.file("a.rf")), b = try inspect(dir.file("b.rf"))
    let version = try #require(a["version"] as? String)
    #expect(version.hasPrefix("rf-") && version.count == 15)
    #expect(b["version"] as? String == version)
    #expect(a["leaf_smoothing"] as? Double == 4)
    let origin = try #require(a["origin"] as? [String: Any])
    #expect((origin["data_fingerprint"] as? String)?.hasPrefix("xxh64:") == true)
    #expect((origin["command_line"] as? String)?.contains("train --matrix \(matrix)") == true)
    #expect((origin["command_line"] as? String)?.contains("--date 2024-01-01T00:00:00Z") == true)
    #expect(origin["tool_version"] as? String == RestockVersion.string)
    let summary = try RestockProcess.run(args + ["--model", dir.file("c.rf"), "--json"])
    #expect(summary.stdout.contains("\"model_version\":\"\(version)\""))
    let textReport = try RestockProcess.run(["inspect", "--model", dir.file("a.rf")])
    #expect(textReport.stdout.contains(version) && textReport.stdout.contains("leaf smoothing 4"))
    #expect(textReport.stdout.contains(origin["data_fingerprint"] as? String ?? "?"))

    let old = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/default.rf").path
    let oldOrigin = try #require(try inspect(old)["origin"] as? [String: String])
    #expect(oldOrigin == ["data_fingerprint": "unknown", "command_line": "unknown", "tool_version": "unknown"])
    #expect(try RestockProcess.run(["inspect", "--model", old]).stdout.contains("origin: data unknown"))
}
