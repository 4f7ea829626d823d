import ClickHouse
import Features
import Warehouse

/// The stream's reads and appends on the Instacart tables of one ClickHouse database
/// (`InstacartSchema`): what the known state (`SinkKnownState`) is loaded from, the lookups a batch
/// still needs in rare cases, and the two kinds of INSERT that commit it. A lookup by ids is one
/// query per `idsPerQuery` ids (inline in `IN (...)`, far below 18.16's 256 KiB `max_query_size`).
///
/// Costs (at full Instacart scale): the known state's load scans the order_id columns of the three
/// tables once and groups `orders` by user (about a second); `marks` reads `system.parts` only;
/// `storedEvents` (duplicates only) uses the order_products key (order_id, product_id) but scans the
/// order_id column of `orders` (its key is (user_id, order_number)); `historyProducts` (only for
/// events that leave `reordered` out) scans order_products__prior's order_id and product_id.
public struct OrderSinkTables: Sendable {
    public let client: ClickHouseClient
    public let database: String
    /// The most ids inlined in one `IN (...)` list.
    public var idsPerQuery = 10_000

    public init(client: ClickHouseClient, database: String) {
        self.client = client
        self.database = database
    }

    func table(_ t: InstacartSchema.Table) -> String { SQLLiteral.qualifiedName(database, t.name) }

    /// The table that holds the lines of an order of `evalSet` (nil for test orders: no lines).
    static func linesTable(_ evalSet: EvalSet) -> InstacartSchema.Table? {
        switch evalSet {
        case .prior: InstacartSchema.priorProducts
        case .train: InstacartSchema.trainProducts
        case .test: nil
        }
    }

    /// Runs `body` once per slice of at most `idsPerQuery` of `ids`, as an SQL list `a, b, c`.
    func forEachSlice(_ ids: [Int32], _ body: (String) throws -> Void) throws {
        var start = 0
        while start < ids.count {
            let end = min(ids.count, start + idsPerQuery)
            try body(ids[start..<end].map { String($0) }.joined(separator: ", "))
            start = end
        }
    }

    /// Every product_id of `products`.
    public func productIDs() throws -> Set<Int32> {
        var ids: Set<Int32> = []
        try client.select("SELECT product_id FROM \(table(InstacartSchema.products))", columns: [.uint32]) { row in
            ids.insert(Int32(bitPattern: try row.readUInt32()))
        }
        return ids
    }

    /// The stored lines of the orders `ids`, from both order_products tables, per order_id (orders
    /// without lines are absent).
    public func storedLines(_ ids: [Int32]) throws -> [Int32: [OrderLine]] {
        var lines: [Int32: [OrderLine]] = [:]
        for linesTable in [InstacartSchema.priorProducts, InstacartSchema.trainProducts] {
            try forEachSlice(ids) { list in
                try client.select("SELECT order_id, product_id, add_to_cart_order, reordered FROM \(table(linesTable)) "
                                  + "WHERE order_id IN (\(list))", columns: [.uint32, .uint32, .uint16, .uint8]) { row in
                    let order = Int32(bitPattern: try row.readUInt32())
                    let product = Int32(bitPattern: try row.readUInt32())
                    let position = Int16(truncatingIfNeeded: try row.readUInt16())
                    let reordered = try row.readUInt8() != 0
                    lines[order, default: []].append(OrderLine(productID: product, addToCartOrder: position, reordered: reordered))
                }
            }
        }
        return lines
    }

    /// The stored orders `ids` as events (the orders row and its lines).
    public func storedEvents(_ ids: [Int32]) throws -> [Int32: OrderEvent] {
        var events: [Int32: OrderEvent] = [:]
        try forEachSlice(ids) { list in
            try client.select("SELECT order_id, user_id, toUInt8(eval_set), order_number, order_dow, order_hour_of_day, "
                              + "days_since_prior_order FROM \(table(InstacartSchema.orders)) WHERE order_id IN (\(list))",
                              columns: [.uint32, .uint32, .uint8, .uint16, .uint8, .uint8, .nullable(.float32)]) { row in
                let id = Int32(bitPattern: try row.readUInt32())
                let user = Int32(bitPattern: try row.readUInt32())
                let evalSet = EvalSet(rawValue: try row.readUInt8()) ?? .prior
                let number = Int16(truncatingIfNeeded: try row.readUInt16())
                let dow = try row.readUInt8()
                let hour = try row.readUInt8()
                let days = try row.readOptional { try $0.readFloat32() }
                events[id] = OrderEvent(orderID: id, userID: user, evalSet: evalSet, orderNumber: number, dow: dow, hour: hour,
                                        daysSincePrior: days, lines: [])
            }
        }
        for (id, lines) in try storedLines(Array(events.keys)) { events[id]?.lines = lines }
        return events
    }

