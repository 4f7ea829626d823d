@testable import ClickHouse
import Foundation
import HTTPClient
import TestSupport
import Testing

/// Client behaviour against a scripted transport: requests, errors, retries. No server needed.
final class PauseRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    var pauses: [Double] { lock.lock(); defer { lock.unlock() }; return values }
    func record(_ seconds: Double) { lock.lock(); values.append(seconds); lock.unlock() }
}

private func makeClient(_ transport: FakeTransport, _ configure: (inout ClickHouseConfiguration) -> Void = { _ in })
    -> (ClickHouseClient, PauseRecorder) {
    var configuration = ClickHouseConfiguration(url: "http://127.0.0.1:8123/", user: "ingest", password: "pa55-word",
                                                database: "analytics")
    configuration.verifyColumnTypes = false       // one scripted reply per call
    configure(&configuration)
    var client = ClickHouseClient(configuration: configuration, transport: transport)
    let recorder = PauseRecorder()
    client.pause = { recorder.record($0) }
    return (client, recorder)
}

@Test func executeSendsSQLInTheBodyAndCredentialsOnlyInHeaders() throws {
    let transport = FakeTransport([.success(.init())])
    let (client, _) = makeClient(transport)
    try client.execute("CREATE TABLE t (x UInt8) ENGINE = Memory", settings: ClickHouseSettings(maxThreads: 2))
    let request = try #require(transport.requests.first)
    #expect(request.method == .post)
    #expect(request.url.hasPrefix("http://127.0.0.1:8123/?database=analytics&query_id="))
    #expect(request.url.hasSuffix("&max_threads=2&wait_end_of_query=1"))
    #expect(!request.url.contains("pa55"))
    #expect(request.headers.contains { $0 == ("X-ClickHouse-User", "ingest") })
    #expect(request.headers.contains { $0 == ("X-ClickHouse-Key", "pa55-word") })
    guard case .bytes(let body) = request.body else { Issue.record("SQL not sent as bytes"); return }
    #expect(String(decoding: body, as: UTF8.self) == "CREATE TABLE t (x UInt8) ENGINE = Memory")
}

@Test func basicAuthenticationIsOneHeader() throws {
    let transport = FakeTransport([.success(.init())])
    let (client, _) = makeClient(transport) { $0.authentication = .basic }
    try client.execute("SELECT 1")
    let headers = try #require(transport.requests.first).headers
    #expect(headers.count == 1)
    #expect(headers.first! == ("Authorization", "Basic " + "aW5nZXN0OnBhNTUtd29yZA=="))   // ingest:pa55-word
}

@Test func credentialsInTheURLMoveOutOfItAndNeverShow() {
    let configuration = ClickHouseConfiguration(url: "http://bob:p%40ss%3Aw@db.example:8123/")
    #expect(configuration.url == "http://db.example:8123")
    #expect(configuration.user == "bob")
    #expect(configuration.password == "p@ss:w")
    var dumped = ""
    dump(configuration, to: &dumped)
    for text in [configuration.description, String(describing: configuration), String(reflecting: configuration), dumped] {
        #expect(!text.contains("p@ss"), "\(text)")
    }
    #expect(ClickHouseConfiguration.base64(Array("ab".utf8)) == "YWI=")
    #expect(ClickHouseConfiguration.base64(Array("abc".utf8)) == "YWJj")
}

@Test func errorStatusBecomesClickHouseErrorWithCodeMessageAndQuery() throws {
    let body = Array("Code: 60, e.displayText() = DB::Exception: Table analytics.nosuch doesn't exist., e.what() = DB::Exception\n".utf8)
    let transport = FakeTransport([.success(.init(status: 404, body: body))])
    let (client, _) = makeClient(transport)
    let sql = "SELECT x FROM nosuch"
    let error = try #require(throws: ClickHouseError.self) {
        try client.select(sql, columns: [.uint8]) { _ in Issue.record("no rows expected") }
    }
    #expect(error.kind == .server)
    #expect(error.code == 60)
    #expect(error.httpStatus == 404)
    #expect(error.message == "Table analytics.nosuch doesn't exist.")
    #expect(error.query == sql)
    #expect(transport.requests[0].url.contains("query_id=\(error.queryID)"))
    #expect(!error.description.contains("pa55"))
    #expect(error.description.contains(sql))
}

@Test func exceptionCodeHeaderIsUsedWhenTheBodyIsNotClickHouseText() throws {
    let transport = FakeTransport([.success(.init(status: 500, headers: ["x-clickhouse-exception-code": "241"], body: Array("oops".utf8)))])
    let (client, _) = makeClient(transport)
    let error = try #require(throws: ClickHouseError.self) { try client.execute("SELECT 1") }
    #expect(error.code == 241)
    #expect(error.message == "oops")
}

