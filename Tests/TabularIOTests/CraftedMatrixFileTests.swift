import Foundation
import Tabular
@testable import TabularIO
import TestSupport
import Testing

// Crafted matrix files (issue 12, findings 6 and 11): bytes of real files written by the code,
// then mutated. Each must give a `MatrixFileError` naming what is wrong, never a trap.

private func writtenMatrix(rows: Int = 20) -> LabelledMatrix {
    let columns: [[Float]] = [(0..<rows).map { Float($0) }, (0..<rows).map { $0 % 3 == 0 ? .nan : Float($0) / 7 }]
    let keys = RowKeys(names: ["user_id", "product_id"], columns: [(0..<rows).map { Int32($0 + 1) }, (0..<rows).map { Int32(100 + $0) }])
    return LabelledMatrix(features: FeatureMatrix(schema: FeatureSchema(names: ["a", "b"]), columns: columns), keys: keys,
                          target: (0..<rows).map { Float($0 % 2) }, targetName: "y")
}

/// The bytes `MatrixBinary.write` gives for `writtenMatrix()`.
private func binaryBytes(_ dir: TemporaryDirectory) throws -> [UInt8] {
    let path = dir.file("m.rstkmat")
    try MatrixBinary.write(writtenMatrix(), to: path)
    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// `bytes` with its JSON header passed through `edit` (the length field rewritten to match).
private func editingHeader(_ bytes: [UInt8], _ edit: (String) -> String) -> [UInt8] {
    let length = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    let json = Array(edit(String(decoding: bytes[12..<(12 + length)], as: UTF8.self)).utf8)
    let n = UInt32(json.count)
    return Array(bytes[0..<8]) + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + json
        + Array(bytes[(12 + length)...])
}

private func binaryError(_ bytes: [UInt8]) -> MatrixFileError? {
    do {
        _ = try MatrixBinary.read(bytes: bytes, path: "m.rstkmat")
        return nil
    } catch let error as MatrixFileError {
        return error
    } catch {
        Issue.record("unexpected \(error)")
        return nil
    }
}

@Test func binaryMatrixReadsTheSameFromBytesAndFromTheFile() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let fromBytes = try MatrixBinary.read(bytes: try binaryBytes(dir))
    let fromFile = try MatrixBinary.read(path: dir.file("m.rstkmat"))
    #expect(fromBytes.keys == fromFile.keys && fromBytes.features.schema == fromFile.features.schema)
    #expect(fromBytes.features.values.map(\.bitPattern) == fromFile.features.values.map(\.bitPattern))
}

@Test func hugeRowCountsInABinaryHeaderAreErrorsNotOverflowTraps() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let bytes = try binaryBytes(dir)
    for rows in ["4611686018427387904", "9223372036854775807", "2305843009213693952", "-1", "21"] {
        let crafted = editingHeader(bytes) { $0.replacingOccurrences(of: "\"rows\":20", with: "\"rows\":\(rows)") }
        let error = try #require(binaryError(crafted), "rows \(rows) was accepted")
        #expect(error.description.contains("m.rstkmat"))
        #expect(error.reason.contains("truncated") || error.reason.contains("rows") || error.reason.contains("after the last column"),
                "rows \(rows): \(error)")
    }
    let cutHeader = Array(bytes[0..<8]) + [0xFF, 0xFF, 0xFF, 0x7F] + Array(bytes[12...])
    #expect(binaryError(cutHeader)?.reason.contains("JSON header") == true)
}

@Test func everyTruncationAndFlippedHeaderByteOfABinaryMatrixIsAnErrorOrAMatrix() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let bytes = try binaryBytes(dir)
    for keep in 0..<bytes.count { #expect(binaryError(Array(bytes[0..<keep])) != nil, "\(keep) bytes accepted") }
    let headerEnd = 12 + (Int(bytes[8]) | Int(bytes[9]) << 8)
    for offset in 0..<headerEnd {
        for bit in 0..<8 {
            var crafted = bytes
            crafted[offset] ^= UInt8(1 << bit)
            _ = try? MatrixBinary.read(bytes: crafted)  // must return or throw, never trap
        }
    }
}

