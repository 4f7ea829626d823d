@testable import Features
import Foundation
@testable import Generator
import TestSupport
import Testing

@Test func referenceFilesHaveTheInstacartLayout() throws {
    let (dir, summary) = try GeneratedData.make(users: 20, seed: 11)
    defer { dir.remove() }
    let aisles = try GeneratedData.rows(dir.file("aisles.csv"))
    #expect(aisles[0] == ["aisle_id", "aisle"])
    #expect(aisles.count == 135)
    #expect(aisles[24] == ["24", "fresh fruits"])
    let departments = try GeneratedData.rows(dir.file("departments.csv"))
    #expect(departments[0] == ["department_id", "department"])
    #expect(departments.count == 22)
    #expect(departments[4] == ["4", "produce"])
    let products = try GeneratedData.rows(dir.file("products.csv"))
    #expect(products[0] == ["product_id", "product_name", "aisle_id", "department_id"])
    #expect(products.count == 49_689)
    #expect(summary.products == 49_688)
    let body = products.dropFirst()
    #expect(body.allSatisfy { $0.count == 4 })
    #expect(body.map { Int($0[0])! } == Array(1...49_688))
    #expect(Set(body.map { $0[1] }).count == 49_688, "names are unique")
    #expect(body.contains { $0[1].contains(",") }, "some names hold a comma")
    #expect(body.contains { $0[1].contains("\"") }, "some names hold a quote")
    #expect(body.contains { $0[1] == "Banana" })
    // Department of each product agrees with its aisle's department; aisle sizes are the real ones.
    var perAisle = [Int: Int]()
    for row in body {
        let aisle = InstacartTaxonomy.aisles[Int(row[2])! - 1]
        #expect(Int(row[3])! == aisle.departmentID)
        perAisle[aisle.id, default: 0] += 1
    }
    #expect(InstacartTaxonomy.aisles.allSatisfy { perAisle[$0.id] == $0.productCount })
    // Product ids carry no aisle order: the first 500 ids span many aisles.
    #expect(Set(body.prefix(500).map { $0[2] }).count > 60)
}

@Test func ordersFollowTheKaggleConventions() throws {
    let (dir, summary) = try GeneratedData.make(users: 400, seed: 5, ordersPerBucket: 1000)
    defer { dir.remove() }
    let text = try String(contentsOfFile: dir.file("orders.csv"), encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0] == "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order")
    #expect(lines.last == "", "the file ends with a newline")
    // days_since_prior_order: empty for first orders, else a float with one decimal.
    for line in lines.dropFirst().dropLast() {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields.count == 7)
        if fields[3] == "1" { #expect(fields[6].isEmpty) } else { #expect(fields[6].hasSuffix(".0")) }
    }
    let orders = try GeneratedData.integers(dir.file("orders.csv")).rows
    #expect(orders.count == summary.orders)
    // order_id is a permutation of 1...#orders.
    #expect(orders.map { $0[0] }.sorted() == Array(1...orders.count))
    var testUsers = 0
    var previous: [Int]? = nil
    var byUser = [Int: [[Int]]]()
    for o in orders {
        byUser[o[1], default: []].append(o)
        if let p = previous { #expect(p[1] < o[1] || (p[1] == o[1] && p[3] + 1 == o[3]), "sorted by user, order") }
        previous = o
        #expect((0...6).contains(o[4]) && (0...23).contains(o[5]))
        #expect(o[6] == -1 || (0...30).contains(o[6]))
    }
    #expect(byUser.count == 400)
    for (_, list) in byUser {
        let n = list.count
        #expect((4...100).contains(n))
        #expect(list.map { $0[3] } == Array(1...n), "order_number 1...N")
        #expect(list.dropLast().allSatisfy { $0[2] == 0 }, "all but the last are prior")
        #expect(list[n - 1][2] == 1 || list[n - 1][2] == 2, "the last is train or test")
        if list[n - 1][2] == 2 { testUsers += 1 }
        for t in 1..<n where list[t][6] < 30 {
            #expect(list[t][4] == (list[t - 1][4] + list[t][6]) % 7, "dow = previous dow + gap mod 7")
        }
    }
    #expect(testUsers == summary.testUsers)
    #expect(testUsers > 100 && testUsers < 200, "about 36 % of 400")
    // order_id unrelated to time: no correlation with order_number.
    let ids = orders.map { Double($0[0]) }
    let numbers = orders.map { Double($0[3]) }
    #expect(abs(correlation(ids, numbers)) < 0.05)
}

@Test func orderProductsAreSortedAndConsistentWithOrders() throws {
    let (dir, summary) = try GeneratedData.make(users: 400, seed: 6, ordersPerBucket: 1000)
    defer { dir.remove() }
    let orders = try GeneratedData.integers(dir.file("orders.csv")).rows
    var orderInfo = [Int: (user: Int, number: Int, evalSet: Int)]()
    for o in orders { orderInfo[o[0]] = (o[1], o[3], o[2]) }
    var itemsOf = [Int: [[Int]]]()
    for (name, evalSet, expected) in [
        ("order_products__prior.csv", 0, summary.priorRows), ("order_products__train.csv", 1, summary.trainRows),
    ] {
        let (header, rows) = try GeneratedData.integers(dir.file(name))
        #expect(header == "order_id,product_id,add_to_cart_order,reordered")
        #expect(rows.count == expected)
        for (i, r) in rows.enumerated() {
            #expect(orderInfo[r[0]]?.evalSet == evalSet, "\(name) holds only \(evalSet) orders")
            #expect((1...49_688).contains(r[1]) && (r[3] == 0 || r[3] == 1))
            if i > 0 {
                let p = rows[i - 1]
                #expect(p[0] < r[0] || (p[0] == r[0] && p[2] + 1 == r[2]), "sorted by order_id, add_to_cart_order")
            }
            if i == 0 || rows[i - 1][0] != r[0] { #expect(r[2] == 1) }
            itemsOf[r[0], default: []].append(r)
        }
    }
    // Every prior and train order has products, test orders none; reordered = bought before by the user.
    var history = [Int: Set<Int>]()
    for o in orders.sorted(by: { ($0[1], $0[3]) < ($1[1], $1[3]) }) {
        let items = itemsOf[o[0]] ?? []
        if o[2] == 2 { #expect(items.isEmpty) } else { #expect(!items.isEmpty) }
        #expect(Set(items.map { $0[1] }).count == items.count, "no product twice in an order")
        for item in items {
            #expect((item[3] == 1) == (history[o[1]]?.contains(item[1]) ?? false))
        }
        history[o[1], default: []].formUnion(items.map { $0[1] })
    }
}

func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n
    let my = y.reduce(0, +) / n
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for i in x.indices {
        sxy += (x[i] - mx) * (y[i] - my)
        sxx += (x[i] - mx) * (x[i] - mx)
        syy += (y[i] - my) * (y[i] - my)
    }
    return sxy / (sxx * syy).squareRoot()
}
