@testable import Features
import Foundation
import Tabular
import TabularIO
import TestSupport
import Testing

/// Reads the whole stream chunk by chunk and glues the chunks back into one matrix.
private func readAll(_ path: String, targetName: String? = "y", maxRows: Int, threads: Int = 1,
                     bufferSize: Int = 1 << 22) throws -> (LabelledMatrix, chunks: Int) {
    let stream = try MatrixCSVStream(path: path, targetName: targetName, bufferSize: bufferSize)
    var chunks: [LabelledMatrix] = []
    while let chunk = try stream.next(maxRows: maxRows, threads: threads) {
        #expect(chunk.rowCount <= maxRows && chunk.rowCount > 0)
        chunks.append(chunk)
    }
    let p = stream.schema.count
    let rows = chunks.reduce(0) { $0 + $1.rowCount }
    var columns = [[Float]](repeating: [], count: p)
    var keys = [[Int32]](repeating: [], count: stream.layout.keyNames.count)
    for chunk in chunks {
        for j in 0..<p { columns[j].append(contentsOf: chunk.features.column(j)) }
        for k in keys.indices { keys[k].append(contentsOf: chunk.keys.columns[k]) }
    }
    #expect(stream.rowsRead == rows)
    let features = p == 0 ? FeatureMatrix(rowCount: rows, schema: stream.schema, values: [])
        : FeatureMatrix(schema: stream.schema, columns: columns)
    return (LabelledMatrix(features: features, keys: RowKeys(names: stream.layout.keyNames, columns: keys),
                           target: chunks.flatMap(\.target), targetName: stream.layout.targetName), chunks.count)
}

private func sameMatrix(_ a: LabelledMatrix, _ b: LabelledMatrix) -> Bool {
    a.features.schema == b.features.schema && a.keys == b.keys && a.targetName == b.targetName
        && bitwiseEqual(a.features.values, b.features.values) && bitwiseEqual(a.target, b.target)
}

private func randomCSV(rows: Int, seed: UInt64) -> String {
    var rng = TestRandom(seed: seed)
    var text = "user_id,a,product_id,b,y,c\n"
    for r in 0..<rows {
        let a = rng.next() % 9 == 0 ? "" : String(Double(rng.next() % 100_000) / 1000)
        let c = rng.next() % 11 == 0 ? "nan" : String(Int(rng.next() % 1000) - 500)
        text += "\(r / 4),\(a),\(rng.next() % 50_000),\(Float(rng.next() % 1000) / 7),\(r % 3 == 0 ? "" : "1"),\(c)\n"
    }
    return text
}

@Test func streamGivesTheWholeFileReadersMatrixForEveryChunkAndBufferSize() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = try dir.write("m.csv", randomCSV(rows: 300, seed: 7))
    let whole = try MatrixCSV.read(path: path, targetName: "y")
    #expect(whole.rowCount == 300)
    for maxRows in [1, 2, 7, 64, 300, 10_000] {
        for bufferSize in [16, 100, 1 << 22] {
            let (streamed, chunks) = try readAll(path, maxRows: maxRows, bufferSize: bufferSize)
            #expect(sameMatrix(streamed, whole), "maxRows \(maxRows), buffer \(bufferSize)")
            #expect(chunks == (300 + maxRows - 1) / maxRows)
        }
    }
}

@Test func twoParsingThreadsGiveTheSameChunks() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = try dir.write("m.csv", randomCSV(rows: 9000, seed: 3))
    let (one, _) = try readAll(path, maxRows: 5000, threads: 1)
    let (two, _) = try readAll(path, maxRows: 5000, threads: 2)
    #expect(sameMatrix(one, two))
    #expect(sameMatrix(one, try MatrixCSV.read(path: path, targetName: "y")))
}

