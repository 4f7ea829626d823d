/// The table names Restock keeps for itself in a database it publishes into, and the check that
/// refuses them as a `--to-table` before any work.
///
/// Reserved: names containing `__stage` (stage tables of earlier versions), `__load_` (tables a run
/// loads), `__old_` (tables a swap replaced), `__lock` (lock tables), names starting with
/// `restock_tmp_` (feature SQL's intermediate tables), and the six Instacart tables (`InstacartSchema`).
/// Compared without regard to case.
public enum ReservedNames {
    public static let suffixes = ["__stage", "__load_", "__old_", "__lock"]
    public static let temporaryPrefix = "restock_tmp_"

    /// Why `name` may not be a `--to-table`, or nil when it may.
    public static func problem(table name: String) -> String? {
        let lower = name.lowercased()
        if let part = suffixes.first(where: { lower.contains($0) }) {
            return "it contains '\(part)', which Restock uses for its own stage, load, replaced and lock tables"
        }
        if lower.hasPrefix(temporaryPrefix) {
            return "it starts with '\(temporaryPrefix)', which Restock uses for the feature SQL's intermediate tables"
        }
        if InstacartSchema.tables.contains(where: { $0.name.lowercased() == lower }) {
            return "it is one of the six Instacart tables that `restock ingest` writes"
        }
        return nil
    }

    /// Throws `PublishError.reservedName` when `name` is reserved.
    public static func check(table name: String) throws {
        if let problem = problem(table: name) { throw PublishError.reservedName(table: name, problem) }
    }
}
