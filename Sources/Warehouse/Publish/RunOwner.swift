import Foundation

/// Who a publishing run or a feature build is: a short random run id, the host and the process id.
/// Written into the lock table of a publish and into the names of the `restock_tmp_*` tables of a
/// feature build, so that a later run can tell a dead run's leftovers (same host, process gone)
/// from a live run's.
public struct RunOwner: Sendable, Equatable {
    /// 8 lowercase hex digits (random), unique per run.
    public let runID: String
    public let host: String
    public let pid: Int32
    /// Seconds since 1970 when the run started.
    public let started: Int

    public init(runID: String, host: String, pid: Int32, started: Int) {
        self.runID = runID
        self.host = host
        self.pid = pid
        self.started = started
    }

    /// This process, with a fresh random run id.
    public static func current() -> RunOwner {
        var generator = SystemRandomNumberGenerator()
        let id = String(UInt32.random(in: 0...UInt32.max, using: &generator), radix: 16)
        return RunOwner(runID: String(repeating: "0", count: 8 - id.count) + id, host: ProcessInfo.processInfo.hostName,
                        pid: getpid(), started: Int(Date().timeIntervalSince1970))
    }

    /// 8 hex digits identifying `host` in table names (FNV-1a of its name).
    public static func hostTag(_ host: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in host.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - text.count) + text
    }

    public var hostTag: String { Self.hostTag(host) }

    /// True when the process `pid` of this host is known to be gone (kill(pid, 0) fails with ESRCH).
    /// A run of another host is never reported dead: its process cannot be checked from here.
    public static func isDead(host: String, pid: Int32, localHost: String = ProcessInfo.processInfo.hostName) -> Bool {
        guard host == localHost, pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// As `isDead`, for a host given by its tag.
    public static func isDead(hostTag: String, pid: Int32) -> Bool {
        guard hostTag == Self.hostTag(ProcessInfo.processInfo.hostName), pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// "run 1a2b3c4d (pid 4242 on host h, started 2026-12-05T12:00:00Z)".
    public var description: String {
        let date = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(started)))
        return "run \(runID) (pid \(pid) on host \(host), started \(date))"
    }
}
