import Features
import Forest
import Serve
import Foundation
import Tabular
import Testing
import TestSupport
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
    let outcome = try TrainingRun(source: .matrix(matrix), modelPath: model, targetName: nil,
                                  parameters: ForestParameters(treeCount: 10, seed: 1), threads: 2, permutationRows: 100,
                                  trainedAt: "2024-01-01T00:00:00Z")
        .run(context: JobContext(command: "train", quiet: true, verbose: false, json: false))
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
    #expect(try ModelReport(loaded).json().contains("\"permutationRows\" : 100"))
}
