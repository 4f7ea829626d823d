#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Tabular

/// A CSV matrix read as a stream of row chunks, in bounded memory: the same files as `MatrixCSV`
/// (same header rules and line parser, `MatrixCSVLayout`), but from a file or a pipe (`-` is
/// standard input), `maxRows` rows at a time.
///
/// The header is read when the stream is opened, so a caller can check `layout` (feature schema,
/// keys, target) before any row is parsed. Each `next` call takes the next lines from a
/// `LineChunkReader`, numbers them (the header is line 1; empty lines count but give no row), then
/// parses the rows straight into a column-major chunk, split over `threads` contiguous row ranges.
/// An error names the stream, the line number, the column and the value, and is the first one in
/// line order whatever the thread count. Memory: the chunk (4 bytes × rows × columns) plus its
/// text; cost O(bytes).
public final class MatrixCSVStream {
    /// The name used in errors: the path, or `<stdin>`.
    public let name: String
    public let layout: MatrixCSVLayout
    /// Data rows returned so far.
    public private(set) var rowsRead = 0
    /// Lines consumed so far, the header included.
    public private(set) var linesRead = 1
    private let reader: LineChunkReader
    private var lineStarts: [Int] = []
    private var lineEnds: [Int] = []

    public static let standardInputName = "<stdin>"

    /// Opens `path` (`-` = standard input) and reads its header. `targetName` names the column to
    /// treat as the target (not a feature), as in `MatrixCSV.read`.
    public convenience init(path: String, targetName: String?, bufferSize: Int = 1 << 22) throws {
        if path == "-" {
            try self.init(fileDescriptor: 0, name: MatrixCSVStream.standardInputName, ownsDescriptor: false,
                          targetName: targetName, bufferSize: bufferSize)
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(path: path, operation: "open", errno: errno) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FileError(path: path, operation: "read", errno: EISDIR)
        }
        try self.init(fileDescriptor: fd, name: path, ownsDescriptor: true, targetName: targetName, bufferSize: bufferSize)
    }

    /// Reads from an open descriptor; closes it at deinit when `ownsDescriptor`.
    public init(fileDescriptor: Int32, name: String, ownsDescriptor: Bool, targetName: String?,
                bufferSize: Int = 1 << 22) throws {
        self.name = name
        reader = LineChunkReader(fileDescriptor: fileDescriptor, name: name, ownsDescriptor: ownsDescriptor,
                                 bufferSize: bufferSize)
        var starts: [Int] = [], ends: [Int] = []
        guard try reader.readLines(max: 1, starts: &starts, ends: &ends) == 1 else {
            throw MatrixFileError(path: name, line: 1, reason: "the input is empty (a header line is needed)")
        }
        layout = try MatrixCSVLayout(header: UnsafeBufferPointer(start: reader.bytes + starts[0], count: ends[0] - starts[0]),
                                     path: name, targetName: targetName)
    }

    public var schema: FeatureSchema { layout.schema }

    /// The next chunk of at most `maxRows` rows, or nil at the end of the input. Rows keep input
    /// order; the target is NaN when the input has no target column.
    public func next(maxRows: Int, threads: Int = 1) throws -> LabelledMatrix? {
        precondition(maxRows > 0, "MatrixCSVStream: maxRows must be positive")
        var rowStart: [Int] = [], rowEnd: [Int] = [], rowLine: [Int] = []
        rowStart.reserveCapacity(maxRows)
        rowEnd.reserveCapacity(maxRows)
        rowLine.reserveCapacity(maxRows)
        while rowStart.isEmpty {
            lineStarts.removeAll(keepingCapacity: true)
            lineEnds.removeAll(keepingCapacity: true)
            let lines = try reader.readLines(max: maxRows, starts: &lineStarts, ends: &lineEnds)
            if lines == 0 { return nil }
            let bytes = reader.bytes
            for i in 0..<lines {
                linesRead += 1
                let s = lineStarts[i]
                var e = lineEnds[i]
                if e > s && bytes[e - 1] == 13 { e -= 1 }
                if e > s {
                    rowStart.append(s)
                    rowEnd.append(e)
                    rowLine.append(linesRead)
                }
            }
        }
        let chunk = try parse(rowStart: rowStart, rowEnd: rowEnd, rowLine: rowLine, threads: threads)
        rowsRead += chunk.rowCount
        return chunk
    }

    private func parse(rowStart: [Int], rowEnd: [Int], rowLine: [Int], threads: Int) throws -> LabelledMatrix {
        let rows = rowStart.count
        let featureCount = layout.schema.count, keyCount = layout.keyNames.count
        var values = [Float](repeating: .nan, count: rows * featureCount)
        var target = [Float](repeating: .nan, count: rows)
        var keyValues = [Int32](repeating: 0, count: rows * keyCount)
        let workers = max(1, min(threads, rows / 1024))
        var failures = [MatrixFileError?](repeating: nil, count: workers)
        parseRows(rowCount: rows, rowStart: rowStart, rowEnd: rowEnd, rowLine: rowLine,
                  intoValues: &values, target: &target, keys: &keyValues, failures: &failures, workers: workers)
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        let keys = (0..<keyCount).map { k in Array(keyValues[(k * rows)..<((k + 1) * rows)]) }
        return LabelledMatrix(features: FeatureMatrix(rowCount: rows, schema: layout.schema, values: values),
                              keys: RowKeys(names: layout.keyNames, columns: keys), target: target,
                              targetName: layout.targetName)
    }

    /// Parses row r from the line between `rowStart[r]` and `rowEnd[r]` of the reader's buffer into
    /// the column-major outputs; rows split into `workers` contiguous ranges. Worker w stops at its
    /// first bad line and leaves the error in `failures[w]`. Cost O(bytes of the rows).
    private func parseRows(
        rowCount rows: Int, rowStart: UnsafePointer<Int>, rowEnd: UnsafePointer<Int>, rowLine: UnsafePointer<Int>,
        intoValues values: UnsafeMutablePointer<Float>, target: UnsafeMutablePointer<Float>,
        keys: UnsafeMutablePointer<Int32>, failures: UnsafeMutablePointer<MatrixFileError?>, workers: Int
    ) {
        let layout = self.layout, name = self.name
        let bytes = UnsafeColumn(reading: reader.bytes, count: rows > 0 ? rowEnd[rows - 1] : 0)
        let rowStart = UnsafeColumn(reading: rowStart, count: rows)
        let rowEnd = UnsafeColumn(reading: rowEnd, count: rows)
        let rowLine = UnsafeColumn(reading: rowLine, count: rows)
        let values = UnsafeColumn(writing: values, count: rows * layout.schema.count)
        let target = UnsafeColumn(writing: target, count: rows)
        let keys = UnsafeColumn(writing: keys, count: rows * layout.keyNames.count)
        let failures = UnsafeColumn(writing: failures, count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let base = UnsafePointer(bytes.buffer.baseAddress!)
            for r in (w * rows / workers)..<((w + 1) * rows / workers) {
                do throws(MatrixFileError) {
                    try layout.parseLine(base + rowStart[r], base + rowEnd[r], line: rowLine[r], path: name, row: r,
                                         stride: rows, values: values.buffer, target: target.buffer, keys: keys.buffer)
                } catch {
                    failures[w] = error
                    return
                }
            }
        }
    }
}
