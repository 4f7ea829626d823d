import Foundation
import TestSupport
import Testing

/// `restock publish --nats` end to end against a real nats-server with JetStream.
@Suite(.enabled(if: NATSTestServer.isAvailable, Comment(rawValue: NATSTestServer.skipReason)))
struct NATSPublishCommandTests {
    static func summary(_ result: RestockProcess.Result) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["result"] as? [String: Any] ?? [:]
    }

    @Test func publishingTwiceReportsEveryOrderAsADuplicateTheSecondTime() throws {
        let dir = try TemporaryDirectory(prefix: "restock-publish-cli")
        defer { dir.remove() }
        let data = dir.file("data")
        let generated = try RestockProcess.run(["generate", "--users", "150", "--seed", "21", "--out", data, "--quiet"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let orders = try GeneratedData.integers(data + "/orders.csv").rows.count
        try NATSTestServer.with { url in
            let name = NATSTestServer.uniqueName("c")
            let arguments = ["publish", "--data", data, "--nats", url, "--stream", name.uppercased(), "--subject", name + ".new",
                             "--max-pending", "100", "--json"]
            let first = try RestockProcess.run(arguments)
            #expect(first.status == 0, "\(first.stderr)")
            let one = try Self.summary(first)
            #expect(one["events"] as? Int == orders)
            #expect(one["duplicates"] as? Int == 0)
            let second = try RestockProcess.run(arguments)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(try Self.summary(second)["duplicates"] as? Int == orders)

            let last = try RestockProcess.run(["publish", "--data", data, "--nats", url, "--stream", name.uppercased(), "--subject",
                                               name + ".new", "--last", "1", "--limit", "40", "--json"])
            #expect(last.status == 0, "\(last.stderr)")
            #expect(try Self.summary(last)["events"] as? Int == 40)
            #expect(try Self.summary(last)["duplicates"] as? Int == 40)
        }
    }

    @Test func anUnreachableServerExits69() throws {
        let closed = try SilentTCPListener()
        closed.stop()
        let dir = try TemporaryDirectory(prefix: "restock-publish-cli")
        defer { dir.remove() }
        let data = dir.file("data")
        #expect(try RestockProcess.run(["generate", "--users", "20", "--out", data, "--quiet"]).status == 0)
        let result = try RestockProcess.run(["publish", "--data", data, "--nats", "nats://127.0.0.1:\(closed.port)"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("cannot connect to NATS at nats://127.0.0.1:\(closed.port)"), "\(result.stderr)")
    }

    @Test func badOptionsAreUsageErrors() throws {
        for arguments in [["--last", "2", "--orders", "train"], ["--rate", "0"], ["--max-pending", "0"], ["--stream", "a.b"],
                          ["--subject", "orders.*"], ["--orders", "some"]] {
            let result = try RestockProcess.run(["publish", "--data", "/nonexistent", "--nats", "nats://127.0.0.1:1"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
        #expect(try RestockProcess.run(["publish", "--data", "/nonexistent"]).status == 64)
    }
}
