/// The column-type check before a RowBinary read or write (`configuration.verifyColumnTypes`).
extension ClickHouseClient {
    /// Name and type of each column of `DESCRIBE TABLE <subject>`, or nil when the server cannot
    /// describe it (then the statement itself runs and reports its own error).
    func describe(_ subject: String) throws -> [(name: String, type: String)]? {
        var columns: [(name: String, type: String)] = []
        do {
            try selectTabSeparated("DESCRIBE TABLE \(subject)", settings: ClickHouseSettings(waitEndOfQuery: true)) { fields in
                if fields.count >= 2, let name = fields[0], let type = fields[1] { columns.append((name, type)) }
            }
        } catch let error as ClickHouseError where error.kind == .server {
            return nil
        }
        return columns
    }

    /// Throws `.columnMismatch` unless the result of `sql` has exactly `columns`' RowBinary types.
    func checkResultColumns(of sql: String, against columns: [ClickHouseColumnType]) throws {
        var body = Substring(sql)
        while let last = body.last, last.isWhitespace || last == ";" { body.removeLast() }
        guard let described = try describe("(\n\(body)\n)") else { return }
        var problems: [String] = []
        if described.count != columns.count {
            problems.append("the query returns \(described.count) columns, \(columns.count) declared")
        }
        for (i, (server, declared)) in zip(described, columns).enumerated()
        where ClickHouseColumnType(wireCompatibleWith: server.type) != declared {
            problems.append("column \(i + 1) (\(server.name)) is \(server.type), declared \(declared)")
        }
        if !problems.isEmpty { throw mismatch(problems, sql) }
    }

    /// Throws `.columnMismatch` unless every declared column exists in `target` with its type.
    func checkInsertColumns(_ columns: [ClickHouseColumn], target: String, sql: String) throws {
        guard let described = try describe(target) else { return }
        let types = Dictionary(described.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for column in columns {
            if let type = types[column.name] {
                if ClickHouseColumnType(wireCompatibleWith: type) != column.type {
                    problems.append("column \(column.name) is \(type), declared \(column.type)")
                }
            } else {
                problems.append("the table has no column \(column.name)")
            }
        }
        if !problems.isEmpty { throw mismatch(problems, sql) }
    }

    private func mismatch(_ problems: [String], _ sql: String) -> ClickHouseError {
        ClickHouseError(kind: .columnMismatch, httpStatus: nil, code: nil,
                        message: problems.joined(separator: "; ") + " (checked with DESCRIBE TABLE before sending)",
                        query: sql, queryID: "")
    }
}
