/// Query settings sent as URL parameters. Only settings that exist under the same name and meaning
/// in ClickHouse 18.16 and in current releases are offered: an unknown setting is a hard error
/// (Code 115, HTTP 404) in either direction, so version-specific ones have no place here.
/// nil leaves the server's default. Per-call settings override the configuration's.
public struct ClickHouseSettings: Sendable, Equatable {
    /// `max_threads`: threads one query may use.
    public var maxThreads: Int?
    /// `max_memory_usage`: bytes one query may allocate on the server.
    public var maxMemoryUsage: Int?
    /// `max_execution_time`: seconds before the server cancels the query (Code 159). A SELECT is
    /// not cancelled when its client goes away, so this is the guard against runaway queries.
    public var maxExecutionTime: Int?
    /// `max_block_size`: rows per block while reading.
    public var maxBlockSize: Int?
    /// `max_insert_block_size`: rows per block an INSERT is cut into. An INSERT is atomic only up to
    /// one block (1,048,576 rows by default); earlier blocks stay committed when a later one fails.
    public var maxInsertBlockSize: Int?
    /// `min_insert_block_size_rows`: small blocks are squashed up to this many rows.
    public var minInsertBlockSizeRows: Int?
    /// `min_insert_block_size_bytes`: small blocks are squashed up to this many bytes.
    public var minInsertBlockSizeBytes: Int?
    /// `input_format_allow_errors_num`: bad input rows to skip before failing.
    public var inputFormatAllowErrorsNum: Int?
    /// `input_format_allow_errors_ratio`: fraction of bad input rows to skip before failing.
    public var inputFormatAllowErrorsRatio: Double?
    /// `input_format_skip_unknown_fields` (its default differs between versions: set it if used).
    public var inputFormatSkipUnknownFields: Bool?
    /// `max_result_rows`: result rows limit (Code 396, or truncation with `resultOverflowMode`).
    public var maxResultRows: Int?
    /// `result_overflow_mode`: what `maxResultRows` does when exceeded.
    public var resultOverflowMode: OverflowMode?
    /// `join_use_nulls`: unmatched join columns become NULL instead of the type's default.
    public var joinUseNulls: Bool?
    /// `log_queries`: record the query in `system.query_log`.
    public var logQueries: Bool?
    /// `wait_end_of_query`: the server finishes the query before sending the response, so an
    /// error always arrives as an HTTP error status (at the cost of buffering the result on the
    /// server). The client sets it for `execute`, `queryText` and TabSeparated reads unless told.
    public var waitEndOfQuery: Bool?

    public enum OverflowMode: String, Sendable { case `throw`, `break` }

    public init(maxThreads: Int? = nil, maxMemoryUsage: Int? = nil, maxExecutionTime: Int? = nil,
                maxBlockSize: Int? = nil, maxInsertBlockSize: Int? = nil, minInsertBlockSizeRows: Int? = nil,
                minInsertBlockSizeBytes: Int? = nil, inputFormatAllowErrorsNum: Int? = nil,
                inputFormatAllowErrorsRatio: Double? = nil, inputFormatSkipUnknownFields: Bool? = nil,
                maxResultRows: Int? = nil, resultOverflowMode: OverflowMode? = nil, joinUseNulls: Bool? = nil,
                logQueries: Bool? = nil, waitEndOfQuery: Bool? = nil) {
        self.maxThreads = maxThreads
        self.maxMemoryUsage = maxMemoryUsage
        self.maxExecutionTime = maxExecutionTime
        self.maxBlockSize = maxBlockSize
        self.maxInsertBlockSize = maxInsertBlockSize
        self.minInsertBlockSizeRows = minInsertBlockSizeRows
        self.minInsertBlockSizeBytes = minInsertBlockSizeBytes
        self.inputFormatAllowErrorsNum = inputFormatAllowErrorsNum
        self.inputFormatAllowErrorsRatio = inputFormatAllowErrorsRatio
        self.inputFormatSkipUnknownFields = inputFormatSkipUnknownFields
        self.maxResultRows = maxResultRows
        self.resultOverflowMode = resultOverflowMode
        self.joinUseNulls = joinUseNulls
        self.logQueries = logQueries
        self.waitEndOfQuery = waitEndOfQuery
    }

    /// These settings with every non-nil value of `overrides` put over them.
    public func merging(_ overrides: ClickHouseSettings) -> ClickHouseSettings {
        ClickHouseSettings(
            maxThreads: overrides.maxThreads ?? maxThreads,
            maxMemoryUsage: overrides.maxMemoryUsage ?? maxMemoryUsage,
            maxExecutionTime: overrides.maxExecutionTime ?? maxExecutionTime,
            maxBlockSize: overrides.maxBlockSize ?? maxBlockSize,
            maxInsertBlockSize: overrides.maxInsertBlockSize ?? maxInsertBlockSize,
            minInsertBlockSizeRows: overrides.minInsertBlockSizeRows ?? minInsertBlockSizeRows,
            minInsertBlockSizeBytes: overrides.minInsertBlockSizeBytes ?? minInsertBlockSizeBytes,
            inputFormatAllowErrorsNum: overrides.inputFormatAllowErrorsNum ?? inputFormatAllowErrorsNum,
            inputFormatAllowErrorsRatio: overrides.inputFormatAllowErrorsRatio ?? inputFormatAllowErrorsRatio,
            inputFormatSkipUnknownFields: overrides.inputFormatSkipUnknownFields ?? inputFormatSkipUnknownFields,
            maxResultRows: overrides.maxResultRows ?? maxResultRows,
            resultOverflowMode: overrides.resultOverflowMode ?? resultOverflowMode,
            joinUseNulls: overrides.joinUseNulls ?? joinUseNulls,
            logQueries: overrides.logQueries ?? logQueries,
            waitEndOfQuery: overrides.waitEndOfQuery ?? waitEndOfQuery)
    }

    /// The URL parameters, in a fixed order.
    var parameters: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        func add(_ name: String, _ value: Int?) { if let value { out.append((name, String(value))) } }
        func add(_ name: String, _ value: Bool?) { if let value { out.append((name, value ? "1" : "0")) } }
        add("max_threads", maxThreads)
        add("max_memory_usage", maxMemoryUsage)
        add("max_execution_time", maxExecutionTime)
        add("max_block_size", maxBlockSize)
        add("max_insert_block_size", maxInsertBlockSize)
        add("min_insert_block_size_rows", minInsertBlockSizeRows)
        add("min_insert_block_size_bytes", minInsertBlockSizeBytes)
        add("input_format_allow_errors_num", inputFormatAllowErrorsNum)
        if let ratio = inputFormatAllowErrorsRatio { out.append(("input_format_allow_errors_ratio", String(ratio))) }
        add("input_format_skip_unknown_fields", inputFormatSkipUnknownFields)
        add("max_result_rows", maxResultRows)
        if let mode = resultOverflowMode { out.append(("result_overflow_mode", mode.rawValue)) }
        add("join_use_nulls", joinUseNulls)
        add("log_queries", logQueries)
        add("wait_end_of_query", waitEndOfQuery)
        return out
    }
}
