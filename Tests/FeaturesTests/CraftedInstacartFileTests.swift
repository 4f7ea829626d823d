import Foundation
import Testing
import TestSupport
@testable import Features

// Silent acceptance and echoed values of the six-file reader (issue 12, findings 7 and 11), on the
// valid fixture with one change each.

@Test func anEmptyDaysSincePriorOrderOnALaterOrderIsAnError() throws {
    let dir = try InstacartFixture.folder(InstacartFixture.replacingLine("orders.csv", 3, with: "102,1,prior,2,1,9,"))
    defer { dir.remove() }
    let expected = "orders.csv:3: column days_since_prior_order: empty on order_number 2; only a user's first order may leave it empty"
    #expect(InstacartFixture.readError(dir) == expected)
    #expect(InstacartFixture.readError(dir, threads: 2, parallelThreshold: 0) == expected)
    let test = try InstacartFixture.folder(InstacartFixture.replacingLine("orders.csv", 6, with: "202,2,test,2,3,12,"))
    defer { test.remove() }
    #expect(InstacartFixture.readError(test).hasPrefix("orders.csv:6: column days_since_prior_order: empty on order_number 2"))
}

@Test func aLastOrderCutInsideItsLastFieldIsAnError() throws {
    let complete = InstacartFixture.files["orders.csv"]!.trimmingCharacters(in: .newlines)  // ends "...,1,10,1.0"
    let whole = try InstacartFixture.folder(["orders.csv": complete])
    defer { whole.remove() }
    #expect(InstacartFixture.readError(whole) == "no error", "a complete last record without a line end is valid")
    for cut in 1...3 {
        let dir = try InstacartFixture.folder(["orders.csv": String(complete.dropLast(cut))])
        defer { dir.remove() }
        let error = InstacartFixture.readError(dir)
        #expect(error.hasPrefix("orders.csv:10: column days_since_prior_order: "), "cut \(cut): \(error)")
        #expect(error.contains(cut < 3 ? "cut off" : "empty on order_number 4"), "cut \(cut): \(error)")
    }
}

@Test func aBinaryFileGivenAsACSVFileSaysWhatItIs() throws {
    let matrix = Array("RSTKMAT1".utf8) + [2, 0, 0, 0] + Array("{}".utf8) + [UInt8](repeating: 0, count: 64)
    for (bytes, what) in [(matrix, "a binary RSTKMAT1 matrix"), ([0x1F, 0x8B, 8, 0, 0, 0], "gzip-compressed data"),
                          (Array("order_id\0,user_id\n".utf8), "binary data (it holds NUL bytes)")] {
        let dir = try InstacartFixture.folder()
        defer { dir.remove() }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("orders.csv")))
        let error = InstacartFixture.readError(dir)
        #expect(error.hasPrefix("orders.csv: not a CSV file: it looks like \(what)"), "\(error)")
        #expect(!error.contains("\u{0}"))
    }
}

@Test func aHugeOrBinaryFieldIsEchoedCappedAndEscaped() throws {
    let huge = String(repeating: "9x", count: 5_000_000)
    let dir = try InstacartFixture.folder(InstacartFixture.replacingLine("orders.csv", 3, with: "102,\(huge),prior,2,1,9,7.0"))
    defer { dir.remove() }
    let error = InstacartFixture.readError(dir)
    #expect(error == "orders.csv:3: column user_id: value \"" + String(repeating: "9x", count: 30) + "... (10000000 bytes)\" is not an integer")
    let binary = try InstacartFixture.folder(InstacartFixture.replacingLine("orders.csv", 3, with: "102,1,pri\u{0}or\u{1B}[2J,2,1,9,7.0"))
    defer { binary.remove() }
    #expect(InstacartFixture.readError(binary) == "orders.csv:3: column eval_set: value pri\\x00or\\x1B[2J is not prior, train or test")
    let quote = try InstacartFixture.folder(InstacartFixture.replacingLine("products.csv", 3, with: "20,\"" + String(repeating: "y", count: 1000)))
    defer { quote.remove() }
    #expect(InstacartFixture.readError(quote).count < 200)
}

/// The fixture with user 3 renamed 2147483647 and product 30 renamed 2147483647 everywhere: the
/// matrix must be the fixture's, with those keys, built in memory sized by the ids present (before
/// the fix, tables sized by the largest id tried to allocate gigabytes and trapped).
@Test func theLargestIdsBuildTheSameFeaturesAsSmallOnes() throws {
    let big = "2147483647"
    func renamed(_ file: String, _ rename: (inout [String]) -> Void) -> String {
        InstacartFixture.files[file]!.components(separatedBy: "\n").enumerated().map { k, line in
            guard k > 0, !line.isEmpty else { return line }
            var fields = line.components(separatedBy: ",")
            rename(&fields)
            return fields.joined(separator: ",")
        }.joined(separator: "\n")
    }
    let changes: [String: String?] = [
        "orders.csv": renamed("orders.csv") { if $0[1] == "3" { $0[1] = big } },
        "products.csv": renamed("products.csv") { if $0[0] == "30" { $0[0] = big } },
        "order_products__prior.csv": renamed("order_products__prior.csv") { if $0[1] == "30" { $0[1] = big } },
        "order_products__train.csv": renamed("order_products__train.csv") { if $0[1] == "30" { $0[1] = big } },
    ]
    let small = try InstacartFixture.folder()
    let large = try InstacartFixture.folder(changes)
    defer { small.remove(); large.remove() }
    let (expected, _) = try ReorderMatrix.build(directory: small.path)
    let (matrix, _) = try ReorderMatrix.build(directory: large.path)
    #expect(matrix.features.values.map(\.bitPattern) == expected.features.values.map(\.bitPattern))
    #expect(matrix.target.map(\.bitPattern) == expected.target.map(\.bitPattern))
    #expect(matrix.keys.columns[0] == expected.keys.columns[0].map { $0 == 3 ? Int32.max : $0 })
    #expect(matrix.keys.columns[1] == expected.keys.columns[1].map { $0 == 30 ? Int32.max : $0 })
    #expect(matrix.keys.columns[1].contains(Int32.max))
}

@Test func theSixFilesReadFromBytesAsFromAFolder() throws {
    let files = InstacartFixture.files.mapValues { Array($0.utf8) }
    let data = try InstacartReader.read(files: files)
    #expect(data == InstacartFixture.expected)
    var cut = files
    cut["orders.csv"] = Array(InstacartFixture.files["orders.csv"]!.trimmingCharacters(in: .newlines).utf8.dropLast(2))
    #expect(throws: CSVError.self) { try InstacartReader.read(files: cut, threads: 2, parallelThreshold: 0) }
    cut["orders.csv"] = nil
    #expect(throws: CSVError(file: "orders.csv", line: nil, column: nil, problem: .missingFile(directory: "<bytes>"))) {
        try InstacartReader.read(files: cut)
    }
}
