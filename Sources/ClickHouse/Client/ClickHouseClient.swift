import HTTPClient

/// A ClickHouse client over HTTP for ClickHouse 18.16 and later: statements, streaming reads in
/// RowBinary (typed, row by row) or TabSeparated (text fields), and streaming RowBinary INSERTs,
/// all in memory bounded by one row plus a few buffers whatever the result size.
///
/// Every request is a POST with a fresh `query_id`, the configuration's settings plus the call's as
/// URL parameters, and credentials in headers. Connection failures are retried per
/// `configuration.retry`; nothing else is. Errors: `ClickHouseError` when the server answered (with
/// an error status, or with an exception appended to a 200 stream), `TransportError` when no
/// complete answer came, and whatever a row handler or producer throws, unchanged.
///
/// SQL is sent as written: build it with `SQLLiteral` for every value and name that is not a
/// constant of the program.
public struct ClickHouseClient: Sendable {
    public let configuration: ClickHouseConfiguration
    let transport: any HTTPTransport
    /// INSERT uploads close with RST (see `HTTPRequest.abortiveClose`); off only in the test that
    /// shows why it is needed.
    var abortiveCloseOnInsert = true
    /// Waits between retries (replaced by tests).
    var pause: @Sendable (Double) -> Void = ClickHouseClient.sleep

    public init(configuration: ClickHouseConfiguration, transport: any HTTPTransport = CurlTransport()) {
        self.configuration = configuration
        self.transport = transport
    }

    /// Runs one statement that returns no rows: DDL, `INSERT ... SELECT`, `ALTER`, `OPTIMIZE`.
    /// Sent with `wait_end_of_query=1` (unless `settings` says otherwise), so it returns after the
    /// server finished and any failure is a status. Cost: one round trip.
    public func execute(_ sql: String, settings: ClickHouseSettings = ClickHouseSettings()) throws {
        let merged = configuration.settings.merging(ClickHouseSettings(waitEndOfQuery: true)).merging(settings)
        try run(sql: sql, settings: merged, onBody: { _ in })
    }

    /// The whole response body of a small query as text: TabSeparated unless the SQL ends in a
    /// `FORMAT` clause, exactly as sent (`SELECT 1` gives "1\n"). Uses `wait_end_of_query=1` unless
    /// told otherwise; a body longer than `maxBytes` throws `.malformedResponse`.
    public func queryText(_ sql: String, settings: ClickHouseSettings = ClickHouseSettings(),
                          maxBytes: Int = 16 << 20) throws -> String {
        let merged = configuration.settings.merging(ClickHouseSettings(waitEndOfQuery: true)).merging(settings)
        var body: [UInt8] = []
        try run(sql: sql, settings: merged, onBody: { chunk in
            guard body.count + chunk.count <= maxBytes else {
                throw RowFormatError.malformed("the response is longer than \(maxBytes) bytes")
            }
            body.append(contentsOf: chunk)
        })
        return String(decoding: body, as: UTF8.self)
    }

    /// `SELECT version()`, e.g. "18.16.1".
    public func serverVersion() throws -> String {
        var text = try queryText("SELECT version()")
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }

    /// Streams the rows of `sql` (which must not have a FORMAT clause: `default_format=RowBinary`
    /// is sent) to `row`, one complete row at a time, reading `columns` in order. An exception the
    /// server appends mid-stream throws `ClickHouseError` (code set, HTTP 200) before the rows
    /// decoded from its text would reach the handler; a cut-off stream throws `.malformedResponse`.
    /// Rows handed out before an error are real rows, but the result is incomplete.
    /// With `configuration.verifyColumnTypes` (the default) `DESCRIBE TABLE (sql)` first checks
    /// that the result has exactly these types (wire-compatible ones allowed, see
    /// `ClickHouseColumnType(wireCompatibleWith:)`) and throws `.columnMismatch` otherwise.
    ///
    /// Cost: O(bytes) with two light passes per row; memory O(64 KiB + largest row + 256 KiB),
    /// independent of the row count.
    @discardableResult
    public func select(_ sql: String, columns: [ClickHouseColumnType], settings: ClickHouseSettings = ClickHouseSettings(),
                       row: (inout RowBinaryReader) throws -> Void) throws -> ClickHouseTransferSummary {
        if configuration.verifyColumnTypes { try checkResultColumns(of: sql, against: columns) }
        let merged = configuration.settings.merging(settings)
        let decoder = RowBinaryDecoder(schema: RowBinarySchema(columns),
                                       holdBack: merged.waitEndOfQuery == true ? 0 : 64 << 10)
        try run(sql: sql, settings: merged, format: "RowBinary",
                onBody: { chunk in try decoder.consume(chunk, handler: row) },
                onEnd: { try decoder.finish(handler: row) },
                trailingException: decoder.trailingException)
        return ClickHouseTransferSummary(rows: decoder.rows, bytes: decoder.bytes, peakBufferedBytes: decoder.peakBufferedBytes)
    }

