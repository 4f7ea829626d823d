#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the bytes written to an output path end up, decided once before writing:
/// - a symbolic link is followed (a chain too, up to 40 links) and its target is written, so the
///   link stays a link; a dangling link's target is created;
/// - a regular file, or nothing yet, is written under a temporary name in the same folder and
///   renamed into place (`isStream` false);
/// - a device, a named pipe or a socket (/dev/null, /dev/full, a FIFO) is written in place, never
///   replaced (`isStream` true);
/// - a folder is refused (EISDIR).
public struct OutputDestination: Equatable, Sendable {
    /// The path written or renamed to, links followed.
    public let path: String
    /// True for a device, a FIFO or a socket: written in place.
    public let isStream: Bool

    /// Resolves `path` as described above. Throws `FileError` for a folder or a link loop.
    public init(_ path: String) throws {
        var current = path
        var links = 0
        while true {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { break }
            links += 1
            if links > 40 { throw FileError(path: path, operation: "follow the links of", errno: ELOOP) }
            guard let target = Self.readLink(current) else { throw FileError(path: current, operation: "read the link", errno: errno) }
            current = target.hasPrefix("/") ? target : Self.folder(of: current) + "/" + target
        }
        var info = stat()
        if stat(current, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { throw FileError(path: path, operation: "write", errno: EISDIR) }
            isStream = kind != S_IFREG
        } else {
            isStream = false
        }
        self.path = current
    }

    /// A fresh temporary name beside `path`: `.<name>.<pid>.<random>.partial` in the same folder (so
    /// the rename stays on one file system), unique per process and per writer, hidden from `ls`.
    public func temporaryPath() -> String {
        var name = Self.lastComponent(of: path)
        if name.utf8.count > 180 { name = String(decoding: name.utf8.prefix(180), as: UTF8.self) }
        let random = String(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF, radix: 16)
        return Self.folder(of: path) + "/." + name + ".\(getpid()).\(random).partial"
    }

    /// The folder part of `path` ("." for a bare name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "" : String(path[..<slash])
    }

    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { readlink(path, $0.baseAddress!, $0.count) }
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n], as: UTF8.self)
    }
}