@Test func streamAcceptsCRLFBlankLinesAndAMissingFinalNewline() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let text = "\u{FEFF}user_id,product_id,x,y\r\n1,2,0.5,1\r\n\r\n\n3,4,,0\r\n5,6,nan,"
    let path = try dir.write("m.csv", text)
    for maxRows in [1, 2, 5] {
        let (m, _) = try readAll(path, maxRows: maxRows, bufferSize: 16)
        #expect(m.rowCount == 3)
        #expect(m.keys.columns == [[1, 3, 5], [2, 4, 6]])
        #expect(m.features[0, 0] == 0.5 && m.features[1, 0].isNaN && m.features[2, 0].isNaN)
        #expect(bitwiseEqual(m.target, [1, 0, .nan]))
    }
}

@Test func streamErrorsNameTheSameLineAsTheFileReader() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let cases = [
        "user_id,product_id,x\n1,2,3\n\n1,2,abc\n",          // line 4: not a number
        "user_id,product_id,x\n1,2,3\n1,2\n",                 // line 3: too few fields
        "user_id,product_id,x\n1,2,3\n1,2,3\n1,2,3,4\n",      // line 4: too many fields
        "user_id,product_id,x\n1,99999999999,3\n",            // line 2: key out of Int32
    ]
    for (k, text) in cases.enumerated() {
        let path = try dir.write("bad\(k).csv", text)
        var fileError: MatrixFileError?
        do { _ = try MatrixCSV.read(path: path, targetName: "y") } catch let e as MatrixFileError { fileError = e }
        var streamError: MatrixFileError?
        do { _ = try readAll(path, maxRows: 1, bufferSize: 16) } catch let e as MatrixFileError { streamError = e }
        #expect(fileError != nil && fileError == streamError, "case \(k): \(String(describing: fileError)) vs \(String(describing: streamError))")
    }
    let path = try dir.write("bad.csv", cases[0])
    #expect(throws: MatrixFileError(path: path, line: 4, column: "x", value: "abc", reason: "not a number")) {
        _ = try readAll(path, maxRows: 10)
    }
}

@Test func theFirstBadLineIsReportedWhateverTheThreadCount() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var lines = randomCSV(rows: 6000, seed: 5).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[4500] = "1,2,3"           // line 4501: too few fields
    lines[5800] = "x,2,3,4,5,6"     // line 5801: later, in the other worker's half
    let path = try dir.write("bad.csv", lines.joined(separator: "\n"))
    for threads in [1, 2] {
        #expect(throws: MatrixFileError(path: path, line: 4501, reason: "the line has 3 fields where the header has 6")) {
            _ = try readAll(path, maxRows: 10_000, threads: threads)
        }
    }
}

@Test func emptyInputAndMissingFileAreErrors() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let empty = try dir.write("empty.csv", "")
    #expect(throws: MatrixFileError(path: empty, line: 1, reason: "the input is empty (a header line is needed)")) {
        _ = try MatrixCSVStream(path: empty, targetName: "y")
    }
    #expect(throws: FileError.self) { _ = try MatrixCSVStream(path: dir.file("absent.csv"), targetName: "y") }
    #expect(throws: FileError.self) { _ = try MatrixCSVStream(path: dir.path, targetName: "y") }
}

@Test func standardOutputWriterCommitsWithoutAFile() throws {
    let writer = AtomicFileWriter.standardOutput()
    #expect(writer.isStream && writer.path == "-")
    try writer.commit()
    #expect(!FileManager.default.fileExists(atPath: "-.partial"))
}

@Test func aDeviceIsWrittenInPlaceNeverReplaced() throws {
    let writer = try AtomicFileWriter(path: "/dev/null")
    #expect(writer.isStream && writer.temporaryPath == "/dev/null")
    try writer.write("discarded\n")
    try writer.commit()
    var info = stat()
    #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    #expect(!FileManager.default.fileExists(atPath: "/dev/null.partial"))
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    #expect(throws: FileError.self) { _ = try AtomicFileWriter(path: dir.path) }
}
