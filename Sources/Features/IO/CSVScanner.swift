import Tabular

/// A byte-level RFC 4180 record scanner over one file's bytes (or a part of them cut at a line end).
///
/// Fields are separated by `,`, records end with LF, CRLF or the end of the buffer; a field may be
/// quoted (`"a, ""b"""` is `a, "b"`), and quoted fields may hold commas, quotes and line ends. Blank
/// lines between records are skipped. Fast paths read unquoted integers and decimals straight from
/// the bytes; anything unusual (quotes, junk) goes to a slow path that reads the field generically,
/// so a quoted integer `"12"` is still 12. Nothing is allocated per field on the fast paths.
///
/// Errors name the physical line (1-based, counted from the start of the file only when an error is
/// thrown: O(offset) then), the column and the value.
struct CSVScanner {
    enum Terminator { case comma, record }

    let file: String
    let columns: [String]
    /// `columns.count - 1`.
    let lastColumn: Int
    /// Start of the whole file: line numbers count from here.
    let fileStart: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var p: UnsafePointer<UInt8>
    var recordStart: UnsafePointer<UInt8>
    /// Pages before this have been handed back to the kernel (`releaseConsumedPages`).
    var releasedUpTo: UnsafePointer<UInt8>

    /// A scanner over `bytes[from ..< to]` of a non-empty file.
    init(file: String, columns: [String], bytes: UnsafeRawBufferPointer, from: Int = 0, to: Int? = nil) {
        self.file = file
        self.columns = columns
        lastColumn = columns.count - 1
        fileStart = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        end = fileStart + (to ?? bytes.count)
        p = fileStart + from
        recordStart = p
        releasedUpTo = p
    }

    var isAtEnd: Bool { p >= end }

    // MARK: records

    /// Skips a UTF-8 byte order mark and reads the header, which must be exactly `columns`.
    mutating func readHeader() throws(CSVError) {
        if end - p >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { p += 3 }
        recordStart = p
        // A binary file (a matrix, a model, gzip, NUL bytes in the header line) is named, not dumped.
        var headerLineEnd = p
        while headerLineEnd < end && headerLineEnd - p < 4096 && headerLineEnd.pointee != 10 { headerLineEnd += 1 }
        if let format = EchoedValue.binaryFormat(ofPrefix: UnsafeRawBufferPointer(start: p, count: headerLineEnd - p)) {
            throw CSVError(file: file, line: nil, column: nil, problem: .binaryFile(looksLike: format))
        }
        let headerStart = p
        var names: [String] = []
        var scratch: [UInt8] = []
        while true {
            scratch.removeAll(keepingCapacity: true)
            let t = try rawField(column: min(names.count, columns.count - 1), into: &scratch)
            names.append(String(decoding: scratch, as: UTF8.self))
            if t == .record { break }
        }
        if names != columns {
            var headerEnd = headerStart
            while headerEnd < end && headerEnd.pointee != 10 && headerEnd.pointee != 13 { headerEnd += 1 }
            throw CSVError(
                file: file, line: 1, column: nil,
                problem: .wrongHeader(expected: columns.joined(separator: ","),
                                      found: Self.shown(headerStart, headerEnd - headerStart, limit: 200)))
        }
    }

    /// Skips blank lines and marks the start of the next record; false at the end of the buffer.
    @inline(__always)
    mutating func nextRecord() -> Bool {
        while p < end {
            let c = p.pointee
            if c == 10 {
                p += 1
            } else if c == 13 && p + 1 < end && p[1] == 10 {
                p += 2
            } else {
                break
            }
        }
        recordStart = p
        return p < end
    }

    /// Every 32 MiB of progress, drops the mapped pages already parsed from this process's resident
    /// set (`madvise(MADV_DONTNEED)`; they stay in the page cache, and a later read, e.g. to count lines
    /// for an error, faults them in again). Keeps the peak RSS of a big file's parse near its columns'
    /// size instead of columns + file. Call once per record.
    @inline(__always)
    mutating func releaseConsumedPages() {
        if p - releasedUpTo >= 1 << 25 { releasePages() }
    }

    @inline(never)
    mutating func releasePages() {
        TableReader.releasePages(UnsafeRawBufferPointer(start: releasedUpTo, count: p - releasedUpTo))
        releasedUpTo = p
    }

    /// Skips one record (quote-aware), for counting records without parsing them.
    mutating func skipRecord() throws(CSVError) {
        var scratch: [UInt8] = []
        while true {
            scratch.removeAll(keepingCapacity: true)
            if try rawField(column: 0, into: &scratch) == .record { return }
        }
    }

    // MARK: fields

    /// The terminator at `q`: its kind and byte length, or nil when `q` holds another byte.
    @inline(__always)
    func terminator(at q: UnsafePointer<UInt8>) -> (Terminator, Int)? {
        if q >= end { return (.record, 0) }
        let c = q.pointee
        if c == 44 { return (.comma, 1) }
        if c == 10 { return (.record, 1) }
        if c == 13 {
            if q + 1 == end { return (.record, 1) }
            if q[1] == 10 { return (.record, 2) }
        }
        return nil
    }

