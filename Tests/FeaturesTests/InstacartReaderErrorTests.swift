import Foundation
import Testing
import TestSupport
@testable import Features

/// One bad line in an otherwise valid fixture, and the exact message the reader must give.
struct BadLine: Sendable, CustomStringConvertible {
    let file: String
    let line: Int
    let text: String
    let message: String
    var description: String { "\(file):\(line) \(text)" }
}

private let prior = "order_products__prior.csv"
private let train = "order_products__train.csv"

let badLines: [BadLine] = [
    // headers
    BadLine(
        file: "orders.csv", line: 1,
        text: "order_id,user_id,eval_set,order_number,order_dow,order_hour,days_since_prior_order",
        message: "orders.csv:1: header is \"order_id,user_id,eval_set,order_number,order_dow,order_hour,days_since_prior_order\", "
            + "expected \"order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\""),
    BadLine(
        file: "aisles.csv", line: 1, text: "0,none",
        message: "aisles.csv:1: header is \"0,none\", expected \"aisle_id,aisle\""),
    // field counts
    BadLine(file: "orders.csv", line: 3, text: "102,1,prior,2,1,9", message: "orders.csv:3: expected 7 fields, found 6"),
    BadLine(file: prior, line: 4, text: "102,10,1,1,9", message: "\(prior):4: expected 4 fields, found 5"),
    BadLine(file: prior, line: 4, text: "102,10,1,1,,", message: "\(prior):4: expected 4 fields, found 6"),
    BadLine(file: "products.csv", line: 3, text: "20,Yogurt", message: "products.csv:3: expected 4 fields, found 2"),
    // integers
    BadLine(
        file: "orders.csv", line: 2, text: "101,x1,prior,1,0,8,",
        message: "orders.csv:2: column user_id: value x1 is not an integer"),
    BadLine(
        file: prior, line: 2, text: "101,10,1.5,0",
        message: "\(prior):2: column add_to_cart_order: value 1.5 is not an integer"),
    BadLine(file: prior, line: 2, text: "101,,1,0", message: "\(prior):2: column product_id: value \"\" is not an integer"),
    BadLine(
        file: "orders.csv", line: 2, text: "101,99999999999999999999,prior,1,0,8,",
        message: "orders.csv:2: column user_id: value 99999999999999999999 is outside 1...2147483647"),
    // ranges
    BadLine(
        file: "orders.csv", line: 3, text: "102,1,prior,2,9,9,7.0",
        message: "orders.csv:3: column order_dow: value 9 is outside 0...6"),
    BadLine(
        file: "orders.csv", line: 3, text: "102,1,prior,2,1,24,7.0",
        message: "orders.csv:3: column order_hour_of_day: value 24 is outside 0...23"),
    BadLine(
        file: prior, line: 3, text: "101,-20,2,0",
        message: "\(prior):3: column product_id: value -20 is outside 1...2147483647"),
    BadLine(
        file: "orders.csv", line: 2, text: "-101,1,prior,1,0,8,",
        message: "orders.csv:2: column order_id: value -101 is outside 1...2147483647"),
    BadLine(
        file: "aisles.csv", line: 2, text: "0,fresh fruits",
        message: "aisles.csv:2: column aisle_id: value 0 is outside 1...2147483647"),
    BadLine(
        file: "orders.csv", line: 3, text: "102,1,prior,2,1,9,400.0",
        message: "orders.csv:3: column days_since_prior_order: value 400.0 is outside 0...365"),
    BadLine(
        file: "orders.csv", line: 3, text: "102,1,prior,2,1,9,-1.0",
        message: "orders.csv:3: column days_since_prior_order: value -1.0 is outside 0...365"),
    BadLine(
        file: "orders.csv", line: 3, text: "102,1,prior,2,1,9,soon",
        message: "orders.csv:3: column days_since_prior_order: value soon is not a number"),
    BadLine(file: prior, line: 5, text: "201,30,1,2", message: "\(prior):5: column reordered: value 2 is outside 0...1"),
    BadLine(
        file: prior, line: 5, text: "201,30,0,0", message: "\(prior):5: column add_to_cart_order: value 0 is outside 1...32767"),
    BadLine(
        file: "orders.csv", line: 2, text: "101,1,Prior,1,0,8,",
        message: "orders.csv:2: column eval_set: value Prior is not prior, train or test"),
    // quoting
    BadLine(
        file: "products.csv", line: 3, text: "20,\"Yogurt, plain,2,2",
        message: "products.csv:3: column product_name: unterminated quote in field \"Yogurt, plain,2,2"),
    BadLine(
        file: "products.csv", line: 3, text: "20,\"Yogurt\" Plain,2,2",
        message: "products.csv:3: column product_name: text after the closing quote in field \"Yogurt\" Plain"),
    // references
    BadLine(
        file: "products.csv", line: 2, text: "10,Banana,9,1",
        message: "products.csv:2: column aisle_id: aisle_id 9 is not in aisles.csv"),
    BadLine(
        file: "products.csv", line: 2, text: "10,Banana,1,5",
        message: "products.csv:2: column department_id: department_id 5 is not in departments.csv"),
    BadLine(
        file: prior, line: 2, text: "999,10,1,0", message: "\(prior):2: column order_id: order_id 999 is not in orders.csv"),
    BadLine(
        file: prior, line: 2, text: "101,11,1,0", message: "\(prior):2: column product_id: product_id 11 is not in products.csv"),
    BadLine(
        file: prior, line: 4, text: "103,10,1,1", message: "\(prior):4: column order_id: order 103 is a train order, not prior"),
    BadLine(
        file: train, line: 3, text: "202,30,2,0", message: "\(train):3: column order_id: order 202 is a test order, not train"),
    BadLine(
        file: train, line: 2, text: "101,10,1,1", message: "\(train):2: column order_id: order 101 is a prior order, not train"),
    // rules across rows
    BadLine(
        file: "orders.csv", line: 5, text: "101,2,prior,1,3,8,",
        message: "orders.csv:5: column order_id: duplicate order_id 101 (first on line 2)"),
    BadLine(
        file: "products.csv", line: 4, text: "10,Apple,1,1",
        message: "products.csv:4: column product_id: duplicate product_id 10 (first on line 2)"),
    BadLine(
        file: "departments.csv", line: 3, text: "1,dairy eggs",
        message: "departments.csv:3: column department_id: duplicate department_id 1 (first on line 2)"),
    BadLine(
        file: "orders.csv", line: 9, text: "303,3,prior,4,0,9,14.0",
        message: "orders.csv:9: column order_number: user 3 has order_number 4 where 3 was due "
            + "(a user's orders are numbered 1...N)"),
    BadLine(
        file: "orders.csv", line: 5, text: "201,2,prior,2,3,8,",
        message: "orders.csv:5: column order_number: user 2 has order_number 2 where 1 was due "
            + "(a user's orders are numbered 1...N)"),
    BadLine(
        file: "orders.csv", line: 3, text: "102,1,test,2,1,9,7.0",
        message: "orders.csv:3: column eval_set: order 2 of user 1's 3 orders is test; "
            + "only the last order may be train or test"),
]

