import ClickHouse
import Foundation

/// One run publishing the rows of a model version into a `ModelVersionTable` (from
/// `ModelVersionTable.begin`, which took the table's lock and created `loadTable`): the run
/// INSERTs into `loadTable`, then calls `publish` (or `abandon` after a failure). Both release the lock.
public struct ModelVersionPublication: Sendable {
    public let table: ModelVersionTable
    public let version: String
    let lock: PublishLock
    let swap: TableSwap
    let fault: PublishFaultHook?

    /// The table the run loads (unqualified): `<name>__load_<run>`.
    public var loadTable: String { swap.loadName(table.name) }
    public var runID: String { swap.runID }

    func qualified(_ name: String) -> String { SQLLiteral.qualifiedName(table.database, name) }

    /// Checks that the load table holds `rowsSent` rows, copies the other versions' partitions of
    /// the live table into it (`ATTACH PARTITION ... FROM`, hard links), swaps it in with one RENAME,
    /// drops the replaced table and releases the lock. Throws `PublishError.countMismatch` (the live
    /// table unchanged, the load table dropped) when the count differs.
    public func publish(_ client: ClickHouseClient, rowsSent: Int) throws {
        defer { lock.release(client) }
        do {
            let text = try client.queryText("SELECT count() FROM \(qualified(loadTable))")
            let counted = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            guard counted == rowsSent else {
                throw PublishError.countMismatch(table: "\(table.database).\(loadTable)", sent: rowsSent, counted: counted)
            }
            fault?(.afterCheck)
            let live = try TableSwap.tableNames(client, database: table.database).contains { $0.name == table.name }
            if live {
                var others: [String] = []
                let column = SQLLiteral.identifier(ModelVersionTable.versionColumn)
                try client.selectTabSeparated("SELECT DISTINCT \(column) FROM \(qualified(table.name)) WHERE \(column) != "
                                              + SQLLiteral.string(version)) { fields in
                    if let value = fields.first ?? nil { others.append(value) }
                }
                for other in others {
                    try client.execute("ALTER TABLE \(qualified(loadTable)) ATTACH PARTITION \(SQLLiteral.string(other)) "
                                       + "FROM \(qualified(table.name))")
                }
            }
        } catch {
            swap.dropLoads(client)
            throw error
        }
        try swap.swap(client)
        fault?(.afterPublish)
        try swap.dropOld(client)
    }

    /// After a failure before `publish`: drops the load table (unless `dropLoad` is false) and
    /// releases the lock. Best effort.
    public func abandon(_ client: ClickHouseClient, dropLoad: Bool = true) {
        if dropLoad { swap.dropLoads(client) }
        lock.release(client)
    }
}
