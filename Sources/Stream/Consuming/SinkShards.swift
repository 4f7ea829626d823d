import ClickHouse
import Features
import Foundation
import Warehouse

/// The ClickHouse side of the sink: one node, or every shard of a cluster (`restock stream
/// --cluster`, docs/cluster.md, "The live-orders stream on a cluster"). Each shard has its own
/// quiet tables, planner (and so known state) and ingest lock; an order and its lines go to the
/// shard of its user (`ClickHouseCluster.shard(ofUser:)`, the rule of `ingest --cluster`).
///
/// Per batch on N shards: decode once, route each event to its user's shard (an order_id already
/// committed on, or earlier in the batch routed to, another shard is a `conflictingDuplicate`, as on
/// one node), plan and commit every shard's part on a thread of its own (`ShardThreads`), and only
/// then is the batch acknowledged. A failure on any shard fails the batch: it is planned again from
/// scratch, and the shards that committed find their orders stored (duplicates). So each order is
/// appended once, on exactly one shard, and each shard de-duplicates its own.
///
/// The lock is taken on every shard in shard order (as `ingest --cluster` does, so neither waits on
/// the other crosswise); with it held, the cluster must be on its committed ingest run
/// (`ClusterIngestState`): else the lock is released, `ClusterLoadCheck` finishes the committed run
/// (or refuses), and the lock is taken again. Cost on N shards: N times the one-node statements when
/// the lock is taken, plus three small queries per shard for the cluster check; per batch one
/// hash-set lookup per event and shard for the cross-shard check.
final class SinkShards: @unchecked Sendable {
    /// One shard's part (touched by one thread at a time: the run's, or its shard's during a batch).
    final class Shard: @unchecked Sendable {
        let client: ClickHouseClient
        let tables: OrderSinkTables
        let planner: BatchPlanner
        let lock: PublishLock
        var loadID: String?
        var plan = BatchPlan()

        init(client: ClickHouseClient, database: String, owner: RunOwner, decode: @escaping ([UInt8]) throws -> OrderEvent) {
            self.client = client
            tables = OrderSinkTables(client: StreamRun.quietClient(client), database: database)
            planner = BatchPlanner(tables: tables, decode: decode)
            lock = PublishLock(database: database, name: InstacartIngest.lockName, owner: owner)
        }
    }

    let shards: [Shard]
    let cluster: ClickHouseCluster?
    let database: String
    let progress: (@Sendable (String) -> Void)?

    /// Checks the tables of every shard (and, on a cluster, that every shard carries the committed
    /// ingest run: `ClusterLoadCheck`, which may finish a committed run).
    init(clients: [ClickHouseClient], cluster: ClickHouseCluster?, database: String, owner: RunOwner,
         decode: @escaping ([UInt8]) throws -> OrderEvent, progress: (@Sendable (String) -> Void)?) throws {
        self.cluster = cluster
        self.database = database
        self.progress = progress
        if let cluster {
            var check = ClusterLoadCheck(cluster: cluster, database: database)
            check.progress = progress
            try check.verify()
        }
        shards = clients.map { Shard(client: $0, database: database, owner: owner, decode: decode) }
        for shard in shards { shard.loadID = try ReorderMatrix.checkTablesExist(shard.client, database: database) }
    }

    func label(_ k: Int) -> String { shards.count == 1 ? "" : "shard \(k + 1): " }

    /// Takes the ingest lock on every shard (in order), checks the cluster's run and each shard's
    /// tables, and readies each planner (`BatchPlanner.prepare`).
    func acquire(wait: Double) throws {
        for attempt in 1...2 {
            try lockAll(wait: wait)
            guard let cluster else { break }
            let state: ClusterIngestState
            do { state = try ClusterIngestState.read(cluster, database: database) } catch { release(); throw error }
            if state.consistentRun != nil { break }
            release()
            if attempt == 2 { throw ClusterError(cluster: cluster.name, problem: state.problem(database: database, cluster: cluster) ?? "") }
            var check = ClusterLoadCheck(cluster: cluster, database: database)
            check.wait = wait
            check.progress = progress
            try check.verify()
        }
        do {
            for (k, shard) in shards.enumerated() {
                let current = try ReorderMatrix.checkTablesExist(shard.client, database: database)
                if current != shard.loadID {
                    progress?("\(label(k))the tables of \(database) were replaced by an ingest (load \(current ?? "none")); reloading products and users")
                    shard.planner.reset()
                    shard.loadID = current
                }
                if try shard.planner.prepare() { progress?("\(label(k))loaded the stored order_ids, orphan lines and user sequences of \(database)") }
            }
        } catch {
            release()
            throw error
        }
    }

