import TabularIO

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
}
