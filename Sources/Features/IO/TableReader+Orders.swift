import Tabular
import TabularIO

/// orders.csv: parsing and the checks across orders (unique order_id, each user's orders numbered
/// 1...N, only order N may be train or test, days_since_prior_order present on every order but the
/// first, a last record not cut).
extension TableReader {
    /// Returns the table, its order_id index and the file's size in bytes.
    func orders() throws -> (OrderTable, IDIndex, Int) {
        let file = Layout.orders
        let columns = Layout.orderColumns
        let (mapped, headerEnd) = try open(file, columns: columns)
        defer { mapped.unmap() }
        let cuts = cuts(mapped, headerEnd: headerEnd)
        var parts = try parseParts(
            mapped, file: file, columns: columns, cuts: cuts,
            make: { OrderColumns(capacity: (cuts[$0 + 1] - cuts[$0]) / 24 + 16) }, discard: { $0.free() }
        ) { s, part in
            while s.nextRecord() {
                part.orderID.append(Int32(truncatingIfNeeded: try s.integer(column: 0, in: Layout.idRange)))
                part.userID.append(Int32(truncatingIfNeeded: try s.integer(column: 1, in: Layout.idRange)))
                part.evalSet.append(try s.evalSet(column: 2).rawValue)
                part.orderNumber.append(Int16(truncatingIfNeeded: try s.integer(column: 3, in: Layout.orderNumberRange)))
                part.dow.append(UInt8(truncatingIfNeeded: try s.integer(column: 4, in: Layout.dowRange)))
                part.hour.append(UInt8(truncatingIfNeeded: try s.integer(column: 5, in: Layout.hourRange)))
                part.daysSincePrior.append(try s.optionalDecimal(column: 6, in: Layout.daysSincePriorRange))
                s.releaseConsumedPages()
            }
        }
        let table = OrderColumns.finish(&parts)
        let index = table.rowIndex()
        try checkUnique(index, ids: table.orderID, column: columns[0], in: mapped, file: file, columns: columns)
        try checkUsers(table, in: mapped)
        try checkLastRecordNotCut(mapped, headerEnd: headerEnd)
        return (table, index, mapped.bytes.count)
    }

    /// Each user's orders, by order_number, must be 1, 2, ..., N, orders 1..N-1 must be prior, and
    /// every order but the first must have days_since_prior_order (TASK.md: it is empty only for a
    /// user's first order). O(orders) when the file is sorted by (user_id, order_number), else
    /// O(orders log orders).
    func checkUsers(_ orders: OrderTable, in mapped: MappedFile) throws {
        let users = UserOrders(orders)
        let columns = Layout.orderColumns
        func fail(_ row: Int32, column: Int, _ problem: DataError.Problem) -> DataError {
            DataError(
                file: Layout.orders, line: line(ofRecord: Int(row), in: mapped, file: Layout.orders, columns: columns),
                column: columns[column], problem: problem)
        }
        try orders.orderNumber.withUnsafeBufferPointer { number in
            try orders.evalSet.withUnsafeBufferPointer { evalSet in
                for u in 0..<users.userCount {
                    let rows = users.orders(ofUser: u)
                    var expected = 1
                    for r in rows {
                        if Int(number[Int(r)]) != expected {
                            throw fail(
                                r, column: 3,
                                .orderNumberGap(userID: Int(users.userIDs[u]), expected: expected, found: Int(number[Int(r)])))
                        }
                        if expected > 1 && orders.daysSincePrior[Int(r)].isNaN {
                            throw CSVError(
                                file: Layout.orders, line: line(ofRecord: Int(r), in: mapped, file: Layout.orders, columns: columns),
                                column: columns[6], problem: .missingDaysSincePrior(orderNumber: expected))
                        }
                        if evalSet[Int(r)] != EvalSet.prior.rawValue && expected != rows.count {
                            throw fail(
                                r, column: 2,
                                .evalSetNotLast(
                                    userID: Int(users.userIDs[u]), orderNumber: expected, orderCount: rows.count,
                                    evalSet: EvalSet(rawValue: evalSet[Int(r)]) ?? .prior))
                        }
                        expected += 1
                    }
                }
            }
        }
    }
}

