import Dispatch
import Foundation

/// The parallel pieces of `InstacartGenerator`: simulating a block of users, sorting and formatting a
/// bucket of order_products rows, and a deterministic parallel map.
extension InstacartGenerator {
    /// What one block of users produced: its orders.csv lines (user and order order) and its packed
    /// order_products rows (cart order within each order).
    struct BlockOutput {
        var ordersText: [UInt8]
        var rows: [UInt64]
        var priorRows: Int
        var trainRows: Int
    }

    /// Simulates `users` with `simulator` and formats their orders. Cost: the simulation, plus O(rows).
    static func simulateBlock(
        users: ClosedRange<Int>, plans: [UserPlan], firstOrder: [Int], orderIDs: [UInt32], simulator: UserSimulator
    ) -> BlockOutput {
        let orderCount = firstOrder[users.upperBound] - firstOrder[users.lowerBound - 1]
        var rows: [UInt64] = []
        rows.reserveCapacity(orderCount * 11)
        var priorRows = 0
        var trainRows = 0
        var user = SimulatedUser()
        let comma = UInt8(ascii: ",")
        let text = CSVText.build(capacity: orderCount * CSVText.maxOrderLineBytes) { p in
            for u in users {
                let plan = plans[u - 1]
                simulator.simulate(userID: u, plan: plan, into: &user)
                let base = firstOrder[u - 1]
                let n = plan.orderCount
                for t in 1...n {
                    let orderID = Int(orderIDs[base + t - 1])
                    CSVText.put(orderID, &p)
                    CSVText.put(byte: comma, &p)
                    CSVText.put(u, &p)
                    CSVText.put(byte: comma, &p)
                    CSVText.put(t < n ? "prior" : plan.isTest ? "test" : "train", &p)
                    CSVText.put(byte: comma, &p)
                    CSVText.put(t, &p)
                    CSVText.put(byte: comma, &p)
                    CSVText.put(user.dows[t - 1], &p)
                    CSVText.put(byte: comma, &p)
                    CSVText.put(user.hours[t - 1], &p)
                    CSVText.put(byte: comma, &p)
                    if let days = user.daysSincePrior(ofOrder: t) {
                        CSVText.put(days, &p)
                        CSVText.put(".0", &p)
                    }
                    CSVText.put(byte: 10, &p)
                    if t == n && plan.isTest { continue }
                    let items = user.items(ofOrder: t)
                    for j in items {
                        rows.append(
                            OrderProductRow.pack(
                                orderID: orderID, productID: user.products[j], cartPosition: j - items.lowerBound + 1,
                                reordered: user.reordered[j], train: t == n))
                    }
                    if t == n { trainRows += items.count } else { priorRows += items.count }
                }
            }
        }
        return BlockOutput(ordersText: text, rows: rows, priorRows: priorRows, trainRows: trainRows)
    }

    /// Sorts one bucket's rows by order id (counting sort over the bucket's `orderCount` ids starting at
    /// `firstOrderID`; stable, so each order's rows keep their add-to-cart order) and formats them into
    /// the prior and train texts. Cost O(rows + orderCount).
    static func formatBucket(_ rows: [UInt64], firstOrderID lo: Int, orderCount span: Int) -> ([UInt8], [UInt8]) {
        var start = [Int](repeating: 0, count: span + 1)
        var trainCount = 0
        for row in rows {
            start[OrderProductRow.orderID(row) - lo + 1] += 1
            if OrderProductRow.isTrain(row) { trainCount += 1 }
        }
        for i in 0..<span { start[i + 1] += start[i] }
        let sorted = [UInt64](unsafeUninitializedCapacity: rows.count) { buffer, count in
            for row in rows {
                let k = OrderProductRow.orderID(row) - lo
                buffer[start[k]] = row
                start[k] += 1
            }
            count = rows.count
        }
        let comma = UInt8(ascii: ",")
        func text(train: Bool, rowCount: Int) -> [UInt8] {
            CSVText.build(capacity: rowCount * CSVText.maxProductLineBytes) { p in
                for row in sorted where OrderProductRow.isTrain(row) == train {
                    CSVText.put(OrderProductRow.orderID(row), &p)
                    CSVText.put(byte: comma, &p)
                    CSVText.put(OrderProductRow.productID(row), &p)
                    CSVText.put(byte: comma, &p)
                    CSVText.put(OrderProductRow.cartPosition(row), &p)
                    CSVText.put(byte: comma, &p)
                    CSVText.put(byte: UInt8(OrderProductRow.reordered(row)) + 48, &p)
                    CSVText.put(byte: 10, &p)
                }
            }
        }
        return (text(train: false, rowCount: rows.count - trainCount), text(train: true, rowCount: trainCount))
    }

    /// [body(worker, 0), ..., body(worker, count - 1)] computed on up to `threads` threads; `worker`
    /// (0..<threads) names the thread's private resources. Tasks are handed out in index order from a
    /// locked counter; each result goes to its own slot, so the result is the same for any thread count.
    static func parallelMap<T>(count: Int, threads: Int, _ body: (Int, Int) -> T) -> [T] {
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let workers = min(threads, count)
        if workers <= 1 {
            for k in 0..<count { slots[k] = body(0, k) }
        } else {
            withoutActuallyEscaping(body) { escapable in
                nonisolated(unsafe) let work = escapable
                nonisolated(unsafe) let results = slots
                let counter = TaskCounter(limit: count)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    while let k = counter.take() { results[k] = work(worker, k) }
                }
            }
        }
        return slots.map { $0! }
    }
}

/// Hands out task indices 0..<limit, one at a time, under a lock (taken once per task, never in a
/// hot loop).
final class TaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}
