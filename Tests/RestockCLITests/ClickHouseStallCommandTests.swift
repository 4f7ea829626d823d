import Foundation
import TestSupport
import Testing

/// A server that accepts connections and never answers: `ingest` and `features` fail after about
/// `--clickhouse-stall-timeout` (plus as long again for the unanswered question whether the
/// statement still runs) with a timeout error and exit 74, instead of waiting 30 minutes.
@Suite struct ClickHouseStallCommandTests {
    @Test func aServerThatNeverAnswersFailsTheCommandAfterTheStallTimeout() throws {
        let server = try SilentTCPListener()
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "restock-stall")
        defer { dir.remove() }
        let data = dir.file("data")
        #expect(try RestockProcess.run(["generate", "--users", "20", "--seed", "5", "--out", data]).status == 0)
        for arguments in [["ingest", "--data", data], ["features", "--out", dir.file("f.csv")]] {
            let result = try RestockProcess.run(arguments + ["--clickhouse", server.url, "--clickhouse-stall-timeout", "1"])
            #expect(result.status == 74, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("request to \(server.url)/ timed out: no byte moved for 1 s and the server did not confirm"),
                    "\(arguments[0]): \(result.stderr)")
        }
    }
}
