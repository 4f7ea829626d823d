@testable import ClickHouse
import Foundation
import HTTPClient
import Tabular
import TestSupport
import Testing

/// Behaviour against a real ClickHouse server (Debian's 18.16 in scripts/test).
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct ClickHouseServerTests {
    @Test func everyTypeRoundTripsIncludingNullsSpecialFloatsAndHostileStrings() throws {
        let client = TestServer.client()
        let table = try TestServer.newTable("types")
        defer { try? client.execute("DROP TABLE IF EXISTS \(TestServer.qualified(table))") }
        let columnsDDL = SampleRow.columns.map { "\(SQLLiteral.identifier($0.name)) \($0.type)" }.joined(separator: ", ")
        try client.execute("CREATE TABLE \(TestServer.qualified(table)) (idx UInt32, \(columnsDDL)) ENGINE = MergeTree() ORDER BY idx")
        var rng = TestRandom(seed: 42)
        let rows = SampleRow.edgeCases + (0..<2000).map { _ in SampleRow.random(&rng) }
        var next = 0
        let sent = try client.insert(into: table, database: TestServer.database,
                                     columns: [ClickHouseColumn("idx", .uint32)] + SampleRow.columns) { w in
            guard next < rows.count else { return false }
            w.writeUInt32(UInt32(next))
            rows[next].write(&w)
            next += 1
            return true
        }
        #expect(sent.rows == rows.count)

        var received: [SampleRow] = []
        let names = SampleRow.columns.map { SQLLiteral.identifier($0.name) }.joined(separator: ", ")
        try client.select("SELECT \(names) FROM \(TestServer.qualified(table)) ORDER BY idx", columns: SampleRow.types) {
            received.append(try SampleRow.read(&$0))
        }
        #expect(received.count == rows.count)
        for (i, (got, want)) in zip(received, rows).enumerated() where got != want {
            Issue.record("row \(i): got \(got), want \(want)")
            break
        }

        // The same values as TabSeparated text: strings unescaped, NULL as nil, 64-bit ints exact.
        var texts: [[String?]] = []
        try client.selectTabSeparated("SELECT text, optional_text, u64, i64 FROM \(TestServer.qualified(table)) ORDER BY idx") {
            texts.append($0)
        }
        #expect(texts.count == rows.count)
        #expect(texts.map { $0[0] } == rows.map(\.text))
        #expect(texts.map { $0[1] } == rows.map(\.optionalText))
        #expect(texts.map { $0[2] } == rows.map { String($0.u64) })
        #expect(texts.map { $0[3] } == rows.map { String($0.i64) })
    }

    @Test func twoMillionRowsStreamInAndOutInBoundedMemory() throws {
        let client = TestServer.client(database: TestServer.database)
        let table = try TestServer.newTable("bulk")
        defer { try? client.execute("DROP TABLE IF EXISTS \(SQLLiteral.identifier(table))") }
        try client.execute("CREATE TABLE \(SQLLiteral.identifier(table)) (id UInt64, k UInt32, v Float64, s Nullable(String)) "
            + "ENGINE = MergeTree() ORDER BY id")
        let total = 2_000_000
        struct Sums: Equatable { var id: UInt64 = 0, k: UInt64 = 0, v = 0.0, nulls = 0, length = 0 }
        func key(_ i: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: i &* 2_654_435_761) }
        var sent = Sums()
        var i: UInt64 = 0
        let upload = try client.insert(into: table, columns: [.init("id", .uint64), .init("k", .uint32), .init("v", .float64),
                                                              .init("s", .nullable(.string))]) { w in
            guard i < UInt64(total) else { return false }
            let k = key(i)
            let v = Double(i % 1000) * 0.25
            w.writeUInt64(i); w.writeUInt32(k); w.writeFloat64(v)
            if i % 7 == 0 {
                let s = i % 2 == 0 ? "even" : "odd\tvalue"
                w.writeString(s)
                sent.length += s.utf8.count
            } else {
                w.writeNull()
                sent.nulls += 1
            }
            sent.id &+= i; sent.k += UInt64(k); sent.v += v
            i += 1
            return true
        }
        #expect(upload.rows == total)
        #expect(upload.peakBufferedBytes < 64, "only the row that straddles curl's buffer is held")

        let serverSide = try client.queryText("SELECT count(), sum(id), sum(k), sum(v), countIf(isNull(s)), sum(length(ifNull(s, ''))) "
            + "FROM \(SQLLiteral.identifier(table))")
        #expect(serverSide == "\(total)\t\(sent.id)\t\(sent.k)\t\(Int(sent.v))\t\(sent.nulls)\t\(sent.length)\n")

        var got = Sums()
        var expectedID: UInt64 = 0
        var outOfOrder = 0
        let download = try client.select("SELECT id, k, v, s FROM \(SQLLiteral.identifier(table)) ORDER BY id",
                                         columns: [.uint64, .uint32, .float64, .nullable(.string)]) { row in
            let id = try row.readUInt64()
            if id != expectedID { outOfOrder += 1 }
            expectedID = id + 1
            got.id &+= id
            got.k += UInt64(try row.readUInt32())
            got.v += try row.readFloat64()
            if try row.isNull() { got.nulls += 1 } else { got.length += try row.withStringBytes { $0.count } }
        }
        #expect(download.rows == total)
        #expect(outOfOrder == 0)
        #expect(got == sent)
        #expect(download.bytes > 40_000_000)
        #expect(download.peakBufferedBytes <= 2 << 20, "receive buffer stays at its initial size")
    }

    @Test func unknownTableIsCode60WithTheQuery() throws {
        _ = try TestServer.newTable("unused")         // the database must exist, or the code is 81
        let client = TestServer.client()
        let sql = "SELECT x FROM restock_test.no_such_table_at_all"
        let error = try #require(throws: ClickHouseError.self) {
            try client.select(sql, columns: [.uint8]) { _ in }
        }
        #expect(error.kind == .server)
        #expect(error.code == 60)
        #expect(error.httpStatus == 404)
        #expect(error.query == sql)
        #expect(error.message.contains("no_such_table_at_all"))
        let viaExecute = try #require(throws: ClickHouseError.self) { try client.execute("DROP TABLE restock_test.no_such_table_at_all") }
        #expect(viaExecute.code == 60)
    }

    @Test func exceptionAppendedToA200StreamIsDetected() throws {
        let client = TestServer.client()
        let sql = "SELECT number, throwIf(number = 500000) FROM numbers(1000000)"
        var delivered = 0
        var wrong = 0
        let error = try #require(throws: ClickHouseError.self) {
            try client.select(sql, columns: [.uint64, .uint8]) { row in
                if try row.readUInt64() != UInt64(row.rowNumber) || (try row.readUInt8()) != 0 { wrong += 1 }
                delivered += 1
            }
        }
        #expect(error.kind == .server)
        #expect(error.code == 395)
        #expect(error.httpStatus == 200, "the server had started the stream: the error came appended to it")
        #expect(delivered > 0 && delivered <= 500_000)
        #expect(wrong == 0, "the exception text was never decoded as rows")

        let buffered = try #require(throws: ClickHouseError.self) {
            try client.select(sql, columns: [.uint64, .uint8], settings: ClickHouseSettings(waitEndOfQuery: true)) { _ in }
        }
        #expect(buffered.code == 395)
        #expect(buffered.httpStatus == 500)

        let text = try #require(throws: ClickHouseError.self) {
            try client.selectTabSeparated(sql, settings: ClickHouseSettings(waitEndOfQuery: false)) { _ in }
        }
        #expect(text.code == 395)
        #expect(text.httpStatus == 200)
    }

    @Test func hostileLiteralsAndIdentifiersRoundTripUnchanged() throws {
        let client = TestServer.client()
        let table = try TestServer.newTable("hostile") + "`; DROP TABLE x; --\\"
        let target = TestServer.qualified(table)
        let column = "va`lue'; --"
        defer { try? client.execute("DROP TABLE IF EXISTS \(target)") }
        try client.execute("CREATE TABLE \(target) (id UInt32, \(SQLLiteral.identifier(column)) String) ENGINE = MergeTree() ORDER BY id")
        let hostile = ["'; DROP TABLE t; --", "\\'; DROP TABLE t; --", "\\", "'", "''", "\\\\'", "a\0b", "\u{1}\u{7f}\u{1b}[31m",
                       "tab\t nl\n cr\r", "日本語 🙂", "`", "\"", "{p:String}", "%s %d", "--", "/* x */", "\\N", ""]
        for (i, value) in hostile.enumerated() {
            try client.execute("INSERT INTO \(target) (id, \(SQLLiteral.identifier(column))) VALUES (\(SQLLiteral.integer(i)), \(SQLLiteral.string(value)))")
        }
        var stored: [String] = []
        try client.select("SELECT \(SQLLiteral.identifier(column)) FROM \(target) ORDER BY id", columns: [.string]) {
            stored.append(try $0.readString())
        }
        #expect(stored == hostile)
        for value in hostile {
            var echoed: String?
            try client.select("SELECT \(SQLLiteral.string(value))", columns: [.string]) { echoed = try $0.readString() }
            #expect(echoed == value)
            let matches = try client.queryText("SELECT count() FROM \(target) WHERE \(SQLLiteral.identifier(column)) = \(SQLLiteral.string(value))")
            #expect(matches == "1\n", "\(value.debugDescription) compared equal to itself")
        }
        let names = try client.queryText("SELECT count() FROM system.tables WHERE database = \(SQLLiteral.string(TestServer.database)) "
            + "AND name = \(SQLLiteral.string(table))")
        #expect(names == "1\n", "the table has exactly the hostile name")
        var next = 0
        try client.insert(into: table, database: TestServer.database, columns: [.init("id", .uint32), .init(column, .string)]) { w in
            guard next < hostile.count else { return false }
            w.writeUInt32(UInt32(1000 + next)); w.writeString(hostile[next])
            next += 1
            return true
        }
        #expect(try TestServer.count(table) == 2 * hostile.count)
    }

    @Test func failedProducerCommitsNothing() throws {
        struct SourceFailed: Error, Equatable {}
        let client = TestServer.client()
        let table = try TestServer.newTable("aborted")
        defer { try? client.execute("DROP TABLE IF EXISTS \(TestServer.qualified(table))") }
        try client.execute("CREATE TABLE \(TestServer.qualified(table)) (x UInt8) ENGINE = MergeTree() ORDER BY tuple()")
        // One-byte rows, so every cut of the body is a row boundary that the server could take for
        // the end; one insert block, so nothing is flushed before the end of the body.
        var produced = 0
        #expect(throws: SourceFailed()) {
            try client.insert(into: table, database: TestServer.database, columns: [.init("x", .uint8)],
                              settings: ClickHouseSettings(maxInsertBlockSize: 50_000_000)) { w in
                if produced == 3_000_000 { throw SourceFailed() }
                w.writeUInt8(UInt8(truncatingIfNeeded: produced))
                produced += 1
                return true
            }
        }
        try TestServer.waitForQueries(on: table)
        #expect(try TestServer.count(table) == 0)
    }

    /// Why the abortive close matters: 18.16 commits the body a client sent before it closed
    /// normally (current servers reject a chunked body without its terminator, so this is 18.x only).
    @Test(.enabled(if: TestServer.majorVersion == 18, "18.x behaviour"))
    func withoutAbortiveCloseAFailedProducerWouldCommitItsPrefix() throws {
        struct SourceFailed: Error {}
        var client = TestServer.client()
        client.abortiveCloseOnInsert = false
        let table = try TestServer.newTable("fin")
        defer { try? client.execute("DROP TABLE IF EXISTS \(TestServer.qualified(table))") }
        try client.execute("CREATE TABLE \(TestServer.qualified(table)) (x UInt8) ENGINE = MergeTree() ORDER BY tuple()")
        var produced = 0
        #expect(throws: SourceFailed.self) {
            try client.insert(into: table, database: TestServer.database, columns: [.init("x", .uint8)],
                              settings: ClickHouseSettings(maxInsertBlockSize: 50_000_000)) { w in
                if produced == 3_000_000 { throw SourceFailed() }
                w.writeUInt8(1)
                produced += 1
                return true
            }
        }
        try TestServer.waitForQueries(on: table)
        let committed = try TestServer.count(table)
        #expect(committed > 0 && committed < 3_000_000)
    }

    @Test func wrongPasswordIsAnAuthenticationErrorThatNeverShowsThePassword() throws {
        for authentication in [ClickHouseConfiguration.Authentication.headers, .basic] {
            let client = TestServer.client {
                $0.user = "default"
                $0.password = "s3cret-pw"
                $0.authentication = authentication
            }
            let error = try #require(throws: ClickHouseError.self) { try client.execute("SELECT 1") }
            #expect(error.httpStatus == 401 || error.httpStatus == 403)
            #expect(error.code == 193 || error.code == 516, "wrong password (18.16) or authentication failed (current)")
            #expect(!error.description.contains("s3cret"))
        }
    }

    @Test func everyOfferedSettingIsKnownToTheServer() throws {
        let settings = ClickHouseSettings(
            maxThreads: 2, maxMemoryUsage: 4_000_000_000, maxExecutionTime: 60, maxBlockSize: 65536,
            maxInsertBlockSize: 1_048_576, minInsertBlockSizeRows: 1_048_576, minInsertBlockSizeBytes: 268_435_456,
            inputFormatAllowErrorsNum: 0, inputFormatAllowErrorsRatio: 0.01, inputFormatSkipUnknownFields: false,
            maxResultRows: 1000, resultOverflowMode: .throw, joinUseNulls: false, logQueries: false, waitEndOfQuery: true)
        #expect(settings.parameters.count == 15)
        #expect(try TestServer.client().queryText("SELECT 1", settings: settings) == "1\n")
    }

    @Test func defaultDatabaseAppliesToUnqualifiedNames() throws {
        let table = try TestServer.newTable("plain")
        let client = TestServer.client(database: TestServer.database)
        defer { try? client.execute("DROP TABLE IF EXISTS \(SQLLiteral.identifier(table))") }
        try client.execute("CREATE TABLE \(SQLLiteral.identifier(table)) (x UInt16) ENGINE = Memory")
        var n = 0
        try client.insert(into: table, columns: [.init("x", .uint16)]) { w in
            n += 1
            w.writeUInt16(UInt16(n))
            return n < 10
        }
        #expect(try TestServer.count(table) == 10)
        #expect(try client.serverVersion().first?.isNumber == true)
    }
}

