import Foundation

/// The MariaDB server of the catalog tests: the one scripts/test started (`RESTOCK_MYSQL_URL`,
/// `mysql://root@127.0.0.1:PORT`), else one of the test's own started with scripts/mariadb on a
/// free port in a temporary folder (`stop()` kills it and removes the folder). Tests skip only when
/// neither is possible: `.enabled(if: MariaDBTestServer.isAvailable, Comment(rawValue: MariaDBTestServer.skipReason))`.
public final class MariaDBTestServer: @unchecked Sendable {
    public let port: Int
    /// The folder of a server this object started; nil for scripts/test's server.
    let directory: String?

    /// `mysql://root@127.0.0.1:PORT` (root has no password on these servers).
    public var rootURL: String { "mysql://root@127.0.0.1:\(port)" }

    static let givenURL = ProcessInfo.processInfo.environment["RESTOCK_MYSQL_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// scripts/mariadb of this checkout (found from this file's path).
    static let script: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("scripts/mariadb").path
    }()

    public static var isAvailable: Bool {
        givenURL != nil || ["/usr/sbin/mariadbd", "/usr/bin/mariadbd", "/usr/local/sbin/mariadbd"].contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    public static let skipReason =
        "mariadbd is not installed and RESTOCK_MYSQL_URL is not set, so the MySQL catalog tests are skipped (apt-get install mariadb-server)"

    /// scripts/test's server when RESTOCK_MYSQL_URL is set, else a new one (up to 20 random ports).
    public init() throws {
        if let given = Self.givenURL {
            guard let colon = given.lastIndex(of: ":"), let port = Int(given[given.index(after: colon)...].prefix { $0.isNumber }) else {
                throw ServerError(message: "RESTOCK_MYSQL_URL has no port")
            }
            self.port = port
            directory = nil
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("restock-mariadb-\(UUID().uuidString)").path
        for _ in 0..<20 {
            let candidate = LoopbackPorts.randomBase()
            let (status, output) = try Self.run(Self.script, ["start", "--port", String(candidate), "--dir", folder])
            if status == 0 {
                port = candidate
                directory = folder
                return
            }
            if status != 3 { throw ServerError(message: "scripts/mariadb start exited with \(status): \(output)") }
        }
        throw ServerError(message: "no free port found")
    }

    /// Kills a server this object started (SIGKILL: its data is thrown away) and removes its folder;
    /// nothing for scripts/test's server.
    public func stop() {
        guard let directory else { return }
        if let text = try? String(contentsOfFile: directory + "/server.pid", encoding: .utf8),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
            for _ in 0..<200 where kill(pid, 0) == 0 { usleep(25_000) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `statements` as root with the `mariadb` client (utf8mb4); throws with its messages on failure.
    public func execute(_ statements: String) throws {
        let (status, output) = try Self.run("/usr/bin/env", [
            "mariadb", "--no-defaults", "--default-character-set=utf8mb4", "--protocol=TCP", "-h", "127.0.0.1",
            "-P", String(port), "-u", "root", "-e", statements])
        if status != 0 { throw ServerError(message: "mariadb exited with \(status): \(output)") }
    }

    /// scripts/mariadb load-catalog: database `database` holding `data`'s three catalog files.
    public func loadCatalog(data: String, database: String) throws {
        let (status, output) = try Self.run(Self.script, ["load-catalog", "--port", String(port), "--data", data, "--database", database])
        if status != 0 { throw ServerError(message: "scripts/mariadb load-catalog exited with \(status): \(output)") }
    }

    /// Drops `database` (best effort).
    public func drop(_ database: String) {
        try? execute("DROP DATABASE IF EXISTS `\(database)`")
    }

    /// Runs a program to its end; returns its exit status and what it wrote (stdout and stderr).
    /// Through `ServiceScript.run` (posix_spawn with an empty signal mask): Foundation's `Process`
    /// never saw scripts/mariadb exit, and a server spawned with the test runner's blocked signals
    /// would ignore SIGTERM.
    static func run(_ program: String, _ arguments: [String]) throws -> (Int32, String) {
        do {
            return try ServiceScript.run(program, arguments, capturingStandardOutput: true)
        } catch let error as ServiceScript.ScriptError {
            throw ServerError(message: error.message)
        }
    }

    public struct ServerError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "MariaDB test server: \(message)" }
    }
}
