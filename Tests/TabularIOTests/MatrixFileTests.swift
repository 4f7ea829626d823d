@testable import Features
import Foundation
import Tabular
@testable import TabularIO
import TestSupport
import Testing

/// Equality that treats two NaNs as equal (bit patterns of Float32 values).
private func sameValues(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
}

private func sampleMatrix(rows: Int = 50, seed: UInt64 = 1) -> LabelledMatrix {
    var rng = TestRandom(seed: seed)
    let names = ["u_orders", "ratio", "tiny"]
    var columns: [[Float]] = []
    for j in 0..<3 {
        columns.append((0..<rows).map { r in
            if (r + j) % 7 == 0 { return .nan }
            switch j {
            case 0: return Float(rng.next() % 100)
            case 1: return Float(rng.next() % 1_000_000) / 999_983
            default: return Float(bitPattern: UInt32(truncatingIfNeeded: rng.next() % 0x3F00_0000))
            }
        })
    }
    let keys = RowKeys(names: ["user_id", "product_id"],
                       columns: [(0..<rows).map { Int32($0 / 3) }, (0..<rows).map { Int32(1000 + $0) }])
    let target = (0..<rows).map { $0 % 5 == 0 ? Float.nan : Float($0 % 2) }
    return LabelledMatrix(features: FeatureMatrix(schema: FeatureSchema(names: names), columns: columns), keys: keys,
                          target: target, targetName: "y")
}

@Test func csvMatrixRoundTripsValuesKeysAndMissing() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let matrix = sampleMatrix()
    let path = dir.file("m.csv")
    try MatrixCSV.write(matrix, to: path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasPrefix("user_id,product_id,u_orders,ratio,tiny,y\n"))
    let read = try MatrixCSV.read(path: path, targetName: "y")
    #expect(read.features.schema == matrix.features.schema)
    #expect(read.keys == matrix.keys)
    #expect(sameValues(read.features.values, matrix.features.values))
    #expect(sameValues(read.target, matrix.target))
    #expect(read.labelledRows.count == 40)
}

@Test func csvReaderAcceptsCRLFNoFinalNewlineAndMissingSpellings() throws {
    let text = "a,y,b\r\n1.5,1,\r\nnan,0,2e-3\r\n,NaN,-4"
    let matrix = try text.utf8CString.withUnsafeBytes { raw in
        try MatrixCSV.parse(UnsafeRawBufferPointer(rebasing: raw.dropLast()), path: "t.csv", targetName: "y")
    }
    #expect(matrix.rowCount == 3)
    #expect(matrix.features.schema.names == ["a", "b"])
    #expect(sameValues(matrix.features.values, [1.5, .nan, .nan, .nan, 0.002, -4]))
    #expect(sameValues(matrix.target, [1, 0, .nan]))
}

@Test func csvErrorsNameFileLineColumnAndValue() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let bad = try dir.write("bad.csv", "user_id,x,y\n1,0.5,1\n2,abc,0\n")
    #expect {
        _ = try MatrixCSV.read(path: bad, targetName: "y")
    } throws: { error in
        let e = error as? MatrixFileError
        return e?.line == 3 && e?.column == "x" && e?.value == "abc" && "\(error)".contains("bad.csv:3")
    }
    let short = try dir.write("short.csv", "x,y\n1,2\n3\n")
    #expect {
        _ = try MatrixCSV.read(path: short, targetName: "y")
    } throws: { ($0 as? MatrixFileError)?.line == 3 }
    let key = try dir.write("key.csv", "user_id,x\n1.5,2\n")
    #expect {
        _ = try MatrixCSV.read(path: key, targetName: "y")
    } throws: { ($0 as? MatrixFileError)?.column == "user_id" }
}

@Test func decimalParserMatchesSwiftParsing() {
    var rng = TestRandom(seed: 5)
    for _ in 0..<20_000 {
        let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
        guard f.isFinite else { continue }
        for text in [f.description, String(format: "%.9g", Double(f)), String(Int(rng.next() % 100_000))] {
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { DecimalParser.float($0.baseAddress!, $0.count) }
            #expect(parsed == Float(text), "\(text)")
        }
    }
    for bad in ["1.2.3", "e5", "1e", "--1", "0x10", "1,5"] {
        let bytes = Array(bad.utf8)
        #expect(bytes.withUnsafeBufferPointer { DecimalParser.float($0.baseAddress!, $0.count) } == nil, "\(bad)")
    }
}

@Test func binaryMatrixRoundTripsAndRefusesTruncatedFiles() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let matrix = sampleMatrix(rows: 200, seed: 2)
    let path = dir.file("m.rstkmat")
    try MatrixBinary.write(matrix, to: path)
    #expect(MatrixBinary.isBinaryMatrix(path: path))
    let read = try MatrixBinary.read(path: path)
    #expect(read.features.schema == matrix.features.schema)
    #expect(read.keys == matrix.keys)
    #expect(read.targetName == "y")
    #expect(sameValues(read.features.values, matrix.features.values))
    #expect(sameValues(read.target, matrix.target))
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count - 5).write(to: URL(fileURLWithPath: dir.file("cut.rstkmat")))
    #expect {
        _ = try MatrixBinary.read(path: dir.file("cut.rstkmat"))
    } throws: { "\($0)".contains("truncated") }
}
