import Features

/// Random but valid Instacart data for round trips and reader cross-checks: names with commas,
/// quotes, line ends and non-ASCII letters; order ids shuffled; fractional days now and then.
public enum RandomInstacart {
    public static func make(users: Int, seed: UInt64) -> InstacartData {
        var rng = TestRandom(seed: seed)
        var d = InstacartData()
        let pieces = ["fresh", "Organic", "a, b", "\"Big\"", "crème brûlée", "x\ny", "", "  spaced  "]
        func name(_ base: String) -> String {
            base + " " + pieces[Int.random(in: 0..<pieces.count, using: &rng)]
        }
        for a in 1...5 { d.aisles.append(id: Int32(a), name: name("aisle \(a)")) }
        for a in 1...3 { d.departments.append(id: Int32(a), name: name("dept \(a)")) }
        let productIDs = (1...40).map { Int32($0 * 3) }.shuffled(using: &rng)
        for p in productIDs {
            d.products.append(
                productID: p, name: name("Product \(p)"), aisleID: Int32.random(in: 1...5, using: &rng),
                departmentID: Int32.random(in: 1...3, using: &rng))
        }
        var orderCounts: [Int] = []
        for _ in 0..<users { orderCounts.append(Int.random(in: 2...8, using: &rng)) }
        var ids = (1...orderCounts.reduce(0, +)).map { Int32($0) }
        ids.shuffle(using: &rng)
        var next = 0
        for u in 0..<users {
            var bought: Set<Int32> = []
            for k in 1...orderCounts[u] {
                let last = k == orderCounts[u]
                let evalSet: EvalSet = last ? (Bool.random(using: &rng) ? .train : .test) : .prior
                var days = Float.nan
                if k > 1 {
                    days = Float(Int.random(in: 0...30, using: &rng))
                    if Int.random(in: 0..<10, using: &rng) == 0 { days += 0.25 }
                }
                let id = ids[next]
                next += 1
                d.orders.append(
                    orderID: id, userID: Int32(u * 2 + 1), evalSet: evalSet, orderNumber: Int16(k),
                    dow: UInt8.random(in: 0...6, using: &rng), hour: UInt8.random(in: 0...23, using: &rng),
                    daysSincePrior: days)
                guard evalSet != .test else { continue }
                let basket = productIDs.shuffled(using: &rng).prefix(Int.random(in: 1...6, using: &rng))
                for (cart, p) in basket.enumerated() {
                    let row = (orderID: id, productID: p, addToCartOrder: Int16(cart + 1), reordered: UInt8(bought.contains(p) ? 1 : 0))
                    if evalSet == .prior {
                        d.priorProducts.append(orderID: row.0, productID: row.1, addToCartOrder: row.2, reordered: row.3)
                    } else {
                        d.trainProducts.append(orderID: row.0, productID: row.1, addToCartOrder: row.2, reordered: row.3)
                    }
                    bought.insert(p)
                }
            }
        }
        return d
    }
}
