import Features
import Forest
import Foundation
import Serve
import TabularIO
import TestSupport
import Testing

private func scoreFile(_ model: ForestModel, _ input: String, _ output: String, chunkRows: Int = 65_536,
                       threads: Int = 1) throws -> StreamingScorer.Summary {
    let scorer = StreamingScorer(model: model, threads: threads, chunkRows: chunkRows)
    let stream = try MatrixCSVStream(path: input, targetName: "y")
    return try scorer.score(stream, to: try AtomicFileWriter(path: output))
}

@Test func scoresEqualForestPredictOnTheSameRows() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let model = try ScoringFixture.model()
    let matrix = ScoringFixture.matrix(rows: 1000)
    try MatrixCSV.write(matrix, to: dir.file("in.csv"))
    let summary = try scoreFile(model, dir.file("in.csv"), dir.file("out.csv"), chunkRows: 128, threads: 2)
    #expect(summary.rows == 1000 && summary.chunks == 8)

    let expected = try model.predict(matrix.features)
    // ForestModel.predict (blocked, any thread count) is the naive tree-by-tree mean
    #expect(expected == (0..<1000).map { model.predictNaive(matrix.features, row: $0) })
    #expect(expected == (try model.predict(matrix.features, threads: 2)))
    let lines = try ScoringFixture.read(dir.file("out.csv")).split(separator: "\n").map(String.init)
    #expect(lines.first == "user_id,product_id,probability")
    #expect(lines.count == 1001)
    for r in 0..<1000 {
        let want = "\(matrix.keys.columns[0][r]),\(matrix.keys.columns[1][r]),\(SignificantDecimal.string(Double(expected[r])))"
        if lines[r + 1] != want {
            Issue.record("row \(r): \(lines[r + 1]) != \(want)")
            break
        }
        // and the text is the prediction to 6 significant digits
        let printed = Double(lines[r + 1].split(separator: ",")[2])!
        #expect(abs(printed - Double(expected[r])) <= 5e-6 * max(Double(expected[r]), 1e-30) + 1e-12)
    }
    #expect(dir.leftovers().isEmpty)
}

@Test func chunkSizeAndThreadsDoNotChangeTheOutput() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let model = try ScoringFixture.model()
    try MatrixCSV.write(ScoringFixture.matrix(rows: 9000, seed: 5), to: dir.file("in.csv"))
    _ = try scoreFile(model, dir.file("in.csv"), dir.file("reference.csv"), chunkRows: 100_000, threads: 1)
    let reference = try ScoringFixture.read(dir.file("reference.csv"))
    for (chunkRows, threads) in [(1, 1), (7, 2), (4096, 2), (8999, 1), (9000, 2)] {
        _ = try scoreFile(model, dir.file("in.csv"), dir.file("out.csv"), chunkRows: chunkRows, threads: threads)
        #expect(try ScoringFixture.read(dir.file("out.csv")) == reference, "chunk \(chunkRows), threads \(threads)")
    }
}

@Test func inMemoryMatrixScoresLikeTheStream() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let model = try ScoringFixture.model()
    let matrix = ScoringFixture.matrix(rows: 500)
    try MatrixCSV.write(matrix, to: dir.file("in.csv"))
    _ = try scoreFile(model, dir.file("in.csv"), dir.file("streamed.csv"))
    let scorer = StreamingScorer(model: model, threads: 2, chunkRows: 77)
    _ = try scorer.score(matrix, input: "memory", to: try AtomicFileWriter(path: dir.file("memory.csv")))
    #expect(try ScoringFixture.read(dir.file("memory.csv")) == ScoringFixture.read(dir.file("streamed.csv")))
}

