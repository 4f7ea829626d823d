import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tabular
import TabularIO

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
    /// Files above this size are parsed in parts by default.
    public static let defaultParallelThreshold = 8 << 20

    /// Reads the six files of `directory`. `threads` parts per big file (files larger than
    /// `parallelThreshold` bytes); `progress` is called after each file.
    public static func read(
        directory: String, threads: Int = 2, parallelThreshold: Int = defaultParallelThreshold,
        progress: (InstacartReadProgress) -> Void = { _ in }
    ) throws -> InstacartData {
        try read(TableReader(directory: directory, threads: max(1, threads), parallelThreshold: parallelThreshold),
                 progress: progress)
    }

    /// Reads orders.csv and the two order_products files of `directory`, with aisles, departments
    /// and products taken from `catalog` instead of the folder's files (which may be absent and are
    /// not opened). Same checks as `read(directory:)`: every order_products row must name a product
    /// of `catalog` (the error names the table `catalog.productsName`).
    public static func read(
        directory: String, threads: Int = 2, parallelThreshold: Int = defaultParallelThreshold, catalog: InstacartCatalog,
        progress: (InstacartReadProgress) -> Void = { _ in }
    ) throws -> InstacartData {
        do {
            return try read(TableReader(directory: directory, threads: max(1, threads), parallelThreshold: parallelThreshold),
                            catalog: catalog, progress: progress)
        } catch let error as DataError {
            guard case .unknownReference(let id, InstacartLayout.products) = error.problem else { throw error }
            throw DataError(file: error.file, line: error.line, column: error.column,
                            problem: .unknownReference(id: id, table: catalog.productsName))
        }
    }

    /// Reads the six files from bytes in memory, keyed by file name (`InstacartLayout.files`); a
    /// missing key is a missing file. Same checks and errors as `read(directory:)` (the folder is
    /// named `<bytes>`): the entry point for tests and fuzz harnesses.
    public static func read(files: [String: [UInt8]], threads: Int = 1,
                            parallelThreshold: Int = defaultParallelThreshold) throws -> InstacartData {
        try read(TableReader(directory: "<bytes>", threads: max(1, threads), parallelThreshold: parallelThreshold,
                             contents: files))
    }

    private static func read(_ reader: TableReader, catalog: InstacartCatalog? = nil,
                             progress: (InstacartReadProgress) -> Void = { _ in }) throws -> InstacartData {
        var data = InstacartData()
        func timed<T>(_ file: String, _ body: () throws -> (T, rows: Int, bytes: Int)) rethrows -> T {
            let start = ContinuousClock.now
            let (value, rows, bytes) = try body()
            progress(InstacartReadProgress(file: file, rows: rows, bytes: bytes, seconds: Elapsed.seconds(since: start)))
            return value
        }
        if let catalog {
            data.aisles = catalog.aisles
            data.departments = catalog.departments
            data.products = catalog.products
        } else {
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
    let parallelThreshold: Int
    /// When set, the files' bytes by name (instead of files in `directory`).
    var contents: [String: [UInt8]]? = nil

    func path(_ file: String) -> String {
        directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }

    /// Maps `file` and checks its header; returns the map and the offset of the first record.
    func open(_ file: String, columns: [String]) throws -> (MappedFile, Int) {
        let mapped: MappedFile
        do {
            if let contents {
                guard let bytes = contents[file] else {
                    throw CSVError(file: file, line: nil, column: nil, problem: .missingFile(directory: directory))
                }
                mapped = try MappedFile(path: file, contents: bytes)
            } else {
                mapped = try MappedFile(path: path(file))
            }
        } catch let error as FileError {
            let problem: CSVError.Problem = error.code == ENOENT
                ? .missingFile(directory: directory) : .unreadable(reason: error.reason)
            throw CSVError(file: file, line: nil, column: nil, problem: problem)
        }
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

    /// The cuts for parsing `mapped` after `headerEnd`: `threads` parts when the file is larger than
    /// `parallelThreshold` bytes, else one.
    func cuts(_ mapped: MappedFile, headerEnd: Int) -> [Int] {
        Self.cuts(mapped.bytes, from: headerEnd, parts: mapped.bytes.count > parallelThreshold ? threads : 1)
    }

    /// Runs `body(k)` for k in 0..<count, concurrently when count > 1.
    static func forEachPart(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: count, execute: body) }
    }

    /// Runs `parse` over the parts of `mapped` between consecutive `cuts` (concurrently when there are
    /// several), each into its own state `make(k)`. Throws the error of the earliest failing part after
    /// freeing every part with `discard`.
    func parseParts<Part>(
        _ mapped: MappedFile, file: String, columns: [String], cuts: [Int],
        make: (Int) -> Part, discard: (inout Part) -> Void,
        parse: @escaping (inout CSVScanner, inout Part) throws -> Void
    ) throws -> [Part] {
        let parts = cuts.count - 1
        nonisolated(unsafe) var states = (0..<parts).map(make)
        nonisolated(unsafe) let errors = UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: parts)
        errors.initialize(repeating: nil)
        defer {
            errors.deinitialize()   // releases the thrown errors, which deallocate alone would leak
            errors.deallocate()
        }
        nonisolated(unsafe) let bytes = mapped.bytes
        nonisolated(unsafe) let parseFn = parse
        states.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer
            Self.forEachPart(parts) { k in
                var scanner = CSVScanner(file: file, columns: columns, bytes: bytes, from: cuts[k], to: cuts[k + 1])
                do { try parseFn(&scanner, &slots[k]) } catch { errors[k] = error }
            }
        }
        if let error = errors.lazy.compactMap({ $0 }).first {
            for k in states.indices { discard(&states[k]) }
            throw error
        }
        return states
    }

    /// The number of line feeds in each part between consecutive `cuts` (counted concurrently,
    /// 8 bytes per step). A part holds at most that many records, plus one for the last part, which
    /// may end without a line feed.
    static func lineFeedCounts(_ bytes: UnsafeRawBufferPointer, cuts: [Int]) -> [Int] {
        let parts = cuts.count - 1
        nonisolated(unsafe) let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
        defer { counts.deallocate() }
        nonisolated(unsafe) let bytes = bytes
        forEachPart(parts) { k in
            // 32 MiB at a time, handing the pages back after counting (as the parse does, see
            // `CSVScanner.releaseConsumedPages`), so the count pass does not map the whole file in.
            var total = 0
            var at = cuts[k]
            while at < cuts[k + 1] {
                let stop = min(at + (1 << 25), cuts[k + 1])
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[at..<stop])
                total += countLineFeeds(chunk)
                releasePages(chunk)
                at = stop
            }
            counts[k] = total
        }
        return Array(counts)
    }

    /// `madvise(MADV_DONTNEED)` on the whole pages inside `bytes` (a read-only file mapping: they are
    /// read again from the page cache if touched later).
    static func releasePages(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        let page = 4096
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let stop = (Int(bitPattern: base) + bytes.count) & ~(page - 1)
        if stop > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), stop - start, MADV_DONTNEED) }
    }

    /// Counts bytes equal to 10, 8 bytes per step (6 GB/s on one core here; the first pass over a
    /// mapped file also takes its page faults): for each word x XORed with 0x0A in every byte (line
    /// feeds become zero bytes), ((x & 0x7F..) + 0x7F..) | x has its high bit set exactly in the
    /// non-zero bytes.
    static func countLineFeeds(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = bytes.count
        guard n > 0 else { return 0 }
        let base = bytes.baseAddress!
        var count = 0
        var i = 0
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let lf: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        while i + 8 <= n {
            let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ lf
            count &+= 8 &- ((((x & low7) &+ low7) | x) & ~low7).nonzeroBitCount
            i += 8
        }
        while i < n {
            if base.load(fromByteOffset: i, as: UInt8.self) == 10 { count += 1 }
            i += 1
        }
        return count
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
