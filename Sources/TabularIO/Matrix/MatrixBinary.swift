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

    /// Reads the binary matrix file at `path` (see the type's documentation). Every count in the
    /// header is checked against the file's size before anything is allocated, and infinite values
    /// are refused (NaN is a missing value; an infinite one is an error naming its row and column).
    public static func read(path: String) throws -> LabelledMatrix {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(path: path, operation: "open", errno: errno) }
        defer { closeDescriptor(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw FileError(path: path, operation: "stat", errno: errno) }
        var source = DescriptorSource(fd: fd, path: path, size: Int(info.st_size))
        return try read(&source, path: path)
    }

    /// Reads a binary matrix from bytes in memory (as `read(path:)`; `path` is only used in errors).
    /// The entry point for tests and fuzzing.
    public static func read(bytes: [UInt8], path: String = "<bytes>") throws -> LabelledMatrix {
        var source = MemorySource(bytes: bytes)
        return try read(&source, path: path)
    }

    static func read<S: MatrixByteSource>(_ source: inout S, path: String) throws -> LabelledMatrix {
        let size = source.size
        var prefix = [UInt8](repeating: 0, count: min(size, 12))
        try source.readExactly(&prefix, path: path, what: "the file header")
        guard prefix.count >= 8, Array(prefix[0..<8]) == magic else {
            let what = EchoedValue.binaryFormat(of: prefix).map { "; it looks like \($0)" } ?? ""
            throw MatrixFileError(path: path, reason: "not a binary matrix file (it does not start with RSTKMAT1\(what))")
        }
        guard prefix.count == 12 else { throw MatrixFileError(path: path, reason: "truncated: the header length is cut off") }
        let headerLength = Int(UInt32(prefix[8]) | UInt32(prefix[9]) << 8 | UInt32(prefix[10]) << 16 | UInt32(prefix[11]) << 24)
        guard headerLength <= size - 12 else {
            throw MatrixFileError(path: path, reason: "truncated: the JSON header of \(headerLength) bytes is cut off (\(size) bytes in all)")
        }
        var json = [UInt8](repeating: 0, count: headerLength)
        try source.readExactly(&json, path: path, what: "the JSON header")
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json))
        } catch {
            throw MatrixFileError(path: path, value: EchoedValue.text(json), reason: "the JSON header is not valid")
        }
        let n = header.rows
        let columns = header.keys.count + header.features.count + (header.target == nil ? 0 : 1)
        guard n >= 0 else { throw MatrixFileError(path: path, reason: "the header announces \(n) rows") }
        // 4 bytes per value: checked arithmetic, so that "rows": 2^62 is an error, not an overflow trap.
        let (cells, o1) = n.multipliedReportingOverflow(by: columns)
        let (columnBytes, o2) = cells.multipliedReportingOverflow(by: 4)
        let expected = o1 || o2 ? Int.max : 12 + headerLength + min(columnBytes, Int.max - 12 - headerLength)
        guard size == expected else {
            throw MatrixFileError(path: path, reason: size < expected
                ? "truncated: \(size) bytes where the header announces \(n) rows × \(columns) columns"
                    + (expected == Int.max ? " (more than any file holds)" : " (\(expected) bytes)")
                : "\(size - expected) bytes after the last column")
        }
        var keys: [[Int32]] = []
        for _ in header.keys {
            var column = [Int32](repeating: 0, count: n)
            try column.withUnsafeMutableBytes { try source.readExactly($0, path: path, what: "a key column") }
            keys.append(column.map { Int32(littleEndian: $0) })
        }
        var values = [Float](repeating: 0, count: n * header.features.count)
        try values.withUnsafeMutableBytes { try source.readExactly($0, path: path, what: "the feature columns") }
        var target = [Float](repeating: .nan, count: n)
        if header.target != nil {
            try target.withUnsafeMutableBytes { try source.readExactly($0, path: path, what: "the target column") }
        }
        if let i = values.firstIndex(where: { $0.isInfinite }) {
            throw MatrixFileError(path: path, column: header.features[i / max(n, 1)], value: "\(values[i])",
                                  reason: "row \(i % max(n, 1) + 1) holds an infinite value (NaN is missing; infinity is not allowed)")
        }
        if let r = target.firstIndex(where: { $0.isInfinite }) {
            throw MatrixFileError(path: path, column: header.target, value: "\(target[r])",
                                  reason: "row \(r + 1) holds an infinite target (NaN is unknown; infinity is not allowed)")
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
}

/// Where the bytes of a binary matrix come from: a file descriptor or memory.
protocol MatrixByteSource {
    var size: Int { get }
    /// Fills `buffer` completely or throws (a short read is a truncated file).
    mutating func readExactly(_ buffer: UnsafeMutableRawBufferPointer, path: String, what: String) throws
}

extension MatrixByteSource {
    mutating func readExactly(_ bytes: inout [UInt8], path: String, what: String) throws {
        try bytes.withUnsafeMutableBytes { try readExactly($0, path: path, what: what) }
    }
}

struct MemorySource: MatrixByteSource {
    let bytes: [UInt8]
    var offset = 0
    var size: Int { bytes.count }

    mutating func readExactly(_ buffer: UnsafeMutableRawBufferPointer, path: String, what: String) throws {
        guard buffer.count <= bytes.count - offset else { throw MatrixFileError(path: path, reason: "truncated in \(what)") }
        if buffer.count > 0 {
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: buffer.count) }
        }
        offset += buffer.count
    }
}

struct DescriptorSource: MatrixByteSource {
    let fd: Int32
    let path: String
    let size: Int

    mutating func readExactly(_ buffer: UnsafeMutableRawBufferPointer, path: String, what: String) throws {
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
}

@inline(__always)
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

@inline(__always)
private func closeDescriptor(_ fd: Int32) { close(fd) }
