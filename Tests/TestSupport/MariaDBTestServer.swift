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
            let candidate = Int.random(in: 20000..<50000)
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
    /// posix_spawn and waitpid, with an empty signal mask, as `ThrowawayClickHouseServer` does:
    /// Foundation's `Process` never saw scripts/mariadb exit (the server it leaves running?), and
    /// a server spawned with the test runner's blocked signals would ignore SIGTERM.
    static func run(_ program: String, _ arguments: [String]) throws -> (Int32, String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("restock-mariadb-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        if spawned != 0 { throw ServerError(message: "cannot run \(program): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    public struct ServerError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "MariaDB test server: \(message)" }
    }
}
