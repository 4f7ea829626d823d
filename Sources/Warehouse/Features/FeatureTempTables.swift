import ClickHouse
import Foundation

/// The names of the feature SQL's intermediate tables and the removal of those that dead runs
/// left: `restock_tmp_<host tag>_<pid>_<run id>_<step>` (`RunOwner`), so that a later run can tell
/// a leftover of a killed process of this host (pid gone) from the tables of a run still going.
/// Tables of other hosts, and of the old naming `restock_tmp_<random>_<step>` (no owner), are
/// left alone unless their metadata is older than `legacyAge` seconds.
public enum FeatureTempTables {
    /// Tables of the old naming older than this are dropped as leftovers (a day).
    public static let legacyAge = 86_400

    /// The prefix of one run's intermediate tables.
    public static func prefix(for owner: RunOwner) -> String {
        "\(ReservedNames.temporaryPrefix)\(owner.hostTag)_\(owner.pid)_\(owner.runID)"
    }

    /// The owner of a table named by `prefix(for:)`: host tag and pid, or nil for another naming.
    static func owner(of name: String) -> (hostTag: String, pid: Int32)? {
        guard name.hasPrefix(ReservedNames.temporaryPrefix) else { return nil }
        let parts = name.dropFirst(ReservedNames.temporaryPrefix.count).split(separator: "_")
        guard parts.count >= 4, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit), let pid = Int32(parts[1]),
              parts[2].count == 8, parts[2].allSatisfy(\.isHexDigit) else { return nil }
        return (String(parts[0]), pid)
    }

    /// Drops the `restock_tmp_*` tables of `database` whose run is dead (see the type); returns
    /// their names. Best effort per table (a table dropped meanwhile by its own run is no error).
    @discardableResult
    public static func dropDead(_ client: ClickHouseClient, database: String) throws -> [String] {
        var dead: [String] = []
        let now = Int(Date().timeIntervalSince1970)
        try client.selectTabSeparated("SELECT name, toUInt32(metadata_modification_time) FROM system.tables WHERE database = "
                                      + "\(SQLLiteral.string(database)) AND startsWith(name, \(SQLLiteral.string(ReservedNames.temporaryPrefix)))") { fields in
            guard fields.count == 2, let name = fields[0] else { return }
            if let owner = owner(of: name) {
                if RunOwner.isDead(hostTag: owner.hostTag, pid: owner.pid) { dead.append(name) }
            } else if let modified = Int(fields[1] ?? ""), now - modified > legacyAge {
                dead.append(name)
            }
        }
        for name in dead { try? client.execute("DROP TABLE IF EXISTS \(SQLLiteral.qualifiedName(database, name))") }
        return dead
    }
}
