import Foundation
import TestSupport
import Testing

/// `restock publish --kafka` then `restock stream --kafka` end to end: librdkafka's mock broker
/// (not Apache Kafka) and a real ClickHouse. Every order of a generated folder, streamed onto a
/// catalog-only database, leaves the six tables equal to a batch ingest of the folder.
@Suite(.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)))
struct KafkaStreamCommandTests {
    static let tables = ["orders", "order_products__prior", "order_products__train", "products", "aisles", "departments"]

    @Test func ordersStreamedFromKafkaEqualBatchIngest() throws {
        let url = try #require(ClickHouseTestDatabase.url)
        let dir = try TemporaryDirectory(prefix: "restock-stream-kafka")
        defer { dir.remove() }
        let data = dir.file("data"), catalog = dir.file("catalog")
        #expect(try RestockProcess.run(["generate", "--users", "120", "--seed", "5", "--out", data, "--quiet"]).status == 0)
        try FileManager.default.createDirectory(atPath: catalog, withIntermediateDirectories: true)
        for file in ["aisles.csv", "departments.csv", "products.csv"] {
            try FileManager.default.copyItem(atPath: data + "/" + file, toPath: catalog + "/" + file)
        }
        for file in ["orders.csv", "order_products__prior.csv", "order_products__train.csv"] {
            let header = try String(contentsOfFile: data + "/" + file, encoding: .utf8).prefix { $0 != "\n" }
            try (header + "\n").write(toFile: catalog + "/" + file, atomically: true, encoding: .utf8)
        }
        let live = try ClickHouseTestDatabase("kafka_live", url: url)
        let reference = try ClickHouseTestDatabase("kafka_ref", url: url)
        defer { live.drop(); reference.drop() }
        for (folder, db) in [(catalog, live), (data, reference)] {
            let ingest = try RestockProcess.run(["ingest", "--data", folder, "--clickhouse", url, "--database", db.name, "--quiet"])
            #expect(ingest.status == 0, "\(ingest.stderr)")
        }

        var own: ThrowawayKafkaBroker?
        if ThrowawayKafkaBroker.shared == nil { own = try ThrowawayKafkaBroker() }
        defer { own?.stop() }
        let brokers = ThrowawayKafkaBroker.shared ?? own?.brokers ?? ""
        let topic = "stream-\(UUID().uuidString.prefix(8))"
        let published = try RestockProcess.run(["publish", "--data", data, "--kafka", brokers, "--topic", topic, "--quiet"])
        #expect(published.status == 0, "\(published.stderr)")
        let streamed = try RestockProcess.run(["stream", "--kafka", brokers, "--topic", topic, "--consumer", "cli-sink",
                                               "--clickhouse", url, "--database", live.name, "--until-idle", "2", "--json"])
        #expect(streamed.status == 0, "\(streamed.stderr)")
        #expect(streamed.stderr.contains("Kafka \(brokers) topic \(topic) group cli-sink"), "\(streamed.stderr)")
        for table in Self.tables {
            #expect(try live.fingerprint(table, ["*"]) == reference.fingerprint(table, ["*"]), "\(table)")
        }
    }

    @Test func streamKafkaOptionsAreUsageErrors() throws {
        let base = ["stream", "--clickhouse", "http://127.0.0.1:1"]
        for arguments in [["--kafka", "h:1", "--nats", "nats://127.0.0.1:1"], ["--topic", "t", "--nats", "nats://127.0.0.1:1"],
                          ["--kafka", "nohost"], ["--kafka", "h:1", "--topic", "bad topic"]] {
            let result = try RestockProcess.run(base + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }
}
