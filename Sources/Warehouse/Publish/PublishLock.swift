import ClickHouse
import Foundation

/// One publishing run per target at a time, as a table on the server: `CREATE TABLE db.<name>
/// (run_id String DEFAULT '<run>', host String DEFAULT '<host>', pid UInt32 DEFAULT <pid>, started
/// UInt32 DEFAULT <epoch>) ENGINE = Log`, without IF NOT EXISTS, so creating it is the atomic
/// mutex (error 57 when another run holds it). The holder is written into the columns' defaults,
/// so it is visible in `system.columns` as soon as the table exists (and one row holds it too, for
/// `SELECT * FROM db.<name>`).
///
/// `acquire` retries every 0.2 s for up to `wait` seconds, then throws `PublishError.lockHeld`
/// naming the holder. A lock whose holder ran on this host and whose process is gone (killed run)
/// is stale: it is broken (renamed away, checked to be the stale one, dropped) and the creation
/// retried, with a progress message. A lock held by this very owner (a release that failed while the
/// server was down) is simply taken. `release` drops the table if it is still this run's.
/// Serializing the DDL of publishing runs also keeps 18.16 away from the crash seen with two
/// concurrent ingests into one database. Cost: two or three tiny statements.
public struct PublishLock: Sendable {
    public let database: String
    /// The lock table's name (e.g. `restock_ingest__lock`, `<to-table>__lock`).
    public let name: String
    public let owner: RunOwner

    public init(database: String, name: String, owner: RunOwner) {
        self.database = database
        self.name = name
        self.owner = owner
    }

    var qualified: String { SQLLiteral.qualifiedName(database, name) }

    /// The holder read from a lock table's column defaults.
    struct Holder: Equatable {
        var runID = "", host = "", pid: Int32 = 0, started = 0
        var owner: RunOwner { RunOwner(runID: runID, host: host, pid: pid, started: started) }
    }

    /// Takes the lock (see the type). Throws `PublishError.lockHeld` after `wait` seconds.
    public func acquire(_ client: ClickHouseClient, wait: Double, progress: (@Sendable (String) -> Void)? = nil) throws {
        let deadline = Date().addingTimeInterval(max(0, wait))
        var announced = false
        while true {
            do {
                try client.execute(createStatement)
                break
            } catch let error as ClickHouseError where error.code == 57 {
                guard let holder = try holder(client, table: name) else { continue }  // dropped meanwhile: retry
                // This very run holds it already (its release failed while the server was down, and
                // it takes the lock again, e.g. on every shard of a cluster): it is ours.
                if holder.owner == owner { break }
                // A holder with this process's number: an earlier process that had the same pid, or a
                // run of this process whose release failed (the server was down); stale unless live here.
                let thisProcess = holder.host == owner.host && holder.pid == getpid() && !ActiveRuns.shared.contains(holder.runID)
                if thisProcess || RunOwner.isDead(host: holder.host, pid: holder.pid) {
                    if try breakStale(client, holder: holder) {
                        progress?("broke the stale lock \(database).\(name) of \(holder.owner.description): that process is gone")
                    }
                    continue
                }
                if Date() >= deadline {
                    throw PublishError.lockHeld(lock: "\(database).\(name)", holder: holder.owner.description, waited: wait)
                }
                if !announced {
                    progress?("waiting up to \(Int(wait)) s for \(holder.owner.description), which holds the lock \(database).\(name)")
                    announced = true
                }
                usleep(200_000)
            }
        }
        ActiveRuns.shared.insert(owner.runID)
        try? client.execute("INSERT INTO \(qualified) (run_id, host, pid, started) VALUES (\(SQLLiteral.string(owner.runID)), "
                            + "\(SQLLiteral.string(owner.host)), \(owner.pid), \(owner.started))")
    }

    /// Drops the lock table if this run holds it (best effort: a lock left by a failed release is
    /// broken by the next run of this host, since this process will be gone).
    public func release(_ client: ClickHouseClient) {
        ActiveRuns.shared.remove(owner.runID)
        guard let holder = try? holder(client, table: name), holder.runID == owner.runID else { return }
        try? client.execute("DROP TABLE IF EXISTS \(qualified)")
    }

    var createStatement: String {
        "CREATE TABLE \(qualified) (run_id String DEFAULT \(SQLLiteral.string(owner.runID)), host String DEFAULT "
            + "\(SQLLiteral.string(owner.host)), pid UInt32 DEFAULT \(owner.pid), started UInt32 DEFAULT \(owner.started)) ENGINE = Log"
    }

    /// The holder of lock table `table`, nil when it does not exist; a table without the columns
    /// gives a holder with an empty run id.
    func holder(_ client: ClickHouseClient, table: String) throws -> Holder? {
        var found = false
        var holder = Holder()
        try client.selectTabSeparated("SELECT name, default_expression FROM system.columns WHERE database = "
                                      + "\(SQLLiteral.string(database)) AND table = \(SQLLiteral.string(table))") { fields in
            guard fields.count == 2, let column = fields[0] else { return }
            found = true
            let value = LoadMarker.unquote(fields[1] ?? "")
            switch column {
            case "run_id": holder.runID = value
            case "host": holder.host = value
            case "pid": holder.pid = Int32(Self.firstInteger(value)) ?? 0
            case "started": holder.started = Int(Self.firstInteger(value)) ?? 0
            default: break
            }
        }
        return found ? holder : nil
    }

    /// The first run of digits of `text` (18.16 prints a UInt32 default as `CAST(1234, 'UInt32')`).
    static func firstInteger(_ text: String) -> String {
        String(text.drop { !$0.isASCII || !$0.isNumber }.prefix { $0.isASCII && $0.isNumber })
    }

    /// Renames the lock away, checks that the renamed table is the stale holder's (not a lock that
    /// another run created in between), then drops it; puts it back otherwise. True when broken.
    func breakStale(_ client: ClickHouseClient, holder: Holder) throws -> Bool {
        let aside = "\(name)_stale_\(owner.runID)"
        do {
            try client.execute("RENAME TABLE \(qualified) TO \(SQLLiteral.qualifiedName(database, aside))")
        } catch let error as ClickHouseError where error.code == 60 {
            return false  // someone else broke it first
        }
        if try self.holder(client, table: aside) == holder {
            try client.execute("DROP TABLE IF EXISTS \(SQLLiteral.qualifiedName(database, aside))")
            return true
        }
        try? client.execute("RENAME TABLE \(SQLLiteral.qualifiedName(database, aside)) TO \(qualified)")
        return false
    }
}

/// The run ids of the locks this process holds (so that a lock held by this pid but by no live run
/// of it, left by a release that failed, is recognised as stale).
final class ActiveRuns: @unchecked Sendable {
    static let shared = ActiveRuns()
    private let lock = NSLock()
    private var ids: Set<String> = []

    func insert(_ id: String) { lock.lock(); ids.insert(id); lock.unlock() }
    func remove(_ id: String) { lock.lock(); ids.remove(id); lock.unlock() }
    func contains(_ id: String) -> Bool { lock.lock(); defer { lock.unlock() }; return ids.contains(id) }
}
