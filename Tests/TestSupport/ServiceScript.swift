import Foundation

/// Runs one of the repository's service scripts (scripts/clickhouse, scripts/nats, scripts/mariadb)
/// or another program to its end, and returns its exit status and what it wrote to stderr (and to
/// stdout too with `capturingStandardOutput`).
public enum ServiceScript {
    /// The path of `scripts/<name>` of this checkout (found from this file's path).
    public static func path(_ name: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("scripts/" + name).path
    }

    /// Spawned with an empty signal mask and default signal actions: the test runner blocks SIGTERM
    /// among others, and a server that inherited that mask would ignore the script's `stop` (SIGTERM).
    public static func run(_ script: String, _ arguments: [String], capturingStandardOutput: Bool = false) throws -> (Int32, String) {
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("restock-script-\(UUID().uuidString).err").path
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capturingStandardOutput {
            posix_spawn_file_actions_addopen(&actions, 1, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([script] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, script, &actions, &attributes, argv, environ)
        if spawned != 0 { throw ScriptError(message: "cannot run \(script): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let messages = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), messages)
    }

    public struct ScriptError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
