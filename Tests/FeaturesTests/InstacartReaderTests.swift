@testable import Features
import Foundation
import Tabular
import TestSupport
import Testing

@Test func readsTheFixtureAsBuiltByHand() throws {
    let dir = try InstacartFixture.folder()
    defer { dir.remove() }
    let data = try InstacartReader.read(directory: dir.path)
    #expect(data == InstacartFixture.expected)
    #expect(data.products.productName(atRow: 1) == "Yogurt, \"Plain\"")
    #expect(data.aisles.name.string(at: 1) == "yogurt, greek")
    #expect(data.orders.daysSincePrior[0].isNaN)
    #expect(data.orders.evalSet(atRow: 4) == .test)
}

@Test func readsCRLFWithoutFinalNewlineWithBOMAndQuotedFields() throws {
    var changes: [String: String?] = [:]
    for (name, text) in InstacartFixture.files {
        // CRLF line ends, no final line end, a BOM before the header
        var crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
        while crlf.hasSuffix("\r\n") { crlf.removeLast() }  // "\r\n" is one Character
        changes[name] = "\u{FEFF}" + crlf
    }
    // quoted integers, a quoted eval set, quoted empty days, an embedded line end in a name
    changes["products.csv"] = "product_id,product_name,aisle_id,department_id\r\n\"10\",Banana,1,1\r\n"
        + "20,\"Yogurt, \"\"Plain\"\"\",2,\"2\"\r\n30,\"Apple\",1,1"
    changes["orders.csv"] = InstacartFixture.files["orders.csv"]!
        .replacingOccurrences(of: "101,1,prior,1,0,8,\n", with: "\"101\",1,\"prior\",1,0,8,\"\"\n")
        .replacingOccurrences(of: "\n", with: "\r\n")
    let dir = try InstacartFixture.folder(changes)
    defer { dir.remove() }
    #expect(try InstacartReader.read(directory: dir.path) == InstacartFixture.expected)
}

@Test func keepsLineEndsInsideQuotedNamesAndSkipsBlankLines() throws {
    let dir = try InstacartFixture.folder([
        "products.csv": "product_id,product_name,aisle_id,department_id\n10,\"Banana\nBunch\",1,1\n\n"
            + "20,\"Yogurt, \"\"Plain\"\"\",2,2\n30,Apple,1,1\n\n"
    ])
    defer { dir.remove() }
    let data = try InstacartReader.read(directory: dir.path)
    #expect(data.products.count == 3)
    #expect(data.products.productName(atRow: 0) == "Banana\nBunch")
    // line numbers stay physical after a quoted line end and a blank line
    let bad = try InstacartFixture.folder([
        "products.csv": "product_id,product_name,aisle_id,department_id\n10,\"Banana\nBunch\",1,1\n\n20,Yogurt,7,2\n"
    ])
    defer { bad.remove() }
    #expect(InstacartFixture.readError(bad) == "products.csv:5: column aisle_id: aisle_id 7 is not in aisles.csv")
}

@Test func acceptsHeaderOnlyFiles() throws {
    let dir = try InstacartFixture.folder([
        "order_products__train.csv": "order_id,product_id,add_to_cart_order,reordered\n"
    ])
    defer { dir.remove() }
    let data = try InstacartReader.read(directory: dir.path)
    #expect(data.trainProducts.count == 0)
    #expect(data.priorProducts.count == 10)
}

@Test func reportsProgressForEveryFile() throws {
    let dir = try InstacartFixture.folder()
    defer { dir.remove() }
    var seen: [String: Int] = [:]
    _ = try InstacartReader.read(directory: dir.path) { seen[$0.file] = $0.rows }
    #expect(seen == [
        "aisles.csv": 2, "departments.csv": 2, "products.csv": 3, "orders.csv": 9,
        "order_products__prior.csv": 10, "order_products__train.csv": 3,
    ])
}