@Test func schemaMismatchNamesTheDifferenceBeforeAnyOutput() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let model = try ScoringFixture.model()
    let input = try dir.write("in.csv", "user_id,product_id,x0,x1,x3,extra\n1,2,0.1,0.2,3,4\n")
    let run = ScoringRun(modelPath: try writeModel(model, dir), input: .matrix(input), outPath: dir.file("out.csv"))
    #expect(throws: ScoringError.schemaMismatch(input: input, difference: "missing x2; unexpected extra")) { _ = try run.run() }
    #expect(!FileManager.default.fileExists(atPath: dir.file("out.csv")))
    #expect(dir.leftovers().isEmpty)

    let reordered = try dir.write("order.csv", "user_id,product_id,x1,x0,x2,x3\n")
    let error = #expect(throws: ScoringError.self) { _ = try ScoringRun(modelPath: try writeModel(model, dir), input: .matrix(reordered), outPath: dir.file("out.csv")).run() }
    #expect(error?.description.contains("position 1 is 'x1' where 'x0' is expected") == true)

    let noKeys = try dir.write("nokeys.csv", "user_id,x0,x1,x2,x3\n")
    #expect(throws: ScoringError.missingKey(input: noKeys, name: "product_id")) {
        _ = try ScoringRun(modelPath: try writeModel(model, dir), input: .matrix(noKeys), outPath: dir.file("out.csv")).run()
    }
}

@Test func malformedLineIsNamedAndNoOutputFileIsLeft() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let model = try ScoringFixture.model()
    var text = "user_id,product_id,x0,x1,x2,x3,y\n"
    for r in 0..<300 { text += "\(r),\(r + 1),0.5,0.25,0.125,\(r % 10),1\n" }
    text += "7,8,0.5,oops,0.1,2,1\n"            // line 302
    text += "9,9,0.5,0.5,0.5,1,0\n"
    let input = try dir.write("in.csv", text)
    try Data("old".utf8).write(to: URL(fileURLWithPath: dir.file("kept.csv")))
    for chunkRows in [1, 100, 10_000] {
        let run = ScoringRun(modelPath: try writeModel(model, dir), input: .matrix(input), outPath: dir.file("out.csv"),
                             chunkRows: chunkRows)
        #expect(throws: MatrixFileError(path: input, line: 302, column: "x1", value: "oops", reason: "not a number")) { _ = try run.run() }
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.csv")))
        #expect(dir.leftovers().isEmpty)
        // an existing output file is left as it was
        let keep = ScoringRun(modelPath: try writeModel(model, dir), input: .matrix(input), outPath: dir.file("kept.csv"), chunkRows: chunkRows)
        #expect(throws: MatrixFileError.self) { _ = try keep.run() }
        #expect(try ScoringFixture.read(dir.file("kept.csv")) == "old")
    }
}

@Test func missingModelOrInputIsAnError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let model = try writeModel(try ScoringFixture.model(), dir)
    #expect(throws: ModelFileError.self) {
        _ = try ScoringRun(modelPath: dir.file("absent.rf"), input: .matrix(dir.file("x.csv")), outPath: dir.file("o.csv")).run()
    }
    #expect(throws: FileError.self) {
        _ = try ScoringRun(modelPath: model, input: .matrix(dir.file("absent.csv")), outPath: dir.file("o.csv")).run()
    }
    #expect(!FileManager.default.fileExists(atPath: dir.file("o.csv")))
}

@Test func binaryMatrixScoresLikeCSV() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let modelPath = try writeModel(try ScoringFixture.model(), dir)
    let matrix = ScoringFixture.matrix(rows: 700)
    try MatrixCSV.write(matrix, to: dir.file("in.csv"))
    try MatrixBinary.write(matrix, to: dir.file("in.bin"))
    _ = try ScoringRun(modelPath: modelPath, input: .matrix(dir.file("in.csv")), outPath: dir.file("a.csv"), threads: 2).run()
    _ = try ScoringRun(modelPath: modelPath, input: .matrix(dir.file("in.bin")), outPath: dir.file("b.csv"), chunkRows: 50).run()
    #expect(try ScoringFixture.read(dir.file("a.csv")) == ScoringFixture.read(dir.file("b.csv")))
}

private func writeModel(_ model: ForestModel, _ dir: TemporaryDirectory) throws -> String {
    let path = dir.file("model.rf")
    if !FileManager.default.fileExists(atPath: path) { try model.write(to: path) }
    return path
}