@Test func onlyConnectionFailuresAreRetriedWithExponentialBackoff() throws {
    let refusedTwice = FakeTransport([.failure(.refused), .failure(.refused), .success(.init(body: Array("1\n".utf8)))])
    let (retrying, recorder) = makeClient(refusedTwice)
    #expect(try retrying.queryText("SELECT 1") == "1\n")
    #expect(refusedTwice.requests.count == 3)
    #expect(recorder.pauses == [0.1, 0.2])

    for failure in [TransportError.broken, .stalled] {
        let transport = FakeTransport([.failure(failure), .success(.init())])
        let (client, recorder) = makeClient(transport)
        #expect(throws: failure) { try client.execute("INSERT INTO t SELECT 1") }
        #expect(transport.requests.count == 1, "\(failure.kind) may have reached the server: no retry")
        #expect(recorder.pauses.isEmpty)
    }

    let alwaysRefused = FakeTransport([.failure(.refused)])
    let (giving, giveUpRecorder) = makeClient(alwaysRefused) { $0.retry = .init(maxAttempts: 4, initialDelay: 0.5, multiplier: 3, maxDelay: 2) }
    #expect(throws: TransportError.refused) { try giving.execute("SELECT 1") }
    #expect(alwaysRefused.requests.count == 4)
    #expect(giveUpRecorder.pauses == [0.5, 1.5, 2])
}

@Test func insertNamesItsColumnsAndIsRetriedOnlyBeforeAnyRowIsProduced() throws {
    let transport = FakeTransport([.failure(.refused), .success(.init())])
    let (client, _) = makeClient(transport)
    var produced = 0
    let summary = try client.insert(into: "events", columns: [.init("id", .uint32), .init("name", .nullable(.string))]) { w in
        guard produced < 3 else { return false }
        w.writeUInt32(UInt32(produced))
        if produced == 1 { w.writeNull() } else { w.writeString("n\(produced)") }
        produced += 1
        return true
    }
    #expect(summary.rows == 3)
    #expect(transport.requests.count == 2)
    let url = transport.requests[1].url
    #expect(url.contains("&query=INSERT%20INTO%20%60events%60%20%28%60id%60%2C%20%60name%60%29%20FORMAT%20RowBinary"))
    #expect(transport.requests[1].abortiveClose)
    #expect(transport.uploads == [[0, 0, 0, 0, 0, 2, 0x6e, 0x30, 1, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x6e, 0x32]])
    #expect(summary.bytes == 21)
}

@Test func producerErrorsAreRethrownAndWrongColumnsBecomeColumnMismatch() throws {
    struct SourceFailed: Error, Equatable {}
    let transport = FakeTransport([.success(.init())])
    let (client, _) = makeClient(transport)
    #expect(throws: SourceFailed()) {
        try client.insert(into: "t", columns: [.init("x", .uint8)]) { _ in throw SourceFailed() }
    }
    let error = try #require(throws: ClickHouseError.self) {
        try client.insert(into: "t", columns: [.init("x", .uint8)]) { w in w.writeFloat64(1); return false }
    }
    #expect(error.kind == .columnMismatch)
    #expect(error.query == "INSERT INTO `t` (`x`) FORMAT RowBinary")
}

@Test func aStreamThatBreaksAfterAnExceptionReportsTheException() throws {
    // Current servers cut the connection after writing the exception into the stream.
    let text = Array("\r\n__exception__\r\nCode: 395. DB::Exception: Value passed to 'throwIf' function is non zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 25.3.1.1)\n".utf8)
    let transport = FakeTransport([.success(.init(body: [1, 2, 3] + text, failure: .broken))])
    let (client, _) = makeClient(transport)
    let error = try #require(throws: ClickHouseError.self) {
        try client.select("SELECT toUInt8(number) FROM numbers(10)", columns: [.uint8]) { _ = try $0.readUInt8() }
    }
    #expect(error.code == 395)
    #expect(error.httpStatus == 200)

    let plain = FakeTransport([.success(.init(body: [1, 2, 3], failure: .broken))])
    #expect(throws: TransportError.broken) {
        try makeClient(plain).0.select("SELECT 1", columns: [.uint8]) { _ = try $0.readUInt8() }
    }
}

