import ClickHouse

/// The cluster-level commit point of a sharded ingest: the table `restock_ingest__commit` in the
/// Instacart database of shard 1 (`cluster.shards[0]`), `(seq UInt64, run_id String, shards UInt16,
/// cluster String, committed DateTime) ENGINE = MergeTree ORDER BY seq`. One row per committed run;
/// the current run is the row with the highest `seq`. A run is committed by inserting its row (a
/// one-row INSERT is one part: it is there whole or not at all, also across a kill -9 of either the
/// client or the server), after every shard's load tables are complete and counted and before any
/// shard's RENAME. So the marker may name a run that some shards have not swapped in yet, and the
/// load tables of that run are then still on those shards: `rollForward` finishes the swap.
///
/// Cost: one tiny table; a read is one small query on shard 1.
public struct ClusterCommitMarker: Sendable {
    public let database: String

    public static let table = "restock_ingest__commit"

    public init(database: String) {
        self.database = database
    }

    /// A committed run: its id and the number of shards it was routed for.
    public struct Commit: Sendable, Equatable {
        public let runID: String
        public let shards: Int
        public let seq: Int
    }

    var qualified: String { SQLLiteral.qualifiedName(database, Self.table) }

    /// The current commit on shard 1 (`client`), nil when no cluster ingest was ever committed.
    public func current(_ client: ClickHouseClient) throws -> Commit? {
        let exists = try client.queryText("SELECT count() FROM system.tables WHERE database = \(SQLLiteral.string(database)) "
                                          + "AND name = \(SQLLiteral.string(Self.table))")
        guard exists.trimmingCharacters(in: .whitespacesAndNewlines) == "1" else { return nil }
        var commit: Commit?
        try client.selectTabSeparated("SELECT seq, run_id, shards FROM \(qualified) ORDER BY seq DESC LIMIT 1") { f in
            guard f.count == 3 else { return }
            commit = Commit(runID: f[1] ?? "", shards: Int(f[2] ?? "") ?? 0, seq: Int(f[0] ?? "") ?? 0)
        }
        return commit
    }

    /// Commits `runID` (with the ingest lock held on every shard): one INSERT of one row.
    public func commit(_ client: ClickHouseClient, runID: String, shards: Int, cluster: String) throws {
        try client.execute("CREATE TABLE IF NOT EXISTS \(qualified) (seq UInt64, run_id String, shards UInt16, cluster String, "
                           + "committed DateTime) ENGINE = MergeTree() ORDER BY seq")
        let next = (try current(client)?.seq ?? 0) + 1
        try client.execute("INSERT INTO \(qualified) (seq, run_id, shards, cluster, committed) VALUES (\(next), "
                           + "\(SQLLiteral.string(runID)), \(shards), \(SQLLiteral.string(cluster)), now())")
    }
}