    /// Per user with stored orders matching `condition` (SQL on `orders`): the highest prior
    /// order_number and the order_number of its train/test order, if any.
    func userSequences(where condition: String) throws -> [Int32: UserOrderSequence] {
        var found: [Int32: UserOrderSequence] = [:]
        try client.select("SELECT user_id, maxIf(order_number, eval_set = 'prior'), countIf(eval_set != 'prior'), "
                          + "toUInt16(minIf(order_number, eval_set != 'prior')) FROM \(table(InstacartSchema.orders)) "
                          + "WHERE \(condition) GROUP BY user_id",
                          columns: [.uint32, .uint16, .uint64, .uint16]) { row in
            let user = Int32(bitPattern: try row.readUInt32())
            let highest = Int16(truncatingIfNeeded: try row.readUInt16())
            let targets = try row.readUInt64()
            let target = Int16(truncatingIfNeeded: try row.readUInt16())
            found[user] = UserOrderSequence(highestPrior: highest, target: targets > 0 ? target : nil)
        }
        return found
    }

    /// Every order_id of `orders` (the committed orders), for `SinkKnownState`. One scan of the
    /// order_id column: 4 bytes per stored order.
    public func allOrderIDs() throws -> Set<Int32> {
        var found: Set<Int32> = []
        try client.select("SELECT order_id FROM \(table(InstacartSchema.orders))", columns: [.uint32]) { row in
            found.insert(Int32(bitPattern: try row.readUInt32()))
        }
        return found
    }

    /// The lines of both order_products tables whose order_id has no `orders` row (left by an
    /// attempt that died between its two INSERTs), per order_id. One scan of the lines' order_id
    /// columns against the set of stored order_ids.
    public func orphanLines() throws -> [Int32: [OrderLine]] {
        var lines: [Int32: [OrderLine]] = [:]
        for linesTable in [InstacartSchema.priorProducts, InstacartSchema.trainProducts] {
            try client.select("SELECT order_id, product_id, add_to_cart_order, reordered FROM \(table(linesTable)) "
                              + "WHERE order_id NOT IN (SELECT order_id FROM \(table(InstacartSchema.orders)))",
                              columns: [.uint32, .uint32, .uint16, .uint8]) { row in
                let order = Int32(bitPattern: try row.readUInt32())
                let product = Int32(bitPattern: try row.readUInt32())
                let position = Int16(truncatingIfNeeded: try row.readUInt16())
                let reordered = try row.readUInt8() != 0
                lines[order, default: []].append(OrderLine(productID: product, addToCartOrder: position, reordered: reordered))
            }
        }
        return lines
    }

    /// Every stored user's order sequence (`userSequences` of all users: one GROUP BY over `orders`).
    public func allUserSequences() throws -> [Int32: UserOrderSequence] {
        try userSequences(where: "1")
    }

    /// The write marks of the three tables the stream appends to (`SinkTableMarks`), from
    /// `system.parts`: metadata only, no data read.
    public func marks() throws -> SinkTableMarks {
        var marks = SinkTableMarks()
        let names = SinkTableMarks.tables.map { SQLLiteral.string($0) }.joined(separator: ", ")
        try client.selectTabSeparated("SELECT table, sum(rows), max(max_block_number) FROM system.parts WHERE active AND database = "
                                      + "\(SQLLiteral.string(database)) AND table IN (\(names)) GROUP BY table") { fields in
            guard fields.count == 3, let name = fields[0], let rows = Int(fields[1] ?? ""), let block = Int(fields[2] ?? "") else { return }
            marks.set(name, SinkTableMarks.Mark(rows: rows, block: block))
        }
        return marks
    }

    /// The (user, product) pairs of the stored prior orders of `users` (for `reordered` of lines
    /// that leave it out), as `UserProduct` keys.
    public func historyProducts(_ users: [Int32]) throws -> Set<UInt64> {
        var pairs: Set<UInt64> = []
        try forEachSlice(users) { list in
            try client.select("SELECT DISTINCT user_id, product_id FROM (SELECT order_id, product_id FROM "
                              + "\(table(InstacartSchema.priorProducts))) AS op ALL INNER JOIN (SELECT order_id, user_id FROM "
                              + "\(table(InstacartSchema.orders)) WHERE user_id IN (\(list)) AND eval_set = 'prior') AS o USING (order_id)",
                              columns: [.uint32, .uint32]) { row in
                let user = Int32(bitPattern: try row.readUInt32())
                let product = Int32(bitPattern: try row.readUInt32())
                pairs.insert(UserProduct.key(user: user, product: product))
            }
        }
        return pairs
    }

