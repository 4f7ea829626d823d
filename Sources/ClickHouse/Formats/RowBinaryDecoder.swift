/// Turns the chunks of a RowBinary response, cut anywhere (inside a number, a String length or a
/// String), into complete rows for a handler, in bounded memory.
///
/// Appended errors: ClickHouse 18.16 answers 200, streams rows, and when the query fails later it
/// appends `Code: NNN, e.displayText() = DB::Exception: ...` at a row boundary. So the decoder holds
/// back the last `holdBack` bytes (64 KiB, far more than such a message) and hands out only the rows
/// before them. At the end it looks for a row boundary in the held bytes from which the rest is
/// exactly one exception text; if there is one the stream is an error (and the rows that text
/// would have decoded to were never handed out), otherwise the held rows are delivered. A String
/// column can contain such text, but a match also needs the text to start exactly at a row boundary
/// and run to the last byte, so ordinary data never matches. With `holdBack == 0` (used with
/// `wait_end_of_query=1`, where the server reports errors by status) nothing is checked.
///
/// Cost: each byte is copied once into the buffer and scanned twice (once to find the row end, once
/// by the handler's reads); memory is O(holdBack + largest row + chunk).
final class RowBinaryDecoder {
    let schema: RowBinarySchema
    let holdBack: Int
    private let buffer = ChunkBuffer()
    private(set) var rows = 0
    private(set) var bytes = 0

    init(schema: RowBinarySchema, holdBack: Int = 64 << 10) {
        self.schema = schema
        self.holdBack = holdBack
    }

    var peakBufferedBytes: Int { buffer.peakCapacity }

    /// Buffers `chunk` and delivers every complete row that ends before the held-back tail.
    func consume(_ chunk: UnsafeRawBufferPointer, handler: (inout RowBinaryReader) throws -> Void) throws {
        buffer.append(chunk)
        bytes += chunk.count
        try deliver(upTo: buffer.end - holdBack, handler: handler)
    }

    /// Called once after the last chunk: delivers the remaining rows, or throws
    /// `RowFormatError.serverException` for an appended exception and `.malformed` for a cut-off row.
    func finish(handler: (inout RowBinaryReader) throws -> Void) throws {
        let base = UnsafeRawPointer(buffer.storage)
        let end = buffer.end
        var p = buffer.start
        var scanned = 0
        var stop: RowFormatError?
        if holdBack > 0 {
            let tail = ServerExceptionText.Tail(buffer.unconsumed)   // O(1) checks per row start
            while p < end {
                let rest = UnsafeRawBufferPointer(start: base + p, count: end - p)
                if tail.isWhole(from: p - buffer.start), let found = ServerExceptionText.parseWhole(rest) {
                    throw RowFormatError.serverException(code: found.code, message: found.message)
                }
                do {
                    guard let next = try schema.rowEnd(base, from: p, limit: end) else { break }
                    p = next
                    scanned += 1
                } catch {
                    stop = error
                    break
                }
            }
        } else {
            p = end
        }
        if p == end {
            try deliver(upTo: end, handler: handler)
            if buffer.start == end { return }
            p = buffer.start
        }
        try failAfterLastRow(at: p, row: rows + scanned, reason: stop)
    }

    /// The bytes still held (for a caller that lost the connection mid-stream and wants to look for
    /// an exception text in what did arrive).
    func trailingException() -> (code: Int, message: String)? {
        ServerExceptionText.findTrailing(buffer.unconsumed).map { ($0.code, $0.message) }
    }

    private func deliver(upTo limit: Int, handler: (inout RowBinaryReader) throws -> Void) throws {
        let base = UnsafeRawPointer(buffer.storage)
        var p = buffer.start
        var row = rows
        defer {
            buffer.start = p
            rows = row
        }
        while let next = try schema.rowEnd(base, from: p, limit: limit) {
            var reader = RowBinaryReader(base: base, start: p, end: next, schema: schema, rowNumber: row)
            try handler(&reader)
            try reader.checkComplete()
            p = next
            row += 1
        }
    }

    private func failAfterLastRow(at p: Int, row: Int, reason: RowFormatError?) throws -> Never {
        let rest = UnsafeRawBufferPointer(start: buffer.storage + p, count: buffer.end - p)
        if let found = ServerExceptionText.findTrailing(rest) {
            throw RowFormatError.serverException(code: found.code, message: found.message)
        }
        if let reason { throw RowFormatError.malformed("row \(row + 1): \(reason)") }
        throw RowFormatError.malformed(
            "the RowBinary stream ended inside row \(row + 1) (\(rest.count) bytes after the last complete row); "
                + "the connection was cut or the declared column types do not match the query")
    }
}