    /// Streams the rows of `sql` (no FORMAT clause) as TabSeparated text, unescaped, one array of
    /// fields per row (nil for NULL). By default the server finishes the query first
    /// (`wait_end_of_query=1`), so errors arrive as a status and no value can be mistaken for one;
    /// with `waitEndOfQuery: false` rows flow while the server computes and a final line that is
    /// exactly an exception text is reported as the server's error.
    ///
    /// Cost: one String per field; memory O(64 KiB + longest line + 256 KiB).
    @discardableResult
    public func selectTabSeparated(_ sql: String, settings: ClickHouseSettings = ClickHouseSettings(),
                                   row: ([String?]) throws -> Void) throws -> ClickHouseTransferSummary {
        let merged = configuration.settings.merging(ClickHouseSettings(waitEndOfQuery: true)).merging(settings)
        let decoder = TabSeparatedDecoder(holdBack: merged.waitEndOfQuery == true ? 0 : 64 << 10)
        try run(sql: sql, settings: merged, format: "TabSeparated",
                onBody: { chunk in try decoder.consume(chunk, handler: row) },
                onEnd: { try decoder.finish(handler: row) },
                trailingException: decoder.trailingException)
        return ClickHouseTransferSummary(rows: decoder.rows, bytes: decoder.bytes, peakBufferedBytes: decoder.peakBufferedBytes)
    }

    /// Streams rows into `table` as `INSERT INTO db.table (columns) FORMAT RowBinary`, the body
    /// produced on demand: `produce` is called while curl's 1 MiB buffer has room; each call writes
    /// one or more complete rows and returns true, or returns false when there are no more (rows
    /// written in that last call count). The number of rows sent is returned; compare it with
    /// `SELECT count()` when it matters. With `configuration.verifyColumnTypes` (the default)
    /// `DESCRIBE TABLE` first checks that each declared column exists with that type and throws
    /// `.columnMismatch` before any row is produced otherwise.
    ///
    /// Failure safety: if `produce` throws (its error is rethrown) or writes the wrong columns, the
    /// upload is aborted and the connection closed with a reset, so the server never takes the cut
    /// body for a complete one. Still, the server commits per block of `max_insert_block_size`
    /// rows (1,048,576 by default): a failure after that many rows leaves earlier blocks committed.
    /// Load large data into a staging table, check the count, then publish it.
    ///
    /// Cost: O(bytes); memory: curl's buffer plus what one `produce` call writes past its end.
    @discardableResult
    public func insert(into table: String, database: String? = nil, columns: [ClickHouseColumn],
                       settings: ClickHouseSettings = ClickHouseSettings(),
                       produce: (inout RowBinaryWriter) throws -> Bool) throws -> ClickHouseTransferSummary {
        precondition(!columns.isEmpty, "an INSERT needs at least one column")
        let target = (database.map { SQLLiteral.identifier($0) + "." } ?? "") + SQLLiteral.identifier(table)
        let names = columns.map { SQLLiteral.identifier($0.name) }.joined(separator: ", ")
        let sql = "INSERT INTO \(target) (\(names)) FORMAT RowBinary"
        if configuration.verifyColumnTypes { try checkInsertColumns(columns, target: target, sql: sql) }
        let schema = RowBinarySchema(columns.map(\.type))
        return try withoutActuallyEscaping(produce) { produce in
            let upload = RowBinaryUpload(schema: schema, produce: produce)
            defer { upload.detach() }
            try run(sql: sql, settings: configuration.settings.merging(settings), sqlInURL: true,
                    body: .stream { [upload] buffer in try upload.fill(buffer) },
                    abortiveClose: abortiveCloseOnInsert, mayRetry: { !upload.started }, onBody: { _ in })
            return ClickHouseTransferSummary(rows: upload.rows, bytes: upload.bytes, peakBufferedBytes: upload.peakSpill)
        }
    }
}

/// What a streaming call moved.
public struct ClickHouseTransferSummary: Sendable, Equatable {
    /// Rows delivered to the handler, or written by the producer.
    public var rows: Int
    /// Body bytes received or sent.
    public var bytes: Int
    /// The most bytes the client held at once for this call: the receive buffer of a read, the
    /// overflow beyond curl's upload buffer of an INSERT (a diagnostic for bounded memory).
    public var peakBufferedBytes: Int
}