    private func lockAll(wait: Double) throws {
        for (k, shard) in shards.enumerated() {
            do {
                try shard.lock.acquire(shard.client, wait: wait, progress: progress.map { p in { @Sendable line in p(self.label(k) + line) } })
            } catch {
                for j in (0..<k).reversed() { shards[j].lock.release(shards[j].client) }
                throw error
            }
        }
    }

    /// Releases the lock on every shard (best effort), last shard first.
    func release() {
        for shard in shards.reversed() { shard.lock.release(shard.client) }
    }

    /// Forgets every shard's loaded state (after a failure).
    func reset() {
        for shard in shards { shard.planner.reset() }
    }

    /// Plans `messages` (each shard's part into its `plan`) and returns them merged in log order.
    func plan(_ messages: [LogMessage]) throws -> BatchPlan {
        if shards.count == 1 {
            shards[0].plan = try shards[0].planner.plan(messages)
            return shards[0].plan
        }
        let (decoded, malformed) = shards[0].planner.decodeAll(messages)
        let (routed, conflicts) = route(decoded)
        let shards = self.shards
        _ = try ShardThreads.run(shards.count) { k in
            shards[k].plan = try shards[k].planner.plan(decoded: routed.parts[k])
        }
        return BatchPlan.merged(shards.map(\.plan), extraDeadLetters: malformed + conflicts)
    }

    /// The events per shard of their user, in log order, and the dead letters of order_ids that
    /// another shard already holds (committed, or earlier in this batch).
    func route(_ decoded: [BatchPlanner.DecodedMessage]) -> (RoutedParts, [(message: LogMessage, reason: DeadLetterReason)]) {
        var parts = [[BatchPlanner.DecodedMessage]](repeating: [], count: shards.count)
        var conflicts: [(message: LogMessage, reason: DeadLetterReason)] = []
        var home: [Int32: Int] = [:]
        for item in decoded {
            let id = item.event.orderID
            let k = ClickHouseCluster.shard(ofUser: Int(item.event.userID), shardCount: shards.count)
            let other = home[id].flatMap { $0 == k ? nil : $0 }
                ?? shards.indices.first { $0 != k && shards[$0].planner.known?.committed.contains(id) == true }
            if let other {
                conflicts.append((item.message, DeadLetterReason(.conflictingDuplicate,
                    "order_id \(id) is already stored with another user, on shard \(other + 1) (user \(item.event.userID) lives on shard \(k + 1))")))
                continue
            }
            home[id] = k
            parts[k].append(item)
        }
        return (RoutedParts(parts: parts), conflicts)
    }

    /// Commits every shard's plan (`commit` per shard, the shards in parallel); throws the first
    /// failure in shard order once every shard has ended.
    func commit(_ body: @escaping @Sendable (BatchPlan, OrderSinkTables) throws -> Void) throws {
        let shards = self.shards
        _ = try ShardThreads.run(shards.count) { k in
            if !shards[k].plan.appends.isEmpty || shards.count == 1 { try body(shards[k].plan, shards[k].tables) }
        }
    }

    /// Takes each shard's committed plan into its planner (and known state).
    func committed() {
        for shard in shards {
            shard.planner.committed(shard.plan)
            shard.planner.calibrateIfNeeded()
        }
    }
}

/// The decoded messages per shard (a value handed to the shards' threads).
struct RoutedParts: @unchecked Sendable {
    let parts: [[BatchPlanner.DecodedMessage]]
}
