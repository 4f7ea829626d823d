#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Tabular

/// A labelled matrix in a compact little-endian binary file (models/FORMAT.md, "Matrix files"):
///
///     "RSTKMAT1"                      8 bytes
///     UInt32 H                        length of the JSON header
///     H bytes of JSON                 {"rows": n, "features": [names], "keys": [names], "target": name or null}
///     key columns                     Int32 × n per key, in "keys" order
///     feature columns                 Float32 × n per feature, column-major, in "features" order (NaN = missing)
///     target                          Float32 × n, only when "target" is not null (NaN = unknown)
///
/// Columns are read straight into the arrays of the matrix (no intermediate copy), so reading costs
/// one pass over the file and no memory beyond the matrix.
public enum MatrixBinary {
    public static let magic = Array("RSTKMAT1".utf8)

    struct Header: Codable {
        var rows: Int
        var features: [String]
        var keys: [String]
        var target: String?
    }

    /// True when the file starts with the binary matrix magic.
    public static func isBinaryMatrix(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        return Array(head) == magic
    }

    public static func read(path: String) throws -> LabelledMatrix {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(path: path, operation: "open", errno: errno) }
        defer { closeDescriptor(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw FileError(path: path, operation: "stat", errno: errno) }
        let size = Int(info.st_size)
        var prefix = [UInt8](repeating: 0, count: 12)
        try readExactly(fd, &prefix, path: path, what: "the file header")
        guard Array(prefix[0..<8]) == magic else {
            throw MatrixFileError(path: path, reason: "not a binary matrix file (it does not start with RSTKMAT1)")
        }
        let headerLength = Int(UInt32(prefix[8]) | UInt32(prefix[9]) << 8 | UInt32(prefix[10]) << 16 | UInt32(prefix[11]) << 24)
        guard headerLength <= size - 12 else { throw MatrixFileError(path: path, reason: "truncated: the JSON header is cut off") }
        var json = [UInt8](repeating: 0, count: headerLength)
        try readExactly(fd, &json, path: path, what: "the JSON header")
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json))
        } catch {
            throw MatrixFileError(path: path, reason: "the JSON header is not valid: \(error)")
        }
        let n = header.rows
        let expected = 12 + headerLength + 4 * n * (header.keys.count + header.features.count + (header.target == nil ? 0 : 1))
        guard n >= 0, size == expected else {
            throw MatrixFileError(path: path, reason: size < expected
                ? "truncated: \(size) bytes where the header announces \(expected)"
                : "\(size - expected) bytes after the last column")
        }
        var keys: [[Int32]] = []
        for _ in header.keys {
            var column = [Int32](repeating: 0, count: n)
            try column.withUnsafeMutableBytes { try readExactly(fd, $0, path: path, what: "a key column") }
            keys.append(column.map { Int32(littleEndian: $0) })
        }
        var values = [Float](repeating: 0, count: n * header.features.count)
        try values.withUnsafeMutableBytes { try readExactly(fd, $0, path: path, what: "the feature columns") }
        var target = [Float](repeating: .nan, count: n)
        if header.target != nil {
            try target.withUnsafeMutableBytes { try readExactly(fd, $0, path: path, what: "the target column") }
        }
        let features = FeatureMatrix(rowCount: n, schema: FeatureSchema(names: header.features), values: values)
        return LabelledMatrix(features: features, keys: RowKeys(names: header.keys, columns: keys), target: target,
                              targetName: header.target ?? "y")
    }

    /// Writes `matrix` (atomically); `includeTarget: false` leaves the target out.
    public static func write(_ matrix: LabelledMatrix, to path: String, includeTarget: Bool = true) throws {
        let header = Header(rows: matrix.rowCount, features: matrix.features.schema.names, keys: matrix.keys.names,
                            target: includeTarget ? matrix.targetName : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        let writer = try AtomicFileWriter.opening(path)
        try magic.withUnsafeBytes { try writer.write($0) }
        try withUnsafeBytes(of: UInt32(json.count).littleEndian) { try writer.write($0) }
        try json.withUnsafeBytes { try writer.write($0) }
        for column in matrix.keys.columns {
            try column.map { $0.littleEndian }.withUnsafeBytes { try writer.write($0) }
        }
        try matrix.features.values.withUnsafeBytes { try writer.write($0) }
        if includeTarget { try matrix.target.withUnsafeBytes { try writer.write($0) } }
        try writer.commit()
    }

    private static func readExactly(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, path: String, what: String) throws {
        var done = 0
        while done < buffer.count {
            let got = posixRead(fd, buffer.baseAddress! + done, buffer.count - done)
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", errno: errno)
            }
            if got == 0 { throw MatrixFileError(path: path, reason: "truncated in \(what)") }
            done += got
        }
    }

    private static func readExactly(_ fd: Int32, _ bytes: inout [UInt8], path: String, what: String) throws {
        try bytes.withUnsafeMutableBytes { try readExactly(fd, $0, path: path, what: what) }
    }
}

@inline(__always)
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

@inline(__always)
private func closeDescriptor(_ fd: Int32) { close(fd) }
