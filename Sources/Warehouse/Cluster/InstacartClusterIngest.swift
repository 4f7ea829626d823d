import ClickHouse
import Dispatch
import Features
import Foundation
import Tabular

/// `restock ingest --cluster NAME`: loads an Instacart-layout data set into the shards of a
/// ClickHouse cluster with the guarantees of the single-node `InstacartIngest`, cluster-wide.
///
/// Steps: (1) read and check the folder once (`InstacartReader`: a bad file fails here, before
/// anything is sent) and route it (`ShardRouting`: orders and order_products on shard
/// `user_id % N`, the catalog whole on every shard); (2) take the ingest lock on every shard in
/// shard order (`ClusterLock`); (3) recover: if the commit marker names a run that some shard has not
/// swapped in, roll it forward there (its load tables are complete and counted), then on every shard
/// clean what killed runs left (`InstacartIngest.prepare`: uncommitted `__load_*` tables are dropped:
/// roll back) and check the live tables' structure; (4) on every shard at once, create the six
/// `<table>__load_<run>` tables and stream that shard's part into them (`connections` INSERTs per
/// shard), and check each `count()` against the rows sent; (5) **commit**: one row naming the run
/// in `restock_ingest__commit` on shard 1 (`ClusterCommitMarker`); (6) swap each shard's six load
/// tables in with one RENAME per shard (shard 1 first), drop the replaced tables; (7) create the
/// `<table>_all` tables on every node if missing (`ClusterTables`) and release the locks.
///
/// The commit point is step 5. Before it, any failure or kill leaves every shard's live tables
/// and the marker as they were (only load tables were written, and the next run or a reader's
/// roll-forward drops or ignores them). After it, the run is the cluster's data even if the
/// client or a server dies before every shard swapped: the marker names it, the load tables are on
/// the shards that lag, and a reader (`ClusterLoadCheck`) or the next ingest finishes the RENAMEs.
/// A reader therefore never works on a mix: it accepts the cluster only when every shard's six
/// tables carry the committed run, and otherwise rolls forward (or waits for the lock, then
/// refuses with the shards' state). Re-running replaces every shard whole: it never doubles. A
/// RENAME cut by a server kill leaves a shard with some tables of each run; the marker says which
/// run wins and the roll-forward completes it.
///
/// Cost: reading as single-node; routing O(rows) with one more copy of the order columns; loading
/// O(rows) per shard, the shards in parallel (each shard's server does its own MergeTree writes);
/// lock, commit and swaps are a few small statements per shard.
public struct InstacartClusterIngest: Sendable {
    public struct Summary: Sendable {
        /// Rows per table over all shards (the catalog, whole on each, once), and seconds (the slowest shard).
        public var rows: [(table: String, rows: Int, seconds: Double)] = []
        /// Rows per shard per table.
        public var shardRows: [[String: Int]] = []
        public var readSeconds = 0.0
        public var routeSeconds = 0.0
        public var loadSeconds = 0.0
        public var swapSeconds = 0.0
        public var totalSeconds: Double { readSeconds + routeSeconds + loadSeconds + swapSeconds }
    }

    public let cluster: ClickHouseCluster
    public let database: String
    public var progress: (@Sendable (String) -> Void)?
    /// As `InstacartIngest.rowsWritten`, with the 0-based shard.
    public var rowsWritten: (@Sendable (_ shard: Int, _ table: String, _ rows: Int) -> Void)?
    /// Called at each `PublishStep`, including the cluster's `afterCommit` and `midSwap`.
    public var fault: PublishFaultHook?
    public var lockWait = 120.0
    public var owner: RunOwner?
    /// INSERTs at once per shard.
    public var connections = 2

    public init(cluster: ClickHouseCluster, database: String = "instacart") {
        self.cluster = cluster
        self.database = database
    }

    public func run(directory: String, threads: Int = 2) throws -> Summary {
        let (data, readSeconds) = try InstacartIngest.read(directory: directory, threads: threads, progress: progress)
        var summary = try run(data)
        summary.readSeconds = readSeconds
        return summary
    }