@Test func partsGiveTheSameTablesAsOneThread() throws {
    let data = RandomInstacart.make(users: 300, seed: 7)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try InstacartWriter.write(data, to: dir.path)
    for threads in [1, 2, 3, 5] {
        let read = try InstacartReader.read(directory: dir.path, threads: threads, parallelThreshold: 0)
        #expect(read == data, "threads \(threads)")
    }
}

@Test func partsWithBlankLinesAreMovedTogether() throws {
    // blank lines make a part hold fewer records than line feeds: the parts must be compacted
    let data = RandomInstacart.make(users: 60, seed: 3)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try InstacartWriter.write(data, to: dir.path)
    let path = dir.file("order_products__prior.csv")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for i in stride(from: lines.count - 2, through: 1, by: -7) { lines.insert("", at: i) }
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    for threads in [1, 2, 4] {
        let read = try InstacartReader.read(directory: dir.path, threads: threads, parallelThreshold: 0)
        #expect(read == data, "threads \(threads)")
    }
}

@Test func errorsInLaterPartsNameTheirPhysicalLine() throws {
    let data = RandomInstacart.make(users: 80, seed: 5)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try InstacartWriter.write(data, to: dir.path)
    let path = dir.file("order_products__prior.csv")
    var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
    let target = lines.count - 3  // 0-based index near the end: in the last part
    var fields = lines[target].components(separatedBy: ",")
    fields[3] = "2"
    lines[target] = fields.joined(separator: ",")
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let expected = "order_products__prior.csv:\(target + 1): column reordered: value 2 is outside 0...1"
    for threads in [1, 2, 3] {
        #expect(InstacartFixture.readError(dir, threads: threads, parallelThreshold: 0) == expected)
    }
}

@Test func fastReaderAgreesWithNaiveSplitting() throws {
    // the naive twin: String splitting of the integer files, compared column by column
    let data = RandomInstacart.make(users: 120, seed: 11)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try InstacartWriter.write(data, to: dir.path)
    let read = try InstacartReader.read(directory: dir.path, threads: 2, parallelThreshold: 0)
    let text = try String(contentsOfFile: dir.file("order_products__prior.csv"), encoding: .utf8)
    let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Int($0)! } }
    #expect(rows.map { Int32($0[0]) } == read.priorProducts.orderID)
    #expect(rows.map { Int32($0[1]) } == read.priorProducts.productID)
    #expect(rows.map { Int16($0[2]) } == read.priorProducts.addToCartOrder)
    #expect(rows.map { UInt8($0[3]) } == read.priorProducts.reordered)
    let orderText = try String(contentsOfFile: dir.file("orders.csv"), encoding: .utf8)
    let orders = orderText.split(separator: "\n").dropFirst().map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    #expect(orders.map { Int32($0[1])! } == read.orders.userID)
    #expect(orders.map { $0[6].isEmpty ? -1 : Float($0[6])! } == read.orders.daysSincePrior.map { $0.isNaN ? -1 : $0 })
}

@Test func lineFeedCountMatchesNaiveCount() {
    var rng = TestRandom(seed: 1)
    for length in [0, 1, 7, 8, 9, 63, 64, 65, 1000] {
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...20, using: &rng) }
        let fast = bytes.withUnsafeBytes { TableReader.countLineFeeds($0) }
        #expect(fast == bytes.filter { $0 == 10 }.count, "length \(length)")
    }
}

@Test func cutsEndJustAfterLineFeeds() {
    let text = Array("header\naaaa\nbb\ncccccc\nd".utf8)
    text.withUnsafeBytes { bytes in
        let cuts = TableReader.cuts(bytes, from: 7, parts: 3)
        #expect(cuts.first == 7 && cuts.last == text.count)
        for c in cuts.dropFirst().dropLast() { #expect(text[c - 1] == 10) }
        #expect(cuts == cuts.sorted())
    }
}
