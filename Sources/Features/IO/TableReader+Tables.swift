/// Parsers of the six tables. Each checks every field's range and the references it can check
/// while parsing; `TableReader+Orders.swift` holds the checks across orders.
extension TableReader {
    typealias Layout = InstacartLayout

    /// aisles.csv or departments.csv. Returns the table and the file's size in bytes.
    func categories(_ file: String, _ columns: [String]) throws -> (CategoryTable, Int) {
        let (mapped, headerEnd) = try open(file, columns: columns)
        defer { mapped.unmap() }
        var ids: [Int32] = []
        var text: [UInt8] = []
        var offsets: [Int32] = [0]
        var s = CSVScanner(file: file, columns: columns, bytes: mapped.bytes, from: headerEnd)
        while s.nextRecord() {
            ids.append(Int32(truncatingIfNeeded: try s.integer(column: 0, in: Layout.idRange)))
            try s.text(column: 1, into: &text)
            offsets.append(Int32(text.count))
        }
        let table = CategoryTable(id: ids, name: TextColumn(bytes: text, offsets: offsets))
        try checkUnique(table.rowIndex(), ids: ids, column: columns[0], in: mapped, file: file, columns: columns)
        return (table, mapped.bytes.count)
    }

    /// products.csv; aisle and department ids must be in the tables given.
    func products(aisles: CategoryTable, departments: CategoryTable) throws -> (ProductTable, Int) {
        let file = Layout.products
        let columns = Layout.productColumns
        let (mapped, headerEnd) = try open(file, columns: columns)
        defer { mapped.unmap() }
        var ids: [Int32] = []
        var text: [UInt8] = []
        var offsets: [Int32] = [0]
        var aisleIDs: [Int32] = []
        var departmentIDs: [Int32] = []
        var s = CSVScanner(file: file, columns: columns, bytes: mapped.bytes, from: headerEnd)
        let aisleIndex = aisles.rowIndex()
        let departmentIndex = departments.rowIndex()
        while s.nextRecord() {
            ids.append(Int32(truncatingIfNeeded: try s.integer(column: 0, in: Layout.idRange)))
            try s.text(column: 1, into: &text)
            offsets.append(Int32(text.count))
            let aisle = Int32(truncatingIfNeeded: try s.integer(column: 2, in: Layout.idRange))
            if aisleIndex.row(of: aisle) == nil {
                throw DataError(
                    file: file, line: s.line(at: s.recordStart), column: columns[2],
                    problem: .unknownReference(id: Int(aisle), table: Layout.aisles))
            }
            let department = Int32(truncatingIfNeeded: try s.integer(column: 3, in: Layout.idRange))
            if departmentIndex.row(of: department) == nil {
                throw DataError(
                    file: file, line: s.line(at: s.recordStart), column: columns[3],
                    problem: .unknownReference(id: Int(department), table: Layout.departments))
            }
            aisleIDs.append(aisle)
            departmentIDs.append(department)
        }
        let table = ProductTable(
            productID: ids, name: TextColumn(bytes: text, offsets: offsets), aisleID: aisleIDs,
            departmentID: departmentIDs)
        try checkUnique(table.rowIndex(), ids: ids, column: columns[0], in: mapped, file: file, columns: columns)
        return (table, mapped.bytes.count)
    }

    /// Throws a `DataError` naming both lines when `index` saw an id twice.
    func checkUnique(
        _ index: IDIndex, ids: [Int32], column: String, in mapped: MappedFile, file: String, columns: [String]
    ) throws {
        guard let d = index.firstDuplicate else { return }
        throw DataError(
            file: file, line: line(ofRecord: d.row, in: mapped, file: file, columns: columns), column: column,
            problem: .duplicateID(
                id: Int(ids[d.row]), firstLine: line(ofRecord: d.firstRow, in: mapped, file: file, columns: columns)))
    }

