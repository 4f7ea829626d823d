import ClickHouse

/// The load id of a published table: every table a publishing run creates carries the column
/// `_restock_load String ALIAS '<run id>'`. An ALIAS column is not stored, not part of `SELECT *`
/// and not expected by an `INSERT ... FORMAT RowBinary` (checked on 18.16), so it costs nothing and
/// changes no query; `system.columns` shows its expression, so a reader learns which run each
/// table comes from without reading data. The six Instacart tables of one ingest carry the same id:
/// a reader that finds different ids (a run interrupted inside its RENAME) refuses to read.
public enum LoadMarker {
    public static let column = "_restock_load"

    /// The column definition for a table created by run `runID`.
    public static func definition(runID: String) -> String {
        "\(SQLLiteral.identifier(column)) String ALIAS \(SQLLiteral.string(runID))"
    }

    /// The load id of each existing table among `tables` of `database`: the run id, or nil for a
    /// table without the marker (created before markers existed). Tables that do not exist are absent.
    /// Two small queries on system tables.
    public static func loadIDs(_ client: ClickHouseClient, database: String, tables: [String]) throws -> [String: String?] {
        let wanted = Set(tables)
        var result: [String: String?] = [:]
        try client.selectTabSeparated("SELECT name FROM system.tables WHERE database = \(SQLLiteral.string(database))") { fields in
            if let name = fields.first ?? nil, wanted.contains(name) { result[name] = .some(nil) }
        }
        try client.selectTabSeparated("SELECT table, default_expression FROM system.columns WHERE database = "
                                      + "\(SQLLiteral.string(database)) AND name = \(SQLLiteral.string(column))") { fields in
            guard fields.count == 2, let table = fields[0], result[table] != nil else { return }
            result[table] = .some(unquote(fields[1] ?? ""))
        }
        return result
    }

    /// `'abc'` (as system.columns prints a string literal) → `abc`.
    static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") else { return text }
        return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\'", with: "'")
    }
}