/// Counts attempts through a real CurlTransport.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var attempts: Int { lock.lock(); defer { lock.unlock() }; return count }

    func perform(_ request: HTTPRequest, onHead: (HTTPResponseHead) throws -> Void,
                 onBody: (UnsafeRawBufferPointer) throws -> Void) throws -> HTTPResponseHead {
        lock.lock(); count += 1; lock.unlock()
        return try CurlTransport().perform(request, onHead: onHead, onBody: onBody)
    }
}

@Test func refusedConnectionIsRetriedThenReportedAsATransportError() throws {
    let closed = try LoopbackHTTPServer { _ in .init(body: "") }
    let url = closed.url
    closed.stop()
    var configuration = ClickHouseConfiguration(url: url)
    configuration.retry = .init(maxAttempts: 3, initialDelay: 0.01)
    let transport = CountingTransport()
    let client = ClickHouseClient(configuration: configuration, transport: transport)
    let error = try #require(throws: TransportError.self) {
        try client.select("SELECT 1", columns: [.uint8]) { _ in }
    }
    #expect(error.kind == .couldNotConnect)
    #expect(transport.attempts == 3)
}

extension ClickHouseServerTests {
    @Test func serverErrorWhileTheInsertBodyStreamsIsTheServerError() throws {
        let client = TestServer.client()
        let table = try TestServer.newTable("narrow")
        defer { try? client.execute("DROP TABLE IF EXISTS \(TestServer.qualified(table))") }
        var produced = 0
        let missing = try #require(throws: ClickHouseError.self) {
            try client.insert(into: "no_such_table_at_all", database: TestServer.database, columns: [.init("x", .uint64)]) { w in
                w.writeUInt64(UInt64(produced))
                produced += 1
                return produced < 5_000_000
            }
        }
        #expect(missing.code == 60)
        #expect(missing.query == "INSERT INTO `restock_test`.`no_such_table_at_all` (`x`) FORMAT RowBinary")

