@testable import ClickHouse
import HTTPClient
import TestSupport
import Testing

/// The stall timeout counts seconds without a byte, and asks the server before giving up.

/// A server that accepts the connection and never answers (nothing reads the socket): the request
/// fails as timed out after the stall timeout and one unanswered question on a second connection,
/// and is not retried.
@Test func aServerThatAcceptsAndNeverAnswersFailsAfterTheStallTimeout() throws {
    let server = try SilentTCPListener()
    defer { server.stop() }
    var configuration = ClickHouseConfiguration(url: server.url)
    configuration.stallTimeout = 1
    configuration.retry = .init(maxAttempts: 3, initialDelay: 0.01)
    let transport = CountingTransport()
    let client = ClickHouseClient(configuration: configuration, transport: transport)
    let error = try #require(throws: TransportError.self) { try client.execute("CREATE DATABASE x") }
    #expect(error.kind == .timedOut)
    #expect(error.description.contains("no byte moved for 1 s"), "\(error)")
    #expect(error.description.contains("did not confirm"), "\(error)")
    #expect(transport.attempts == 2)                 // the statement and the system.processes question
}

/// A statement that computes for longer than the stall timeout, sending nothing meanwhile (18.16
/// sends no progress headers), succeeds: the server lists its query_id in system.processes.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct ClickHouseStallServerTests {
    @Test func aLongSilentStatementSucceedsWhileTheServerRunsIt() throws {
        var configuration = TestServer.client().configuration
        configuration.stallTimeout = 1
        let transport = CountingTransport()
        let client = ClickHouseClient(configuration: configuration, transport: transport)
        #expect(try client.queryText("SELECT sleep(3)") == "0\n")
        #expect(transport.attempts >= 2)              // at least one question about the running query
    }
}
