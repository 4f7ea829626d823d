import Foundation

/// A ClickHouse server of the test's own, started with scripts/clickhouse on a free port in a
/// temporary folder, for fault tests that kill the server (`kill -9`) and start it again on the
/// same data. `stop()` ends it (by the pid it recorded) and removes the folder.
public final class ThrowawayClickHouseServer: @unchecked Sendable {
    public let directory: String
    public private(set) var port = 0
    public var url: String { "http://127.0.0.1:\(port)" }

    /// scripts/clickhouse of this checkout.
    static let script = ServiceScript.path("clickhouse")

    /// Starts a server on a free port (tries up to 20 random ports below the ephemeral range: `LoopbackPorts`).
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("restock-ch-\(UUID().uuidString)").path
        for _ in 0..<20 {
            let candidate = LoopbackPorts.randomBase()
            let (status, messages) = try Self.runScript(["start", "--port", String(candidate), "--dir", directory])
            if status == 0 {
                port = candidate
                return
            }
            if status != 3 { throw ServerError(message: "scripts/clickhouse start exited with \(status): \(messages)") }
        }
        throw ServerError(message: "no free port found")
    }

    /// SIGKILL to the server process: no shutdown, as in a crash.
    public func killHard() throws {
        let text = try String(contentsOfFile: directory + "/server.pid", encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ServerError(message: "no pid in \(directory)/server.pid")
        }
        kill(pid, SIGKILL)
        // Wait until the process is gone (kill(pid, 0) fails) so the port and the lock are free.
        for _ in 0..<200 where kill(pid, 0) == 0 { usleep(25_000) }
    }

    /// A clean restart: scripts/clickhouse stop (SIGTERM, waits for the exit) and start again on the
    /// same port and data folder. False when the server did not exit within scripts/clickhouse's 20 s
    /// and was killed (SIGKILL) instead.
    @discardableResult
    public func restartCleanly() throws -> Bool {
        let (status, messages) = try Self.runScript(["stop", "--dir", directory])
        if status != 0 { throw ServerError(message: "scripts/clickhouse stop exited with \(status): \(messages)") }
        try restart()
        return !messages.contains("sending SIGKILL")
    }

    /// True when a clickhouse-server binary is installed (CLICKHOUSE_SERVER, PATH or /usr/sbin), so
    /// that a test can start a server of its own.
    public static var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["CLICKHOUSE_SERVER"], !given.isEmpty { return FileManager.default.isExecutableFile(atPath: given) }
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin"]
        return folders.contains { FileManager.default.isExecutableFile(atPath: $0 + "/clickhouse-server") }
    }

    public static let skipReason = "clickhouse-server is not installed, so the fault tests that start their own server are skipped"

    /// Starts the server again on the same port and data folder ("port in use" is tried again for up
    /// to ~15 s: `LoopbackPorts.retryingWhileBusy`).
    public func restart() throws {
        let (status, messages) = try LoopbackPorts.retryingWhileBusy {
            try Self.runScript(["start", "--port", String(port), "--dir", directory])
        }
        if status != 0 { throw ServerError(message: "scripts/clickhouse start (restart) exited with \(status): \(messages)") }
    }

    /// Ends the server (SIGKILL: its data is thrown away anyway, and a SIGTERM'd 18.16 waits up to
    /// 20 s for the test's idle keep-alive connections) and removes its folder.
    public func stop() {
        try? killHard()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs scripts/clickhouse; returns its exit status and what it wrote to stderr (`ServiceScript`).
    static func runScript(_ arguments: [String]) throws -> (Int32, String) {
        try ServiceScript.run(script, arguments)
    }

    public struct ServerError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "throw-away ClickHouse server: \(message)" }
    }
}
