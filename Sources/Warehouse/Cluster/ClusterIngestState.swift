import ClickHouse

/// What the shards of a cluster hold of the six Instacart tables: the committed run
/// (`ClusterCommitMarker` on shard 1) and, per shard, the load id (`LoadMarker`) of each live
/// table. The cluster is consistent when every shard's six tables carry the committed run and the
/// run was routed for this many shards. Cost: one query on shard 1 and two on each shard.
public struct ClusterIngestState: Sendable {
    public let commit: ClusterCommitMarker.Commit?
    /// Per shard (0-based): live table → its load id (`.some(nil)`: no marker); absent: no table.
    public let loadIDs: [[String: String?]]

    static let tables = InstacartSchema.tables.map(\.name)

    public static func read(_ cluster: ClickHouseCluster, database: String) throws -> ClusterIngestState {
        let commit = try ClusterCommitMarker(database: database).current(cluster.shards[0])
        let ids = try cluster.shards.map { try LoadMarker.loadIDs($0, database: database, tables: tables) }
        return ClusterIngestState(commit: commit, loadIDs: ids)
    }

    /// The run every shard's six tables carry, when that run is the committed one.
    public var consistentRun: String? {
        guard let commit, commit.shards == loadIDs.count, lagging.isEmpty else { return nil }
        return commit.runID
    }

    /// The shards (0-based) some of whose live tables are not the committed run (all, without a commit).
    public var lagging: [Int] {
        loadIDs.indices.filter { k in Self.tables.contains { loadIDs[k][$0] != .some(.some(commit?.runID ?? "")) } }
    }

    /// Why the cluster is not consistent, in words for an error message (nil when it is).
    public func problem(database: String, cluster: ClickHouseCluster) -> String? {
        guard consistentRun == nil else { return nil }
        guard let commit else {
            return "\(database) on \(cluster.shardURLs[0]) (shard 1) has no committed cluster ingest (no table "
                + "\(ClusterCommitMarker.table)); load it with restock ingest --cluster \(cluster.name)"
        }
        if commit.shards != loadIDs.count {
            return "the committed ingest run \(commit.runID) was routed for \(commit.shards) shards, but cluster \(cluster.name) "
                + "has \(loadIDs.count); run restock ingest --cluster \(cluster.name) again"
        }
        let details = lagging.map { k -> String in
            let held = Set(Self.tables.map { loadIDs[k][$0].map { $0 ?? "unmarked" } ?? "missing" }).sorted()
            return "shard \(k + 1) holds \(held.joined(separator: "/"))"
        }
        return "the committed ingest run is \(commit.runID), but \(details.joined(separator: ", ")); "
            + "run restock ingest --cluster \(cluster.name) again to finish or replace it"
    }

    /// Finishes the swap of committed run `runID` on one shard (call with the ingest lock held): every
    /// live table that does not carry `runID` is replaced by its `<table>__load_<runID>` in one
    /// RENAME (a live table missing after a RENAME cut by a server kill is just filled), and the
    /// replaced tables are dropped. Returns the tables swapped; throws when a load table is gone.
    public static func rollForward(_ client: ClickHouseClient, database: String, runID: String, cluster: String) throws -> [String] {
        let names = Set(try TableSwap.tableNames(client, database: database).map(\.name))
        let ids = try LoadMarker.loadIDs(client, database: database, tables: tables)
        let swap = TableSwap(database: database, tables: tables, runID: runID)
        var pairs: [String] = [], swapped: [String] = []
        for table in tables where ids[table] != .some(.some(runID)) {
            let load = swap.loadName(table)
            guard names.contains(load) else {
                throw ClusterError(cluster: cluster, problem: "\(database).\(table) on \(client.configuration.url) is not run \(runID) "
                                   + "and its load table \(load) is gone, so the committed run cannot be finished there")
            }
            if names.contains(table) {
                pairs.append("\(swap.qualified(table)) TO \(swap.qualified(TableSwap.oldName(table, runID: runID)))")
            }
            pairs.append("\(swap.qualified(load)) TO \(swap.qualified(table))")
            swapped.append(table)
        }
        if !pairs.isEmpty { try client.execute("RENAME TABLE " + pairs.joined(separator: ", ")) }
        try swap.dropOld(client)
        return swapped
    }
}
