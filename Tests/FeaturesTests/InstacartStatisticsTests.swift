import Foundation
import Testing
import TestSupport
@testable import Features

/// Every value computed by hand from `InstacartFixture` (see its doc comment for the orders).
@Test func statisticsOfTheFixtureMatchHandComputedValues() throws {
    let s = InstacartStatistics(InstacartFixture.expected)
    #expect(s.users == 3)
    #expect(s.orders == 9)
    #expect((s.priorOrders, s.trainOrders, s.testOrders) == (6, 2, 1))
    #expect((s.products, s.aisles, s.departments) == (3, 2, 2))
    #expect((s.priorRows, s.trainRows) == (10, 3))

    // orders per user 3, 2, 4
    let u = s.ordersPerUser
    #expect(u.count == 3 && u.mean == 3 && u.sd == 1)
    #expect((u.min, u.median, u.max) == (2, 3, 4))
    #expect(isClose(u.q05, 2.1) && u.q25 == 2.5 && u.q75 == 3.5 && isClose(u.q95, 3.9))

    // baskets of prior + train orders: 2 1 1 3 2 1 | 2 1
    let b = s.basketSize
    #expect(b.count == 8 && b.mean == 13.0 / 8 && b.median == 1.5 && b.max == 3)
    #expect(isClose(b.sd, (3.875 / 7).squareRoot()))
    #expect(s.basketSizeShareOne == 0.5)
    #expect(isClose(s.basketMeanPrior, 10.0 / 6) && s.basketMeanTrain == 1.5)

    // reordered: prior 4 of 10; 4 of the 4 rows outside first orders; train 2 of 3
    #expect(s.reorderRatioPrior == 0.4)
    #expect(s.reorderRatioPriorExcludingFirst == 1)
    #expect(isClose(s.reorderRatioTrain, 2.0 / 3))

    // days 7 30 0 7 14 1
    let d = s.daysSincePrior
    #expect(d.count == 6 && isClose(d.mean, 59.0 / 6))
    #expect(d.median == 7 && d.min == 0 && d.max == 30)
    #expect(isClose(s.daysShare0, 1.0 / 6))
    #expect(isClose(s.daysShare7, 2.0 / 6))
    #expect(isClose(s.daysShare30, 1.0 / 6))

    let dow: [Double] = [4.0 / 9, 2.0 / 9, 1.0 / 9, 2.0 / 9, 0, 0, 0]
    #expect(s.dowPMF == dow)
    var hours = [Double](repeating: 0, count: 24)
    (hours[8], hours[9], hours[10], hours[12]) = (4.0 / 9, 2.0 / 9, 2.0 / 9, 1.0 / 9)
    #expect(s.hourPMF == hours)

    // prior rows per product: 10 -> 4, 20 -> 3, 30 -> 3 (tie: smaller id first)
    #expect(s.topProducts.map(\.productID) == [10, 20, 30])
    #expect(s.topProducts.map(\.priorRows) == [4, 3, 3])
    #expect(s.topProducts.map(\.name) == ["Banana", "Yogurt, \"Plain\"", "Apple"])
    let shares: [Double] = [4.0 / 6, 3.0 / 6, 3.0 / 6]
    #expect(s.topProducts.map(\.shareOfPriorOrders) == shares)
    #expect(s.top10RowShare == 1 && s.top100RowShare == 1)
    #expect(isClose(s.testUserShare, 1.0 / 3))
}

