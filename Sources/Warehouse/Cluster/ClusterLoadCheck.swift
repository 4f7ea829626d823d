import ClickHouse
import Foundation

/// The check every reader of a cluster makes before (and, to be sure nothing changed, after) it
/// reads the Instacart tables: all shards carry the same ingest, the committed one
/// (`ClusterIngestState.consistentRun`). Returns that run id, the cluster's load id.
///
/// When a shard lags behind the committed run (an ingest between its commit and its last RENAME,
/// or one killed there), the check takes the ingest lock on every shard (waiting up to `wait`
/// seconds, so a live ingest finishes its swaps first), reads the state again and rolls the
/// committed run forward where it still lags (`ClusterIngestState.rollForward`), then reads once
/// more. Anything else (no committed ingest, a run routed for another number of shards, a shard
/// whose load tables are gone, the lock not free in time) throws `ClusterError` describing each
/// shard's state. Cost: three small queries per shard when consistent; a roll-forward adds the
/// lock and one RENAME per lagging shard.
public struct ClusterLoadCheck: Sendable {
    public let cluster: ClickHouseCluster
    public let database: String
    /// Seconds to wait for the ingest lock before refusing.
    public var wait = 30.0
    public var progress: (@Sendable (String) -> Void)?

    public init(cluster: ClickHouseCluster, database: String) {
        self.cluster = cluster
        self.database = database
    }

    /// The committed run that every shard carries (see the type).
    @discardableResult
    public func verify() throws -> String {
        var state = try ClusterIngestState.read(cluster, database: database)
        if let run = state.consistentRun { return run }
        guard let commit = state.commit, commit.shards == cluster.shards.count else {
            throw ClusterError(cluster: cluster.name, problem: state.problem(database: database, cluster: cluster) ?? "")
        }
        progress?("cluster \(cluster.name): shards \(state.lagging.map { String($0 + 1) }.joined(separator: ", ")) lag behind "
                  + "committed run \(commit.runID); finishing it")
        let lock = ClusterLock(cluster: cluster, database: database, owner: RunOwner.current())
        do {
            try lock.acquire(wait: wait, progress: progress)
        } catch let error as PublishError {
            throw ClusterError(cluster: cluster.name, problem: "\(state.problem(database: database, cluster: cluster) ?? ""); and \(error)")
        }
        defer { lock.release() }
        state = try ClusterIngestState.read(cluster, database: database)
        if let run = state.consistentRun { return run }
        if let commit = state.commit, commit.shards == cluster.shards.count {
            for k in state.lagging {
                do {
                    let done = try ClusterIngestState.rollForward(cluster.shards[k], database: database, runID: commit.runID, cluster: cluster.name)
                    progress?("shard \(k + 1): rolled committed run \(commit.runID) forward (\(done.joined(separator: ", ")))")
                } catch let error as ClusterError {
                    throw ClusterError(cluster: cluster.name, problem: "\(state.problem(database: database, cluster: cluster) ?? ""); \(error.problem)")
                }
            }
        }
        state = try ClusterIngestState.read(cluster, database: database)
        if let run = state.consistentRun {
            try ClusterTables.create(cluster, database: database)  // the killed ingest may not have made them
            return run
        }
        throw ClusterError(cluster: cluster.name, problem: state.problem(database: database, cluster: cluster) ?? "")
    }
}