    /// order_products__prior.csv or __train.csv: every row's order must be an order of `evalSet`
    /// and its product a known product.
    func orderProducts(
        _ file: String, evalSet: EvalSet, orders: OrderTable, orderIndex: IDIndex, productIndex: IDIndex
    ) throws -> (OrderProductTable, Int) {
        let columns = Layout.orderProductColumns
        let (mapped, headerEnd) = try open(file, columns: columns)
        var parts = try orders.evalSet.withUnsafeBufferPointer { evalSets in
            try orderIndex.withLookup { orderLookup in
                try productIndex.withLookup { productLookup in
                    try parseParts(
                        mapped, file: file, columns: columns, headerEnd: headerEnd,
                        make: { OrderProductColumns(capacity: $0 / 12 + 16) }, discard: { $0.free() }
                    ) { s, part in
                        try Self.parseOrderProducts(
                            &s, into: &part, evalSet: evalSet, evalSets: evalSets, orderLookup: orderLookup,
                            productLookup: productLookup)
                    }
                }
            }
        }
        let size = mapped.bytes.count
        mapped.unmap()
        return (OrderProductColumns.finish(&parts), size)
    }

    /// The hot loop of the order_products files (~18 bytes per row).
    static func parseOrderProducts(
        _ s: inout CSVScanner, into part: inout OrderProductColumns, evalSet: EvalSet,
        evalSets: UnsafeBufferPointer<UInt8>, orderLookup: IDLookup, productLookup: IDLookup
    ) throws {
        let expected = evalSet.rawValue
        while s.nextRecord() {
            let order = Int32(truncatingIfNeeded: try s.integer(column: 0, in: Layout.idRange))
            let orderRow = orderLookup.row(of: order)
            if orderRow < 0 || evalSets[Int(orderRow)] != expected {
                throw DataError(
                    file: s.file, line: s.line(at: s.recordStart), column: s.columns[0],
                    problem: orderRow < 0
                        ? .unknownReference(id: Int(order), table: Layout.orders)
                        : .wrongEvalSet(
                            orderID: Int(order), found: EvalSet(rawValue: evalSets[Int(orderRow)]) ?? .prior,
                            expected: evalSet))
            }
            let product = Int32(truncatingIfNeeded: try s.integer(column: 1, in: Layout.idRange))
            if productLookup.row(of: product) < 0 {
                throw DataError(
                    file: s.file, line: s.line(at: s.recordStart), column: s.columns[1],
                    problem: .unknownReference(id: Int(product), table: Layout.products))
            }
            let cart = Int16(truncatingIfNeeded: try s.integer(column: 2, in: Layout.cartOrderRange))
            let reordered = UInt8(truncatingIfNeeded: try s.integer(column: 3, in: Layout.reorderedRange))
            part.orderID.append(order)
            part.productID.append(product)
            part.addToCartOrder.append(cart)
            part.reordered.append(reordered)
        }
    }
}

/// The columns of one part of an order_products file while it is parsed.
struct OrderProductColumns {
    var orderID: ColumnBuilder<Int32>
    var productID: ColumnBuilder<Int32>
    var addToCartOrder: ColumnBuilder<Int16>
    var reordered: ColumnBuilder<UInt8>

    init(capacity: Int) {
        orderID = .init(capacity: capacity)
        productID = .init(capacity: capacity)
        addToCartOrder = .init(capacity: capacity)
        reordered = .init(capacity: capacity)
    }

    mutating func free() {
        orderID.free()
        productID.free()
        addToCartOrder.free()
        reordered.free()
    }

    /// Concatenates the parts into a table, freeing each column's parts as it goes.
    static func finish(_ parts: inout [OrderProductColumns]) -> OrderProductTable {
        var a = parts.map(\.orderID)
        let orderID = ColumnBuilder.finish(&a)
        var b = parts.map(\.productID)
        let productID = ColumnBuilder.finish(&b)
        var c = parts.map(\.addToCartOrder)
        let cart = ColumnBuilder.finish(&c)
        var d = parts.map(\.reordered)
        let reordered = ColumnBuilder.finish(&d)
        parts = []
        return OrderProductTable(orderID: orderID, productID: productID, addToCartOrder: cart, reordered: reordered)
    }
}