@Test func statisticsDoNotDependOnRowOrder() throws {
    // shuffled orders and rows, sparse order ids: the slot and sort paths give the same numbers
    let data = RandomInstacart.make(users: 150, seed: 2)
    var rng = TestRandom(seed: 9)
    let permutation = Array(0..<data.orders.count).shuffled(using: &rng)
    var shuffled = data
    shuffled.orders = OrderTable()
    for r in permutation {
        let o = data.orders
        shuffled.orders.append(
            orderID: o.orderID[r] &* 1000 &+ 7, userID: o.userID[r], evalSet: o.evalSet(atRow: r),
            orderNumber: o.orderNumber[r], dow: o.dow[r], hour: o.hour[r], daysSincePrior: o.daysSincePrior[r])
    }
    shuffled.priorProducts = OrderProductTable()
    for r in (0..<data.priorProducts.count).shuffled(using: &rng) {
        let t = data.priorProducts
        shuffled.priorProducts.append(
            orderID: t.orderID[r] &* 1000 &+ 7, productID: t.productID[r], addToCartOrder: t.addToCartOrder[r],
            reordered: t.reordered[r])
    }
    shuffled.trainProducts = OrderProductTable()
    for r in 0..<data.trainProducts.count {
        let t = data.trainProducts
        shuffled.trainProducts.append(
            orderID: t.orderID[r] &* 1000 &+ 7, productID: t.productID[r], addToCartOrder: t.addToCartOrder[r],
            reordered: t.reordered[r])
    }
    let a = InstacartStatistics(data)
    let b = InstacartStatistics(shuffled)
    #expect(a.basketSize == b.basketSize)
    #expect(a.ordersPerUser == b.ordersPerUser)
    #expect(isClose(a.reorderRatioPriorExcludingFirst, b.reorderRatioPriorExcludingFirst))
    #expect(a.daysSincePrior == b.daysSincePrior)
    #expect(a.topProducts == b.topProducts)
}

@Test func summaryFromHistogramEqualsSummaryFromValues() {
    var rng = TestRandom(seed: 4)
    for n in [1, 2, 3, 10, 101] {
        let values = (0..<n).map { _ in Int.random(in: 0...12, using: &rng) }
        var histogram = [Int](repeating: 0, count: 13)
        for v in values { histogram[v] += 1 }
        let a = Summary(values: values.map(Double.init))
        let b = Summary(histogram: histogram)
        #expect(a.count == b.count && a.min == b.min && a.max == b.max)
        for (x, y) in [(a.mean, b.mean), (a.sd, b.sd), (a.q05, b.q05), (a.q25, b.q25), (a.median, b.median),
                       (a.q75, b.q75), (a.q95, b.q95)] {
            #expect(isClose(x, y), "n \(n)")
        }
    }
    #expect(Summary(values: []).mean.isNaN)
}

@Test func tableShowsValueBesideRealValue() throws {
    let text = InstacartStatistics(InstacartFixture.expected).table()
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("statistic") && lines[0].hasSuffix("real Instacart"))
    let users = try #require(lines.first { $0.hasPrefix("users ") })
    #expect(users.split(separator: " ").map(String.init) == ["users", "3", "206209"])
    let reorder = try #require(lines.first { $0.hasPrefix("reorder ratio: prior rows ") })
    #expect(reorder.hasSuffix("0.4000  0.5897"))
    let top = try #require(lines.first { $0.hasPrefix("top 1: Banana (10), prior rows") })
    #expect(top.hasSuffix("4  472565 Banana"))
    #expect(lines.contains { $0.hasPrefix("basket size: sd") && $0.hasSuffix("  -") })
}

@Test func jsonIsOneObjectWithValuesAndRealValues() throws {
    let text = InstacartStatistics(InstacartFixture.expected).json(directory: "data/\"tiny\"")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["directory"] as? String == "data/\"tiny\"")
    let stats = try #require(object["statistics"] as? [String: [String: Double]])
    #expect(stats["users"] == ["value": 3, "real": 206_209])
    #expect(stats["reorder_ratio.prior_excluding_first"] == ["value": 1])
    // (Foundation's JSON parser on Linux reads 0.4444444444444444 one ulp off)
    #expect(isClose(stats["dow_pmf.0"]?["value"] ?? 0, 4.0 / 9, tolerance: 1e-15))
    let top = try #require(object["top_products"] as? [[String: Any]])
    #expect(top.count == 3)
    #expect(top[1]["name"] as? String == "Yogurt, \"Plain\"")
}
