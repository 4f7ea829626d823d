import Features
import Testing
import TestSupport
@testable import Stream

@Suite struct OrderFeedTests {
    static let folder = Result { try GeneratedData.make(users: 120, seed: 11) }

    static func data() throws -> (InstacartData, TemporaryDirectory) {
        let (dir, _) = try folder.get()
        return (try InstacartReader.read(directory: dir.path), dir)
    }

    @Test func eachUsersOrdersComeInOrderNumberOrderAndTheFeedInTimeOrder() throws {
        let (data, dir) = try Self.data()
        let feed = OrderFeed(data: data)
        #expect(feed.count == data.orders.count)
        // The clock computed again from orders.csv: running sum of days (empty = 0) + hour / 24,
        // never below the user's previous order.
        let rows = try GeneratedData.integers(dir.file("orders.csv")).rows    // order_id,user_id,eval_set,number,dow,hour,days
        var clock: [Int: Double] = [:]
        var byUser: [Int: [[Int]]] = [:]
        for row in rows { byUser[row[1], default: []].append(row) }
        for (_, orders) in byUser {
            var days = 0.0
            var previous = -Double.infinity
            for row in orders.sorted(by: { $0[3] < $1[3] }) {
                if row[6] >= 0 { days += Double(row[6]) }
                previous = max(previous, days + Double(row[5]) / 24)
                clock[row[0]] = previous
            }
        }
        var lastNumber: [Int32: Int16] = [:]
        var lastKey: (Double, Int32, Int16) = (-1, -1, -1)
        for i in 0..<feed.count {
            let event = feed.event(at: i)
            #expect(event.orderNumber > lastNumber[event.userID, default: 0], "user \(event.userID) order \(event.orderNumber) out of order")
            lastNumber[event.userID] = event.orderNumber
            let key = (clock[Int(event.orderID)] ?? -1, event.userID, event.orderNumber)
            #expect(key.0 == feed.time(at: i))
            #expect(lastKey < key, "event \(i) (order \(event.orderID)) is before the one ahead of it")
            lastKey = key
        }
        #expect(Set(lastNumber.keys).count == byUser.count)
    }

    @Test func linesFollowAddToCartOrderWithReorderedAsInTheFile() throws {
        let (data, dir) = try Self.data()
        var expected: [Int: [(Int, Int, Int)]] = [:]    // order_id -> (add_to_cart, product, reordered)
        for file in ["order_products__prior.csv", "order_products__train.csv"] {
            for row in try GeneratedData.integers(dir.file(file)).rows { expected[row[0], default: []].append((row[2], row[1], row[3])) }
        }
        let feed = OrderFeed(data: data)
        var lines = 0
        for i in 0..<feed.count {
            let event = feed.event(at: i)
            let want = (expected[Int(event.orderID)] ?? []).sorted { $0.0 < $1.0 }
            #expect(event.lines.map { Int($0.addToCartOrder) } == want.map(\.0))
            #expect(event.lines.map { Int($0.productID) } == want.map(\.1))
            #expect(event.lines.map { $0.reordered == true ? 1 : 0 } == want.map(\.2))
            if event.evalSet == .test { #expect(event.lines.isEmpty) }
            lines += event.lines.count
        }
        #expect(lines == feed.lineCount)
        #expect(lines == data.priorProducts.count + data.trainProducts.count)
    }

    @Test func selectionsLastKAndLimit() throws {
        let (data, _) = try Self.data()
        let counts = data.orders.evalSetCounts()
        #expect(OrderFeed(data: data, selection: .prior).count == counts[0])
        #expect(OrderFeed(data: data, selection: .train).count == counts[1])
        #expect(OrderFeed(data: data, selection: .test).count == counts[2])
        let test = OrderFeed(data: data, selection: .test)
        #expect((0..<test.count).allSatisfy { test.event(at: $0).evalSet == .test })

        let users = UserOrders(data.orders)
        var priorPerUser: [Int32: [Int16]] = [:]
        for u in 0..<users.userCount {
            for row in users.orders(ofUser: u) where data.orders.evalSet(atRow: Int(row)) == .prior {
                priorPerUser[users.userIDs[u], default: []].append(data.orders.orderNumber[Int(row)])
            }
        }
        let last2 = OrderFeed(data: data, lastPriorOrders: 2)
        var seen: [Int32: [Int16]] = [:]
        for i in 0..<last2.count {
            let event = last2.event(at: i)
            #expect(event.evalSet == .prior)
            seen[event.userID, default: []].append(event.orderNumber)
        }
        #expect(seen == priorPerUser.mapValues { Array($0.suffix(2)) })

        let all = OrderFeed(data: data)
        let first50 = OrderFeed(data: data, limit: 50)
        #expect(first50.count == 50)
        #expect(first50.orderRows == Array(all.orderRows.prefix(50)))
        #expect(OrderFeed(data: data, limit: 0).count == 0)
    }

    @Test func deadLetterSubjectReplacesTheLastToken() {
        var settings = JetStreamSettings()
        #expect(settings.deadLetterSubject == "orders.dead")
        settings.subject = "shop.eu.orders"
        #expect(settings.deadLetterSubject == "shop.eu.dead")
        settings.subject = "orders"
        #expect(settings.deadLetterSubject == "orders.dead")
    }
}
