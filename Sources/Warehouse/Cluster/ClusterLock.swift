import ClickHouse

/// The ingest lock (`PublishLock` `restock_ingest__lock`) taken on every shard of a cluster, in
/// shard order (so two runs never wait on each other crosswise), by one owner. Holding it excludes
/// another cluster ingest, a single-node ingest into any shard, and a reader's roll-forward.
/// `acquire` releases what it took when a later shard refuses. Cost: two or three tiny statements
/// per shard.
struct ClusterLock: Sendable {
    let cluster: ClickHouseCluster
    let database: String
    let owner: RunOwner

    var locks: [PublishLock] {
        cluster.shards.map { _ in PublishLock(database: database, name: InstacartIngest.lockName, owner: owner) }
    }

    func acquire(wait: Double, progress: (@Sendable (String) -> Void)?) throws {
        for (k, shard) in cluster.shards.enumerated() {
            do {
                try shard.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(database))")
                try locks[k].acquire(shard, wait: wait, progress: ClusterLock.prefixed(progress, "shard \(k + 1): "))
            } catch {
                for j in (0..<k).reversed() { locks[j].release(cluster.shards[j]) }
                throw error
            }
        }
    }

    /// `progress` with `prefix` before each line (nil stays nil).
    static func prefixed(_ progress: (@Sendable (String) -> Void)?, _ prefix: String) -> (@Sendable (String) -> Void)? {
        guard let progress else { return nil }
        return { @Sendable line in progress(prefix + line) }
    }

    func release() {
        for (k, shard) in cluster.shards.enumerated().reversed() { locks[k].release(shard) }
    }
}