        // Declared String, stored UInt8: RowBinary has no framing, so the server would take every
        // byte as a row. The DESCRIBE check refuses before the producer runs.
        try client.execute("CREATE TABLE \(TestServer.qualified(table)) (x UInt8) ENGINE = MergeTree() ORDER BY tuple()")
        produced = 0
        let produce: (inout RowBinaryWriter) -> Bool = { w in
            w.writeString(String(repeating: "z", count: 300))
            produced += 1
            return produced < 1000
        }
        let wrongType = try #require(throws: ClickHouseError.self) {
            try client.insert(into: table, database: TestServer.database, columns: [.init("x", .string)], produce: produce)
        }
        #expect(wrongType.kind == .columnMismatch)
        #expect(wrongType.message.hasPrefix("column x is UInt8, declared String"))
        #expect(produced == 0)
        let unchecked = TestServer.client { $0.verifyColumnTypes = false }
        let garbage = try unchecked.insert(into: table, database: TestServer.database, columns: [.init("x", .string)], produce: produce)
        #expect(try TestServer.count(table) == garbage.bytes, "without the check each byte became a UInt8 row")
        try client.execute("TRUNCATE TABLE \(TestServer.qualified(table))")
        #expect(try TestServer.count(table) == 0)
    }

    @Test func selectColumnsAreCheckedAgainstTheResultTypes() throws {
        let client = TestServer.client()
        let table = try TestServer.newTable("wire")
        defer { try? client.execute("DROP TABLE IF EXISTS \(TestServer.qualified(table))") }
        try client.execute("CREATE TABLE \(TestServer.qualified(table)) (kind Enum8('prior' = 0, 'train' = 1), day Date, "
            + "at Nullable(DateTime)) ENGINE = Memory")
        try client.execute("INSERT INTO \(TestServer.qualified(table)) VALUES ('train', '1970-01-11', NULL), ('prior', '1970-01-02', 60)")
        var rows: [String] = []
        try client.select("SELECT kind, day, at FROM \(TestServer.qualified(table)) ORDER BY day",
                          columns: [.int8, .uint16, .nullable(.uint32)]) { row in
            rows.append("\(try row.readInt8()) \(try row.readUInt16()) \(String(describing: try row.readOptional { try $0.readUInt32() }))")
        }
        #expect(rows == ["0 1 Optional(60)", "1 10 nil"])
        let error = try #require(throws: ClickHouseError.self) {
            try client.select("SELECT number, toFloat64(number) FROM numbers(3)", columns: [.uint64, .uint64]) { _ in }
        }
        #expect(error.kind == .columnMismatch)
        #expect(error.message.contains("is Float64, declared UInt64"))
        let count = try #require(throws: ClickHouseError.self) {
            try client.select("SELECT 1, 2", columns: [.uint8]) { _ in }
        }
        #expect(count.message.hasPrefix("the query returns 2 columns, 1 declared"))
    }
}
