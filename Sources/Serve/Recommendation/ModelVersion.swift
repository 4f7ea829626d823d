#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Features
import TabularIO

/// A short, stable name for a model file, recorded beside every recommendation: `rf-` and the
/// eight hex digits of the file's CRC-32, which the model format stores in its trailer (the
/// checksum of every byte before it: models/FORMAT.md). The same model always serialises to the
/// same bytes, so retraining with the same data, parameters, seed and date gives the same version,
/// and any other change gives another one (up to CRC-32 collisions, 1 in 4·10⁹).
/// Cost: reading the file's last 8 bytes.
public struct ModelVersion: Sendable, Equatable, CustomStringConvertible {
    public let checksum: UInt32

    public init(checksum: UInt32) {
        self.checksum = checksum
    }

    /// Reads the trailer of the model file at `path` (a file `ForestModel.load` accepted).
    public init(modelFile path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var trailer = [UInt8](repeating: 0, count: 8)
        let size = lseek(fd, 0, SEEK_END)
        let got = size >= 8 ? trailer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 8, size - 8) } : -1
        guard got == 8, Array(trailer[4..<8]) == Array("END.".utf8) else {
            throw FileError(path: path, operation: "read the model trailer of", errno: EINVAL)
        }
        checksum = UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24
    }

    /// `rf-` followed by the checksum as eight lowercase hex digits.
    public var description: String {
        let hex = String(checksum, radix: 16)
        return "rf-" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