@Test(arguments: badLines)
func badLineStopsWithItsMessage(_ bad: BadLine) throws {
    let dir = try InstacartFixture.folder(InstacartFixture.replacingLine(bad.file, bad.line, with: bad.text))
    defer { dir.remove() }
    #expect(InstacartFixture.readError(dir) == bad.message)
    // the same with two parts per file and CRLF line ends: same line, same message
    let text = try String(contentsOfFile: dir.file(bad.file), encoding: .utf8)
    try dir.write(bad.file, text.replacingOccurrences(of: "\n", with: "\r\n"))
    #expect(InstacartFixture.readError(dir, threads: 2, parallelThreshold: 0) == bad.message)
}

@Test func missingFileIsNamed() throws {
    let dir = try InstacartFixture.folder(["order_products__train.csv": nil])
    defer { dir.remove() }
    #expect(InstacartFixture.readError(dir) == "order_products__train.csv: file not found in \(dir.path)")
}

@Test func emptyFileIsNamed() throws {
    let dir = try InstacartFixture.folder(["departments.csv": ""])
    defer { dir.remove() }
    #expect(
        InstacartFixture.readError(dir)
            == "departments.csv: file is empty (expected the header department_id,department)")
}

@Test func errorsAreTyped() throws {
    let dir = try InstacartFixture.folder(InstacartFixture.replacingLine("orders.csv", 3, with: "102,1,prior,2,9,9,7.0"))
    defer { dir.remove() }
    #expect(throws: CSVError(file: "orders.csv", line: 3, column: "order_dow", problem: .outOfRange(value: "9", range: "0...6"))) {
        try InstacartReader.read(directory: dir.path)
    }
    let dup = try InstacartFixture.folder(InstacartFixture.replacingLine("orders.csv", 5, with: "101,2,prior,1,3,8,"))
    defer { dup.remove() }
    #expect(throws: DataError(file: "orders.csv", line: 5, column: "order_id", problem: .duplicateID(id: 101, firstLine: 2))) {
        try InstacartReader.read(directory: dup.path)
    }
}