    /// Fast-path check after a field that ends at `q`: the terminator's length when it is the right
    /// one for `column` (a comma, or a line end / end of buffer for the last column), else nil.
    @inline(__always)
    func expectedTerminatorLength(at q: UnsafePointer<UInt8>, column: Int) -> Int? {
        let isLast = column == lastColumn
        if q >= end { return isLast ? 0 : nil }
        let c = q.pointee
        if c == 44 { return isLast ? nil : 1 }
        if c == 10 { return isLast ? 1 : nil }
        if c == 13 && isLast && q + 1 < end && q[1] == 10 { return 2 }
        return nil
    }

    /// Checks that a field ending with `t` is (not) the last of its record; `next` is the byte after
    /// the terminator.
    func checkFieldCount(_ t: Terminator, column: Int, next: UnsafePointer<UInt8>) throws(CSVError) {
        let last = column == lastColumn
        if last && t == .comma {
            var rest = self
            rest.p = next
            var found = columns.count
            while true {
                found += 1
                var scratch: [UInt8] = []
                guard let t = try? rest.rawField(column: column, into: &scratch), t == .comma else { break }
            }
            throw fieldCountError(found: found)
        }
        if !last && t == .record { throw fieldCountError(found: column + 1) }
    }

    func fieldCountError(found: Int) -> CSVError {
        CSVError(
            file: file, line: line(at: recordStart), column: nil,
            problem: .wrongFieldCount(expected: columns.count, found: found))
    }

    /// An integer field in `range`. Fast path: an unquoted run of 1 to 18 digits with an optional
    /// leading `-`, in range, followed by the right terminator; anything else goes to `slowInteger`,
    /// which reads the field again generically and throws the precise error.
    @inline(__always)
    mutating func integer(column: Int, in range: ClosedRange<Int64>) throws(CSVError) -> Int64 {
        var q = p
        let negative = q < end && q.pointee == 45
        if negative { q += 1 }
        let digits = q
        var v: Int64 = 0
        while q < end {
            let d = q.pointee &- 48
            if d > 9 { break }
            v = v &* 10 &+ Int64(d)
            q += 1
        }
        let n = q - digits
        if negative { v = 0 &- v }
        guard n > 0 && n <= 18 && v >= range.lowerBound && v <= range.upperBound,
            let length = expectedTerminatorLength(at: q, column: column)
        else { return try slowInteger(column: column, in: range) }
        p = q + length
        return v
    }

    @inline(never)
    mutating func slowInteger(column: Int, in range: ClosedRange<Int64>) throws(CSVError) -> Int64 {
        let fieldStart = p
        var bytes: [UInt8] = []
        let t = try rawField(column: column, into: &bytes)
        guard let v = Self.parseInteger(bytes) else {
            p = fieldStart
            throw CSVError(file: file, line: line(at: fieldStart), column: columns[column],
                           problem: .notInteger(value: EchoedValue.text(bytes)))
        }
        guard let v, range.contains(v) else {
            p = fieldStart
            throw rangeError(column: column, value: EchoedValue.text(bytes), range: "\(range)")
        }
        try checkFieldCount(t, column: column, next: p)
        return v
    }

    /// `-?[0-9]+` -> value (nil inside when it does not fit in Int64); anything else -> nil.
    static func parseInteger(_ bytes: [UInt8]) -> Int64?? {
        var i = 0
        let negative = bytes.first == 45
        if negative { i = 1 }
        guard i < bytes.count else { return nil }
        var v: Int64 = 0
        var overflow = false
        while i < bytes.count {
            let d = bytes[i] &- 48
            guard d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            overflow = overflow || o1 || o2
            v = a
            i += 1
        }
        if overflow { return .some(nil) }
        return negative ? -v : v
    }

    func rangeError(column: Int, value: String, range: String) -> CSVError {
        CSVError(
            file: file, line: line(at: recordStart), column: columns[column],
            problem: .outOfRange(value: value, range: range))
    }

    /// A decimal field in `range`, NaN when the field is empty. Fast path: unquoted `digits` or
    /// `digits.d` (one decimal, as Instacart writes days_since_prior_order), or empty; otherwise
    /// `slowDecimal` parses the field as a Swift `Double` literal (`1e1`, `7.25`).
    @inline(__always)
    mutating func optionalDecimal(column: Int, in range: ClosedRange<Float>) throws(CSVError) -> Float {
        var q = p
        var whole = 0
        while q < end {
            let d = Int(q.pointee &- 48)
            if d > 9 { break }
            whole = whole &* 10 &+ d
            q += 1
        }
        let n = q - p
        var value = Double(whole)
        if n > 0 && q + 1 < end && q.pointee == 46 {
            let d = Int(q[1] &- 48)
            if d <= 9 {
                value += Double(d) / 10
                q += 2
            }
        }
        let f: Float = n == 0 ? .nan : Float(value)
        guard n <= 9 && (n == 0 || range.contains(f)), let length = expectedTerminatorLength(at: q, column: column)
        else { return try slowDecimal(column: column, in: range) }
        p = q + length
        return f
    }

