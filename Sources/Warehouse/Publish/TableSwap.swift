import ClickHouse

/// Publishing by RENAME: a run loads fresh tables `<table>__load_<run>`, checks them, then swaps all
/// of them in with ONE statement, `RENAME TABLE db.t TO db.t__old_<run>, db.t__load_<run> TO db.t,
/// ...`, and drops the `__old_<run>` tables. RENAME moves the table's metadata file and data folder,
/// so a server restart (clean or kill -9) at any moment after it keeps the new tables, and the new
/// tables hold no outdated parts that a restart could bring back (unlike `REPLACE PARTITION` on
/// 18.16, which leaves the replaced parts on disk for `old_parts_lifetime`, 480 s, and loads them
/// again as active after a restart: the tables doubled). 18.16 renames the tables of one statement
/// one after another: a server killed inside the statement can leave some renamed; `LoadMarker`
/// lets readers see that, and `cleanLeftovers` repairs it on the next run.
public struct TableSwap: Sendable {
    public let database: String
    /// The live table names this swap publishes.
    public let tables: [String]
    public let runID: String

    public init(database: String, tables: [String], runID: String) {
        self.database = database
        self.tables = tables
        self.runID = runID
    }

    public static func loadName(_ table: String, runID: String) -> String { table + "__load_" + runID }
    public static func oldName(_ table: String, runID: String) -> String { table + "__old_" + runID }

    public func loadName(_ table: String) -> String { Self.loadName(table, runID: runID) }
    func qualified(_ table: String) -> String { SQLLiteral.qualifiedName(database, table) }

    /// The names of the tables of `database` with their metadata modification times.
    static func tableNames(_ client: ClickHouseClient, database: String) throws -> [(name: String, modified: String)] {
        var names: [(String, String)] = []
        try client.selectTabSeparated("SELECT name, toString(metadata_modification_time) FROM system.tables WHERE database = "
                                      + SQLLiteral.string(database)) { fields in
            if fields.count == 2, let name = fields[0] { names.append((name, fields[1] ?? "")) }
        }
        return names
    }

    /// Repairs what killed runs left (call with the lock held): for each live table that is missing
    /// while a `<table>__old_<run>` exists (a server killed inside a RENAME), renames the newest
    /// such table back; then drops every `<table>__load_*`, `<table>__old_*`, and the stage tables
    /// of earlier versions (`<table>__stage`, `<table>__stage_*`). Returns the names dropped or restored.
    public func cleanLeftovers(_ client: ClickHouseClient, extraPrefixes: [String] = []) throws -> [String] {
        var names = try Self.tableNames(client, database: database)
        var done: [String] = []
        for table in tables where !names.contains(where: { $0.name == table }) {
            let olds = names.filter { $0.name.hasPrefix(table + "__old_") }.sorted { $0.modified < $1.modified }
            if let newest = olds.last {
                try client.execute("RENAME TABLE \(qualified(newest.name)) TO \(qualified(table))")
                done.append("\(newest.name) renamed back to \(table)")
                names = try Self.tableNames(client, database: database)
            }
        }
        let prefixes = tables.flatMap { [$0 + "__load_", $0 + "__old_", $0 + "__stage"] } + extraPrefixes
        for (name, _) in names where prefixes.contains(where: { name.hasPrefix($0) }) {
            try client.execute("DROP TABLE IF EXISTS \(qualified(name))")
            done.append(name)
        }
        return done
    }

    /// The one RENAME statement: each existing live table to `__old_<run>`, each load table to its
    /// live name. `existing` are the live tables that exist now.
    public func renameStatement(existing: Set<String>) -> String {
        let pairs = tables.flatMap { table -> [String] in
            let load = "\(qualified(loadName(table))) TO \(qualified(table))"
            return existing.contains(table) ? ["\(qualified(table)) TO \(qualified(Self.oldName(table, runID: runID)))", load] : [load]
        }
        return "RENAME TABLE " + pairs.joined(separator: ", ")
    }

    /// Swaps the load tables in (one statement; see the type).
    public func swap(_ client: ClickHouseClient) throws {
        let names = Set(try Self.tableNames(client, database: database).map(\.name))
        try client.execute(renameStatement(existing: names.intersection(tables)))
    }

    /// Drops the replaced tables after a swap.
    public func dropOld(_ client: ClickHouseClient) throws {
        for table in tables { try client.execute("DROP TABLE IF EXISTS \(qualified(Self.oldName(table, runID: runID)))") }
    }

    /// Drops the load tables (after a failure before the swap; best effort).
    public func dropLoads(_ client: ClickHouseClient) {
        for table in tables { try? client.execute("DROP TABLE IF EXISTS \(qualified(loadName(table)))") }
    }
}
