import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files this process is writing (the `.partial` files of `AtomicFileWriter`, the
/// CLI's copies of standard input), so that an interrupted process can remove them before it dies.
///
/// Creating, publishing (renaming into place) and removing all hold one lock, so a file is either
/// published whole or removed, never both half-way. `removeAllForExit()` removes every recorded file
/// and closes the registry: creating or publishing a file afterwards throws (EINTR), so nothing new
/// appears and no output is replaced while the process exits. This type installs no signal handler:
/// the executable decides (the `restock` CLI calls `removeAllForExit()` on SIGINT and SIGTERM).
/// Cost: one lock per call, a set of paths as long as the number of open writers.
public final class TemporaryFiles: @unchecked Sendable {
    /// The registry of the process.
    public static let shared = TemporaryFiles()

    private let lock = NSLock()
    private var paths: Set<String> = []
    private var closed = false

    public init() {}

    /// The files recorded now (for tests and messages).
    public var recorded: [String] {
        lock.lock()
        defer { lock.unlock() }
        return paths.sorted()
    }

    /// Creates `path` exclusively (`O_CREAT | O_EXCL`, so an existing file is never reused or
    /// truncated), opens it for writing and records it. Returns the descriptor.
    public func create(_ path: String, mode: mode_t = 0o644) throws -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if closed { throw FileError(path: path, operation: "create", errno: EINTR) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 { throw FileError(path: path, operation: "create", errno: errno) }
        paths.insert(path)
        return fd
    }

    /// Records a file created elsewhere (say by `mkstemp`), to be removed on `removeAllForExit()`.
    public func record(_ path: String) {
        lock.lock()
        if closed { unlink(path) } else { paths.insert(path) }
        lock.unlock()
    }

    /// Removes `path` from disk and from the record (a writer abandoned, a copy no longer needed).
    public func remove(_ path: String) {
        lock.lock()
        unlink(path)
        paths.remove(path)
        lock.unlock()
    }

    /// Renames each recorded temporary file to its destination, in order, and forgets it; all under
    /// one hold of the lock, so an interruption sees either none or all of them renamed. The
    /// destinations' folders are also locked (`flock`) for the renames, so that two processes
    /// publishing groups into one folder (two `generate --out D`) do not interleave their renames:
    /// the folder ends with one whole group. Stops at the first failed rename and throws it (the
    /// files not renamed stay recorded).
    public func publish(_ moves: [(temporary: String, destination: String)]) throws {
        lock.lock()
        defer { lock.unlock() }
        let folders = Set(moves.map { OutputDestination.folder(of: $0.destination) }).sorted()
        let locks = folders.compactMap { folder -> Int32? in
            let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            return fd
        }
        defer { for fd in locks { close(fd) } }
        if closed, let first = moves.first {
            throw FileError(path: first.destination, operation: "rename to", errno: EINTR)
        }
        for move in moves {
            if rename(move.temporary, move.destination) != 0 {
                throw FileError(path: move.destination, operation: "rename to", errno: errno)
            }
            paths.remove(move.temporary)
        }
    }

    /// Removes every recorded file and closes the registry, so that no temporary file is created
    /// or renamed into place afterwards: for a process about to exit. Returns how many files were
    /// removed.
    @discardableResult
    public func removeAllForExit() -> Int {
        lock.lock()
        defer { lock.unlock() }
        closed = true
        var removed = 0
        for path in paths where unlink(path) == 0 { removed += 1 }
        paths.removeAll()
        return removed
    }
}
