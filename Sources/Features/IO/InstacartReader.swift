import Dispatch

/// One file read by `InstacartReader`, reported to its progress callback.
public struct InstacartReadProgress: Sendable {
    public let file: String
    public let rows: Int
    public let bytes: Int
    /// Wall time spent on this file (parse and checks).
    public let seconds: Double
}

/// Reads an Instacart-layout data folder into `InstacartData`.
///
/// Each file is memory-mapped and parsed by `CSVScanner` (RFC 4180 quoting, CRLF or LF, optional
/// final newline, optional UTF-8 BOM; headers must match `InstacartLayout` exactly). Files larger
/// than `parallelThreshold` bytes (orders.csv and the order_products files at full scale) are cut at
/// line ends into `threads` parts parsed concurrently and concatenated. A file is unmapped as soon
/// as it is parsed. Cost: O(bytes), ~1 GB/s per core; peak memory ~ the largest file's bytes (mapped)
/// plus twice its columns (parts, then the final arrays).
///
/// Everything the contract of TASK.md requires is checked, and the first violation is thrown as a
/// `CSVError` (file, line, column, value) or a `DataError` (cross-row and cross-file rules).
public enum InstacartReader {
    /// Files above this size are parsed in parts.
    public static let parallelThreshold = 8 << 20

    public static func read(
        directory: String, threads: Int = 2, progress: (InstacartReadProgress) -> Void = { _ in }
    ) throws -> InstacartData {
        var data = InstacartData()
        func timed<T>(_ file: String, _ body: () throws -> (T, rows: Int, bytes: Int)) rethrows -> T {
            let start = ContinuousClock.now
            let (value, rows, bytes) = try body()
            let d = ContinuousClock.now - start
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            progress(InstacartReadProgress(file: file, rows: rows, bytes: bytes, seconds: seconds))
            return value
        }
        let reader = TableReader(directory: directory, threads: max(1, threads))
        data.aisles = try timed(InstacartLayout.aisles) {
            let (t, b) = try reader.categories(InstacartLayout.aisles, InstacartLayout.aisleColumns)
            return (t, t.count, b)
        }
        data.departments = try timed(InstacartLayout.departments) {
            let (t, b) = try reader.categories(InstacartLayout.departments, InstacartLayout.departmentColumns)
            return (t, t.count, b)
        }
        data.products = try timed(InstacartLayout.products) {
            let (t, b) = try reader.products(aisles: data.aisles, departments: data.departments)
            return (t, t.count, b)
        }
        let orderIndex: IDIndex
        (data.orders, orderIndex) = try timed(InstacartLayout.orders) {
            let (t, index, b) = try reader.orders()
            return ((t, index), t.count, b)
        }
        let productIndex = data.products.rowIndex()
        data.priorProducts = try timed(InstacartLayout.priorProducts) {
            let (t, b) = try reader.orderProducts(
                InstacartLayout.priorProducts, evalSet: .prior, orders: data.orders, orderIndex: orderIndex,
                productIndex: productIndex)
            return (t, t.count, b)
        }
        data.trainProducts = try timed(InstacartLayout.trainProducts) {
            let (t, b) = try reader.orderProducts(
                InstacartLayout.trainProducts, evalSet: .train, orders: data.orders, orderIndex: orderIndex,
                productIndex: productIndex)
            return (t, t.count, b)
        }
        return data
    }
}

/// The per-file machinery of `InstacartReader`: mapping, header, cutting into parts.
struct TableReader {
    let directory: String
    let threads: Int

    func path(_ file: String) -> String {
        directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }

    /// Maps `file` and checks its header; returns the map and the offset of the first record.
    func open(_ file: String, columns: [String]) throws -> (MappedFile, Int) {
        let mapped = try MappedFile(path: path(file), name: file, directory: directory)
        if mapped.bytes.isEmpty {
            throw CSVError(
                file: file, line: nil, column: nil, problem: .emptyFile(expectedHeader: columns.joined(separator: ",")))
        }
        var s = CSVScanner(file: file, columns: columns, bytes: mapped.bytes)
        try s.readHeader()
        return (mapped, s.p - s.fileStart)
    }

    /// Offsets cutting `bytes[from...]` into `parts` pieces, each ending just after a line feed.
    static func cuts(_ bytes: UnsafeRawBufferPointer, from: Int, parts: Int) -> [Int] {
        var cuts = [from]
        let size = bytes.count - from
        for k in 1..<max(parts, 1) {
            var c = max(from + size * k / parts, cuts[cuts.count - 1])
            while c < bytes.count && bytes[c] != 10 { c += 1 }
            cuts.append(min(c + 1, bytes.count))
        }
        cuts.append(bytes.count)
        return cuts
    }

    /// Runs `parse` over the parts of `mapped` after `headerEnd` (concurrently when the file is larger
    /// than `InstacartReader.parallelThreshold`), each part into its own state from `make(partBytes)`.
    /// Throws the error of the earliest failing part after freeing every part with `discard`.
    func parseParts<Part>(
        _ mapped: MappedFile, file: String, columns: [String], headerEnd: Int,
        make: (Int) -> Part, discard: (inout Part) -> Void,
        parse: @escaping (inout CSVScanner, inout Part) throws -> Void
    ) throws -> [Part] {
        let parts = mapped.bytes.count > InstacartReader.parallelThreshold ? threads : 1
        let cuts = Self.cuts(mapped.bytes, from: headerEnd, parts: parts)
        nonisolated(unsafe) var states = (0..<parts).map { make(cuts[$0 + 1] - cuts[$0]) }
        nonisolated(unsafe) let errors = UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: parts)
        errors.initialize(repeating: nil)
        defer { errors.deallocate() }
        nonisolated(unsafe) let bytes = mapped.bytes
        nonisolated(unsafe) let parseFn = parse
        states.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer
            let run: @Sendable (Int) -> Void = { k in
                var scanner = CSVScanner(file: file, columns: columns, bytes: bytes, from: cuts[k], to: cuts[k + 1])
                do { try parseFn(&scanner, &slots[k]) } catch { errors[k] = error }
            }
            if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
        }
        if let error = errors.lazy.compactMap({ $0 }).first {
            for k in states.indices { discard(&states[k]) }
            throw error
        }
        return states
    }

    /// The line of record `index` (0-based, after the header) of `mapped`: rescans the file, for errors.
    func line(ofRecord index: Int, in mapped: MappedFile, file: String, columns: [String]) -> Int {
        var s = CSVScanner(file: file, columns: columns, bytes: mapped.bytes)
        try? s.readHeader()
        for _ in 0..<index {
            guard s.nextRecord() else { break }
            do { try s.skipRecord() } catch { break }
        }
        _ = s.nextRecord()
        return s.line(at: s.p)
    }
}
