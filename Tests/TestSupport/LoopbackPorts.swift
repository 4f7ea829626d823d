import Foundation

/// Ports for the servers a test starts of its own. They are drawn below the kernel's ephemeral range
/// (`/proc/sys/net/ipv4/ip_local_port_range`, 32768–60999 on Debian): a port inside it can be taken
/// by any outgoing connection's local end while a killed server is down, and its restart then fails
/// with "address already in use" (seen in CI: a fault test's ClickHouse restarted on 47760).
public enum LoopbackPorts {
    /// The lowest port a server of a test may use.
    public static let low = 20000

    /// One past the highest: the start of the ephemeral range (32768 when it cannot be read).
    public static let high: Int = {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
              let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first,
              let start = Int(first), start > low + 1000 else { return 32768 }
        return start
    }()

    /// A random first port of a block of `span` consecutive ports that lies below the ephemeral range,
    /// aligned to `alignment` (2 for a cluster whose node K uses base + 2(K−1) and the next port).
    public static func randomBase(span: Int = 1, alignment: Int = 1) -> Int {
        let slots = (high - span - low) / alignment
        return low + Int.random(in: 0..<max(slots, 1)) * alignment
    }

    /// Runs `start` until it does not report "port in use" (exit 3), for up to `attempts` tries half a
    /// second apart: a killed server's port can stay busy for a moment while its connections close.
    public static func retryingWhileBusy(attempts: Int = 30, _ start: () throws -> (Int32, String)) rethrows -> (Int32, String) {
        var result: (Int32, String) = (3, "")
        for attempt in 0..<attempts where result.0 == 3 {
            if attempt > 0 { usleep(500_000) }
            result = try start()
        }
        return result
    }
}