    @inline(never)
    mutating func slowDecimal(column: Int, in range: ClosedRange<Float>) throws(CSVError) -> Float {
        let fieldStart = p
        var bytes: [UInt8] = []
        let t = try rawField(column: column, into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        if bytes.isEmpty {
            try checkFieldCount(t, column: column, next: p)
            return .nan
        }
        guard let v = Double(text), v.isFinite else {
            p = fieldStart
            throw CSVError(file: file, line: line(at: fieldStart), column: columns[column],
                           problem: .notNumber(value: EchoedValue.text(bytes)))
        }
        guard range.contains(Float(v)) else {
            p = fieldStart
            throw rangeError(column: column, value: EchoedValue.text(bytes), range: "\(Int(range.lowerBound))...\(Int(range.upperBound))")
        }
        try checkFieldCount(t, column: column, next: p)
        return Float(v)
    }

    /// An eval_set field: prior, train or test.
    @inline(__always)
    mutating func evalSet(column: Int) throws(CSVError) -> EvalSet {
        let n = end - p
        var e: EvalSet?
        var q = p
        if n >= 5 && p[0] == 112 && p[1] == 114 && p[2] == 105 && p[3] == 111 && p[4] == 114 {
            e = .prior
            q += 5
        } else if n >= 5 && p[0] == 116 && p[1] == 114 && p[2] == 97 && p[3] == 105 && p[4] == 110 {
            e = .train
            q += 5
        } else if n >= 4 && p[0] == 116 && p[1] == 101 && p[2] == 115 && p[3] == 116 {
            e = .test
            q += 4
        }
        guard let e, let length = expectedTerminatorLength(at: q, column: column) else {
            return try slowEvalSet(column: column)
        }
        p = q + length
        return e
    }

    @inline(never)
    mutating func slowEvalSet(column: Int) throws(CSVError) -> EvalSet {
        let fieldStart = p
        var bytes: [UInt8] = []
        let t = try rawField(column: column, into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        guard let e = EvalSet.allCases.first(where: { $0.name == text }) else {
            p = fieldStart
            throw CSVError(file: file, line: line(at: recordStart), column: columns[column],
                           problem: .unknownEvalSet(value: EchoedValue.text(bytes)))
        }
        try checkFieldCount(t, column: column, next: p)
        return e
    }

    /// A text field, unescaped, appended to `out`.
    mutating func text(column: Int, into out: inout [UInt8]) throws(CSVError) {
        let t = try rawField(column: column, into: &out)
        try checkFieldCount(t, column: column, next: p)
    }

    /// Reads one field (quoted or not) from `p`, appends its unescaped bytes to `out`, moves past its
    /// terminator and returns it. An unquoted field runs to the next comma or line end (a quote inside
    /// it is kept as a character, as most readers do).
    mutating func rawField(column: Int, into out: inout [UInt8]) throws(CSVError) -> Terminator {
        let fieldStart = p
        if p < end && p.pointee == 34 {
            var q = p + 1
            while true {
                var r = q
                while r < end && r.pointee != 34 { r += 1 }
                out.append(contentsOf: UnsafeBufferPointer(start: q, count: r - q))
                if r >= end {
                    var lineEnd = fieldStart
                    while lineEnd < end && lineEnd.pointee != 10 && lineEnd.pointee != 13 { lineEnd += 1 }
                    let shown = Self.shown(fieldStart, lineEnd - fieldStart)
                    throw CSVError(
                        file: file, line: line(at: fieldStart), column: columns[column],
                        problem: .unterminatedQuote(value: shown))
                }
                if r + 1 < end && r[1] == 34 {
                    out.append(34)
                    q = r + 2
                    continue
                }
                q = r + 1
                break
            }
            guard let (t, length) = terminator(at: q) else {
                var r = q
                while r < end && terminator(at: r) == nil { r += 1 }
                let shown = Self.shown(fieldStart, r - fieldStart)
                throw CSVError(
                    file: file, line: line(at: fieldStart), column: columns[column],
                    problem: .textAfterClosingQuote(value: shown))
            }
            p = q + length
            return t
        }
        var q = p
        while true {
            if let (t, length) = terminator(at: q) {
                out.append(contentsOf: UnsafeBufferPointer(start: p, count: q - p))
                p = q + length
                return t
            }
            q += 1
        }
    }

    /// `count` bytes from `start` as an error shows them (`EchoedValue`).
    static func shown(_ start: UnsafePointer<UInt8>, _ count: Int, limit: Int = EchoedValue.defaultLimit) -> String {
        EchoedValue.text(UnsafeRawBufferPointer(start: start, count: count), limit: limit)
    }

    // MARK: lines

    /// The 1-based physical line of `q` (counts LFs before it; O(q - fileStart)).
    func line(at q: UnsafePointer<UInt8>) -> Int {
        var n = 1
        var r = fileStart
        while r < q {
            if r.pointee == 10 { n += 1 }
            r += 1
        }
        return n
    }
}
