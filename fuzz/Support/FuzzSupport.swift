#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers shared by the fuzz targets (compiled into each target binary, never into the package).
enum FuzzSupport {
    /// A private scratch folder for targets whose reader only takes paths: `$TMPDIR` (scripts/fuzz
    /// points it under .build-fuzz) plus a per-process folder, made once.
    static let scratch: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/restock-fuzz.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "cannot create a scratch folder under \(base)")
        return String(cString: made!)
    }()

    /// Writes `bytes` to `path` (created or truncated); traps on an I/O error, which is the
    /// harness's fault, not the reader's.
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        var done = 0
        while done < bytes.count {
            let n = posixWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            precondition(n > 0, "cannot write \(path)")
            done += n
        }
        close(fd)
    }

    /// Splits `bytes` at every `separator` byte (a fuzz input holding several files).
    static func split(_ bytes: UnsafeRawBufferPointer, separator: UInt8, parts: Int) -> [UnsafeRawBufferPointer] {
        var result: [UnsafeRawBufferPointer] = []
        var start = 0
        for i in 0..<bytes.count where bytes[i] == separator && result.count < parts - 1 {
            result.append(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            start = i + 1
        }
        result.append(UnsafeRawBufferPointer(rebasing: bytes[start...]))
        while result.count < parts { result.append(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return result
    }

    /// Whether two Float arrays hold the same bits (NaN equal to NaN).
    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }
}

private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