    public func run(_ data: InstacartData) throws -> Summary {
        let clock = ContinuousClock()
        var summary = Summary()
        var start = clock.now
        guard cluster.shards.count <= 255 else {
            throw ClusterError(cluster: cluster.name, problem: "\(cluster.shards.count) shards; the sharded ingest routes to at most 255")
        }
        let parts = ShardRouting.split(data, shardCount: cluster.shards.count)
        summary.routeSeconds = Elapsed.seconds(clock.now - start)
        start = clock.now
        let owner = self.owner ?? RunOwner.current()
        let lock = ClusterLock(cluster: cluster, database: database, owner: owner)
        try lock.acquire(wait: lockWait, progress: progress)
        defer { lock.release() }
        let midLoad = OnceFlag()
        let loaders = cluster.shards.enumerated().map { k, client in shardLoader(k, client, owner: owner, midLoad: midLoad) }
        try recover(loaders)
        fault?(.beforeLoad)
        summary.shardRows = try loadAll(loaders, parts)
        for table in InstacartSchema.tables {
            // The catalog is whole on every shard: counted once.
            let sharded = ClusterTables.sharded.contains(table)
            let rows = sharded ? summary.shardRows.reduce(0) { $0 + ($1[table.name] ?? 0) } : summary.shardRows[0][table.name] ?? 0
            summary.rows.append((table.name, rows, Elapsed.seconds(clock.now - start)))
        }
        summary.loadSeconds = Elapsed.seconds(clock.now - start)
        fault?(.afterCheck)
        start = clock.now
        try ClusterCommitMarker(database: database).commit(cluster.shards[0], runID: owner.runID, shards: cluster.shards.count,
                                                            cluster: cluster.name)
        progress?("committed run \(owner.runID) on \(cluster.description)")
        fault?(.afterCommit)
        for (k, shard) in cluster.shards.enumerated() {
            do {
                try TableSwap(database: database, tables: ClusterIngestState.tables, runID: owner.runID).swap(shard)
            } catch {
                throw ClusterError(cluster: cluster.name, problem: "run \(owner.runID) is committed, but swapping it in on shard \(k + 1) "
                                   + "failed (\(error)); the next reader or ingest finishes it there")
            }
            if k == 0 { fault?(.midSwap) }
        }
        summary.swapSeconds = Elapsed.seconds(clock.now - start)
        progress?("swapped run \(owner.runID) in on \(cluster.shards.count) shards in \(Elapsed.format(summary.swapSeconds)) s")
        fault?(.afterPublish)
        for shard in cluster.shards {
            try TableSwap(database: database, tables: ClusterIngestState.tables, runID: owner.runID).dropOld(shard)
        }
        try ClusterTables.create(cluster, database: database)
        return summary
    }

    /// The single-node ingest of shard `k`, set to load run `owner` without its own lock and hooks.
    func shardLoader(_ k: Int, _ client: ClickHouseClient, owner: RunOwner, midLoad: OnceFlag) -> InstacartIngest {
        var loader = InstacartIngest(client: client, database: database)
        loader.runID = owner.runID
        loader.owner = owner
        loader.connections = connections
        loader.progress = ClusterLock.prefixed(progress, "shard \(k + 1): ")
        let hook = rowsWritten, fault = self.fault
        loader.rowsWritten = { table, rows in
            hook?(k, table, rows)
            if midLoad.set() { fault?(.midLoad) }
        }
        return loader
    }

    /// Step 3 (locks held): roll a committed run forward where it lags, then clean and check every shard.
    func recover(_ loaders: [InstacartIngest]) throws {
        if let commit = try ClusterCommitMarker(database: database).current(cluster.shards[0]) {
            for (k, shard) in cluster.shards.enumerated() {
                do {
                    let done = try ClusterIngestState.rollForward(shard, database: database, runID: commit.runID, cluster: cluster.name)
                    if !done.isEmpty { progress?("shard \(k + 1): rolled committed run \(commit.runID) forward (\(done.joined(separator: ", ")))") }
                } catch let error as ClusterError {
                    progress?("shard \(k + 1): \(error.problem); this run replaces it")
                }
            }
        }
        for loader in loaders {
            try loader.prepare(TableSwap(database: database, tables: ClusterIngestState.tables, runID: loader.runID))
        }
    }

    /// Step 4 on every shard at once; rows per table per shard. On any failure the load tables of
    /// every shard are dropped (best effort) and the first error is thrown, naming its shard.
    func loadAll(_ loaders: [InstacartIngest], _ parts: [InstacartData]) throws -> [[String: Int]] {
        let results = ShardResults(count: loaders.count)
        DispatchQueue.concurrentPerform(iterations: loaders.count) { k in
            do {
                let rows = try loaders[k].loadChecked(parts[k])
                results.set(k, .success(Dictionary(uniqueKeysWithValues: rows.map { ($0.table, $0.rows) })))
            } catch {
                results.set(k, .failure(error))
            }
        }
        let all = results.values
        if let (k, error) = all.enumerated().compactMap({ k, r -> (Int, any Error)? in
            if case .failure(let e) = r { return (k, e) } else { return nil }
        }).first {
            for loader in loaders { TableSwap(database: database, tables: ClusterIngestState.tables, runID: loader.runID).dropLoads(loader.client) }
            throw ClusterError(cluster: cluster.name, problem: "loading shard \(k + 1) (\(cluster.shardURLs[k])) failed, nothing was "
                               + "committed and the live tables of every shard are unchanged: \(error)")
        }
        return all.map { if case .success(let rows) = $0 { rows } else { [:] } }
    }
}

/// One result per shard, set from concurrent threads.
private final class ShardResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[String: Int], any Error>]

    init(count: Int) { results = Array(repeating: .success([:]), count: count) }

    func set(_ k: Int, _ result: Result<[String: Int], any Error>) {
        lock.lock()
        results[k] = result
        lock.unlock()
    }

    var values: [Result<[String: Int], any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}