@Test func appendedExceptionOverRealHTTPIsAServerError() throws {
    // A loopback server plays 18.16: 200, rows, then the exception text.
    let rows = (0..<100_000).flatMap { i in withUnsafeBytes(of: UInt32(i).littleEndian, Array.init) }
    let text = "Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded, e.what() = DB::Exception\n"
    let server = try LoopbackHTTPServer { _ in
        var response = LoopbackHTTPServer.Response(body: "")
        response.body = rows + Array(text.utf8)
        return response
    }
    defer { server.stop() }
    var configuration = ClickHouseConfiguration(url: server.url)
    configuration.verifyColumnTypes = false
    let client = ClickHouseClient(configuration: configuration)
    var last: UInt32?
    let error = try #require(throws: ClickHouseError.self) {
        try client.select("SELECT toUInt32(number) FROM numbers(1e6)", columns: [.uint32]) { last = try $0.readUInt32() }
    }
    #expect(error.code == 241)
    #expect(error.httpStatus == 200)
    #expect(last.map { $0 < 100_000 } ?? true, "only real rows reached the handler")
}

@Test func declaredColumnsAreCheckedWithDescribeBeforeAnyRowMoves() throws {
    let describe = Array("id\tUInt64\t\t\nkind\tEnum8(\\'a\\' = 1, \\'b\\' = 2)\t\t\nday\tNullable(Date)\t\t\n".utf8)
    let transport = FakeTransport([.success(.init(body: describe))])
    let (client, _) = makeClient(transport) { $0.verifyColumnTypes = true }
    let error = try #require(throws: ClickHouseError.self) {
        try client.select("SELECT id, kind, day FROM t;", columns: [.uint32, .int8, .nullable(.uint16)]) { _ in }
    }
    #expect(error.kind == .columnMismatch)
    #expect(error.message.hasPrefix("column 1 (id) is UInt64, declared UInt32"))
    #expect(transport.requests.count == 1, "the query itself was never sent")
    guard case .bytes(let sent) = transport.requests[0].body else { Issue.record("no SQL body"); return }
    #expect(String(decoding: sent, as: UTF8.self) == "DESCRIBE TABLE (\nSELECT id, kind, day FROM t\n)")

    var produced = 0
    let insertError = try #require(throws: ClickHouseError.self) {
        try client.insert(into: "t", columns: [.init("id", .uint64), .init("kind", .int8), .init("extra", .string)]) { _ in
            produced += 1
            return false
        }
    }
    #expect(insertError.kind == .columnMismatch)
    #expect(insertError.message.hasPrefix("the table has no column extra"))
    #expect(produced == 0)

    let fine = FakeTransport([.success(.init(body: describe)), .success(.init())])
    try makeClient(fine) { $0.verifyColumnTypes = true }.0.insert(
        into: "t", columns: [.init("day", .nullable(.uint16)), .init("kind", .int8)]) { _ in false }
    #expect(fine.requests.count == 2)
}

@Test func serverTypesMapToTheRowBinaryTypesTheyUse() {
    #expect(ClickHouseColumnType(wireCompatibleWith: "UInt64") == .uint64)
    #expect(ClickHouseColumnType(wireCompatibleWith: "Nullable(String)") == .nullable(.string))
    #expect(ClickHouseColumnType(wireCompatibleWith: "Enum8('prior' = 0, 'train' = 1)") == .int8)
    #expect(ClickHouseColumnType(wireCompatibleWith: "Enum16('x' = 1000)") == .int16)
    #expect(ClickHouseColumnType(wireCompatibleWith: "Date") == .uint16)
    #expect(ClickHouseColumnType(wireCompatibleWith: "Nullable(DateTime('UTC'))") == .nullable(.uint32))
    #expect(ClickHouseColumnType(wireCompatibleWith: "LowCardinality(Nullable(String))") == .nullable(.string))
    for unsupported in ["FixedString(4)", "Decimal(9, 4)", "Array(UInt8)", "UUID", "DateTime64(3)", "Nullable(Nullable(UInt8))"] {
        #expect(ClickHouseColumnType(wireCompatibleWith: unsupported) == nil, "\(unsupported)")
    }
}

@Test func hungServerTimesOutAndIsNotRetried() throws {
    // The connection is accepted but no byte comes back (a stopped server): the stall timeout fires.
    let server = try LoopbackHTTPServer { _ in
        usleep(3_000_000)
        return .init(body: "late")
    }
    defer { server.stop() }
    var configuration = ClickHouseConfiguration(url: server.url)
    configuration.stallTimeout = 1
    configuration.retry = .init(maxAttempts: 3, initialDelay: 0.01)
    let transport = CountingTransport()
    let client = ClickHouseClient(configuration: configuration, transport: transport)
    let error = try #require(throws: TransportError.self) { try client.execute("SELECT sleep(3)") }
    #expect(error.kind == .timedOut)
    #expect(transport.attempts == 2)          // the statement once, then one unanswered system.processes question
}