extension TableReader {
    /// When orders.csv does not end with a line end, its last record may have been cut inside its
    /// last field: a cut that leaves the field empty is caught by `checkUsers` (an empty
    /// days_since_prior_order on a non-first order); this catches a cut that leaves a shorter
    /// number: the field lacks the one decimal (`30.0` cut to `30.` or `3`) that the record before it
    /// has. (A file whose values have no decimals cannot show such a cut.) O(length of two lines).
    func checkLastRecordNotCut(_ mapped: MappedFile, headerEnd: Int) throws {
        let bytes = mapped.bytes
        guard let lastByte = bytes.last, lastByte != 10, lastByte != 13 else { return }
        func lineStart(before end: Int) -> Int {
            var i = end
            while i > headerEnd && bytes[i - 1] != 10 { i -= 1 }
            return i
        }
        func lastField(_ start: Int, _ end: Int) -> [UInt8] {
            var i = end
            while i > start && bytes[i - 1] != 44 { i -= 1 }
            return Array(bytes[i..<end])
        }
        func hasOneDecimal(_ f: [UInt8]) -> Bool {
            f.count >= 3 && f[f.count - 2] == 46 && f.last.map { (48...57).contains($0) } == true
                && f.dropLast(2).allSatisfy { (48...57).contains($0) }
        }
        let lastStart = lineStart(before: bytes.count)
        guard lastStart > headerEnd else { return }
        var previousEnd = lastStart - 1
        if previousEnd > headerEnd && bytes[previousEnd - 1] == 13 { previousEnd -= 1 }
        let previous = lastField(lineStart(before: lastStart - 1), previousEnd)
        let last = lastField(lastStart, bytes.count)
        if hasOneDecimal(previous) && !last.isEmpty && !hasOneDecimal(last) {
            let s = CSVScanner(file: Layout.orders, columns: Layout.orderColumns, bytes: bytes)
            throw CSVError(
                file: Layout.orders, line: s.line(at: s.fileStart + lastStart), column: Layout.orderColumns[6],
                problem: .cutLastRecord(reason: "no line end after \(EchoedValue.text(last)), where the line before ends with "
                    + EchoedValue.text(previous)))
        }
    }
}

/// The columns of one part of orders.csv while it is parsed.
struct OrderColumns {
    var orderID: ColumnBuilder<Int32>
    var userID: ColumnBuilder<Int32>
    var evalSet: ColumnBuilder<UInt8>
    var orderNumber: ColumnBuilder<Int16>
    var dow: ColumnBuilder<UInt8>
    var hour: ColumnBuilder<UInt8>
    var daysSincePrior: ColumnBuilder<Float>

    init(capacity: Int) {
        orderID = .init(capacity: capacity)
        userID = .init(capacity: capacity)
        evalSet = .init(capacity: capacity)
        orderNumber = .init(capacity: capacity)
        dow = .init(capacity: capacity)
        hour = .init(capacity: capacity)
        daysSincePrior = .init(capacity: capacity)
    }

    mutating func free() {
        orderID.free()
        userID.free()
        evalSet.free()
        orderNumber.free()
        dow.free()
        hour.free()
        daysSincePrior.free()
    }

    static func finish(_ parts: inout [OrderColumns]) -> OrderTable {
        func column<T>(_ key: KeyPath<OrderColumns, ColumnBuilder<T>>) -> [T] {
            var builders = parts.map { $0[keyPath: key] }
            return ColumnBuilder.finish(&builders)
        }
        let table = OrderTable(
            orderID: column(\.orderID), userID: column(\.userID), evalSet: column(\.evalSet),
            orderNumber: column(\.orderNumber), dow: column(\.dow), hour: column(\.hour),
            daysSincePrior: column(\.daysSincePrior))
        parts = []
        return table
    }
}
