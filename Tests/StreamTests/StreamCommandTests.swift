import Foundation
import Testing
import TestSupport

/// `restock stream`'s refusals: bad options are usage errors (64) before anything is opened; a
/// database without the Instacart tables is bad input (65) naming `restock ingest`.
@Suite struct StreamCommandTests {
    @Test func badOptionsAreUsageErrors() throws {
        let cases: [[String]] = [
            ["stream", "--clickhouse", "http://127.0.0.1:1"],
            ["stream", "--nats", "nats://127.0.0.1:1"],
            ["stream", "--nats", "nats://127.0.0.1:1", "--clickhouse", "http://127.0.0.1:1", "--batch", "0"],
            ["stream", "--nats", "nats://127.0.0.1:1", "--clickhouse", "http://127.0.0.1:1", "--max-wait", "-1"],
            ["stream", "--nats", "nats://127.0.0.1:1", "--clickhouse", "http://127.0.0.1:1", "--consumer", "a.b"],
        ]
        for arguments in cases {
            let result = try RestockProcess.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }

    @Test(.enabled(if: ClickHouseTestDatabase.isAvailable && NATSTestServer.isAvailable))
    func aDatabaseWithoutTheTablesIsRefused() throws {
        let db = try ClickHouseTestDatabase("stream_empty")
        defer { db.drop() }
        try NATSTestServer.with { url in
            let result = try RestockProcess.run(["stream", "--nats", url, "--stream", NATSTestServer.uniqueName("EMPTY"),
                                                 "--clickhouse", db.url, "--database", db.name, "--until-idle", "0"])
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains("restock ingest"))
        }
    }
}