    /// Appends the lines of `events` to `linesTable` in ONE INSERT (one block, so all or none of
    /// them; the client closes an aborted upload with a reset, so a cut body is never committed).
    /// Every line must have `reordered` set. Returns the rows sent.
    @discardableResult
    public func insertLines(_ events: [OrderEvent], into linesTable: InstacartSchema.Table) throws -> Int {
        let total = events.reduce(0) { $0 + $1.lines.count }
        guard total > 0 else { return 0 }
        let withLines = events.filter { !$0.lines.isEmpty }
        var next = 0
        let summary = try client.insert(into: linesTable.name, database: database, columns: linesTable.insertColumns,
                                        settings: Self.oneBlock(rows: total)) { writer in
            guard next < withLines.count else { return false }
            let event = withLines[next]
            for line in event.lines {
                writer.writeUInt32(UInt32(bitPattern: event.orderID))
                writer.writeUInt32(UInt32(bitPattern: line.productID))
                writer.writeUInt16(UInt16(truncatingIfNeeded: line.addToCartOrder))
                writer.writeUInt8(line.reordered == true ? 1 : 0)
            }
            next += 1
            return next < withLines.count
        }
        return summary.rows
    }

    /// Appends the `orders` rows of `events` in ONE INSERT (the commit marker of each order).
    @discardableResult
    public func insertOrders(_ events: [OrderEvent]) throws -> Int {
        guard !events.isEmpty else { return 0 }
        var next = 0
        let orders = InstacartSchema.orders
        let summary = try client.insert(into: orders.name, database: database, columns: orders.insertColumns,
                                        settings: Self.oneBlock(rows: events.count)) { writer in
            guard next < events.count else { return false }
            let event = events[next]
            writer.writeUInt32(UInt32(bitPattern: event.orderID))
            writer.writeUInt32(UInt32(bitPattern: event.userID))
            writer.writeInt8(Int8(event.evalSet.rawValue))
            writer.writeUInt16(UInt16(truncatingIfNeeded: event.orderNumber))
            writer.writeUInt8(event.dow)
            writer.writeUInt8(event.hour)
            if let days = event.daysSincePrior { writer.writeFloat32(days) } else { writer.writeNull() }
            next += 1
            return true
        }
        return summary.rows
    }

    /// Settings that keep an INSERT of `rows` rows in one block (atomic on 18.16): a block limit
    /// above the row count.
    static func oneBlock(rows: Int) -> ClickHouseSettings {
        var settings = ClickHouseSettings()
        settings.maxInsertBlockSize = max(1_048_576, rows + 1)
        return settings
    }
}

/// What the stream knows of one user's order numbers: the highest prior order_number (0 when none)
/// and the order_number of the user's train/test order, if one is stored.
public struct UserOrderSequence: Sendable, Equatable {
    public var highestPrior: Int16
    public var target: Int16?

    public init(highestPrior: Int16 = 0, target: Int16? = nil) {
        self.highestPrior = highestPrior
        self.target = target
    }

    /// Why `event` cannot follow the stored orders, or nil when it can.
    public func problem(with event: OrderEvent) -> String? {
        let n = event.orderNumber
        if n <= highestPrior {
            return "order_number \(n) of user \(event.userID) is not greater than the user's highest prior order_number \(highestPrior)"
        }
        if let target {
            if event.evalSet != .prior {
                return "user \(event.userID) already has a train/test order (order_number \(target))"
            }
            if n >= target {
                return "prior order_number \(n) of user \(event.userID) is not before the user's train/test order_number \(target)"
            }
        }
        return nil
    }

    /// The sequence after `event` was appended.
    public func appending(_ event: OrderEvent) -> UserOrderSequence {
        var next = self
        if event.evalSet == .prior { next.highestPrior = event.orderNumber } else { next.target = event.orderNumber }
        return next
    }
}

/// A (user, product) pair as one 64-bit key.
enum UserProduct {
    static func key(user: Int32, product: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: user)) << 32 | UInt64(UInt32(bitPattern: product))
    }
}