@Test func infiniteValuesInABinaryMatrixAreRefusedWithRowAndColumn() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var matrix = writtenMatrix()
    matrix.target[4] = .infinity
    try MatrixBinary.write(matrix, to: dir.file("t.rstkmat"))
    let target = try #require(binaryError(Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("t.rstkmat"))))))
    #expect(target.column == "y" && target.reason.contains("row 5") && target.reason.contains("infinite"))
    var values = writtenMatrix().features.values
    values[20 + 3] = -.infinity
    let features = LabelledMatrix(features: FeatureMatrix(rowCount: 20, schema: FeatureSchema(names: ["a", "b"]), values: values),
                                  keys: writtenMatrix().keys, target: writtenMatrix().target, targetName: "y")
    try MatrixBinary.write(features, to: dir.file("f.rstkmat"))
    let feature = try #require(binaryError(Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("f.rstkmat"))))))
    #expect(feature.column == "b" && feature.reason.contains("row 4"))
}

@Test func infiniteValuesInACSVMatrixAreRefusedWithLineAndColumn() throws {
    for (text, column) in [("user_id,product_id,a,y\n1,2,3,0\n1,3,4,inf\n", "y"), ("user_id,product_id,a,y\n1,2,3,0\n1,3,-Infinity,1\n", "a"),
                           ("user_id,product_id,a,y\n1,2,3,0\n1,3,1e39,1\n", "a")] {
        let bytes = Array(text.utf8)
        #expect {
            _ = try bytes.withUnsafeBytes { try MatrixCSV.parse($0, path: "m.csv", targetName: "y") }
        } throws: { error in
            guard let error = error as? MatrixFileError else { return false }
            return error.line == 3 && error.column == column && error.reason.contains("finite")
        }
    }
}

@Test func aBinaryMatrixOrAModelGivenToTheCSVReadersSaysWhatItIs() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let binary = try binaryBytes(dir)
    let model = Array("RSTKFRST".utf8) + [1, 0, 0, 0, 7, 0, 0, 0, 10, 0, 0, 0] + [UInt8](repeating: 0, count: 20)
    for (bytes, what) in [(binary, "binary RSTKMAT1 matrix"), (model, "model file"), ([0, 0, 10, 1, 2], "NUL bytes")] {
        #expect {
            _ = try bytes.withUnsafeBytes { try MatrixCSV.parse($0, path: "in.csv", targetName: "y") }
        } throws: { error in
            let text = "\(error)"
            return text.contains(what) && !text.contains("\u{0}") && text.count < 200
        }
        let path = dir.file("piped")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try MatrixCSVStream(path: path, targetName: "y")
        } throws: { "\($0)".contains(what) }
    }
}

@Test func aHugeOrBinaryFieldIsEchoedCappedAndEscaped() throws {
    let huge = String(repeating: "x", count: 10_000_000)
    let text = "user_id,product_id,a,y\n1,2,\(huge),0\n1,3,a\u{0}b\u{1B}[31m,1\n"
    let bytes = Array(text.utf8)
    #expect {
        _ = try bytes.withUnsafeBytes { try MatrixCSV.parse($0, path: "m.csv", targetName: "y") }
    } throws: { error in
        let text = "\(error)"
        return text.count < 300 && text.contains("(10000000 bytes)")
    }
    let binary = Array("user_id,product_id,a,y\n1,3,a\u{0}b\u{1B}[31m,1\n".utf8)
    #expect {
        _ = try binary.withUnsafeBytes { try MatrixCSV.parse($0, path: "m.csv", targetName: "y") }
    } throws: { error in
        let text = "\(error)"
        return text.contains("a\\x00b\\x1B[31m") && !text.contains("\u{0}") && !text.contains("\u{1B}")
    }
}
