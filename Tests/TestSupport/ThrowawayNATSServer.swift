import Foundation

/// A nats-server with JetStream of the test's own, started with scripts/nats on a free port in a
/// temporary folder (its file store in `<folder>/js`), for tests that stop and restart the server.
/// `stop()` ends it and removes the folder.
public final class ThrowawayNATSServer: @unchecked Sendable {
    public let directory: String
    public private(set) var port = 0
    public var url: String { "nats://127.0.0.1:\(port)" }

    static let script = ServiceScript.path("nats")

    /// Starts a server on a free port (tries up to 20 random ports below the ephemeral range, `LoopbackPorts`; the port
    /// after it is the monitoring port and must be free too).
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("restock-nats-\(UUID().uuidString)").path
        for _ in 0..<20 {
            let candidate = LoopbackPorts.randomBase(span: 2)
            let (status, messages) = try ServiceScript.run(Self.script, ["start", "--port", String(candidate), "--dir", directory])
            if status == 0 {
                port = candidate
                return
            }
            if status != 3 { throw ServiceScript.ScriptError(message: "scripts/nats start exited with \(status): \(messages)") }
        }
        throw ServiceScript.ScriptError(message: "scripts/nats: no free port found")
    }

    /// True when a nats-server binary is installed (NATS_SERVER, PATH or /usr/bin).
    public static var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["NATS_SERVER"], !given.isEmpty { return FileManager.default.isExecutableFile(atPath: given) }
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin"]
        return folders.contains { FileManager.default.isExecutableFile(atPath: $0 + "/nats-server") }
    }

    public static let skipReason = "nats-server is not installed, so the tests against a real NATS JetStream are skipped"

    /// scripts/nats stop (SIGTERM: the server syncs its file store and exits).
    public func stopServer() throws {
        let (status, messages) = try ServiceScript.run(Self.script, ["stop", "--dir", directory])
        if status != 0 { throw ServiceScript.ScriptError(message: "scripts/nats stop exited with \(status): \(messages)") }
    }

    /// Starts the server again on the same port and store ("port in use" is tried again for ~15 s).
    public func restart() throws {
        let (status, messages) = try LoopbackPorts.retryingWhileBusy {
            try ServiceScript.run(Self.script, ["start", "--port", String(port), "--dir", directory])
        }
        if status != 0 { throw ServiceScript.ScriptError(message: "scripts/nats start (restart) exited with \(status): \(messages)") }
    }

    /// Ends the server and removes its folder.
    public func stop() {
        try? stopServer()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The NATS server of a test: `RESTOCK_NATS_URL` (scripts/test starts one) when set, else a
/// `ThrowawayNATSServer` of the test's own for the duration of `body`. Tests sharing a server use
/// stream and subject names of their own (`NATSTestServer.uniqueName`).
public enum NATSTestServer {
    public static let url: String? = ProcessInfo.processInfo.environment["RESTOCK_NATS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static var isAvailable: Bool { url != nil || ThrowawayNATSServer.isAvailable }
    public static let skipReason = "neither RESTOCK_NATS_URL nor a nats-server binary, so tests against NATS JetStream are skipped"

    public static func with<R>(_ body: (String) throws -> R) throws -> R {
        if let url { return try body(url) }
        let server = try ThrowawayNATSServer()
        defer { server.stop() }
        return try body(server.url)
    }

    /// A name no other test uses: `<stem><random>`, letters and digits only (a stream name and a
    /// subject token alike).
    public static func uniqueName(_ stem: String) -> String {
        stem + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }
}
