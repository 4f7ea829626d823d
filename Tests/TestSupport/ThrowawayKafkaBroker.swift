import Foundation

/// librdkafka's mock Kafka cluster (not Apache Kafka), started with scripts/kafka in a temporary
/// folder for one test: `brokers` is its bootstrap address. `stop()` ends it (scripts/kafka stop)
/// and removes the folder; everything it held is gone then (the mock keeps topics in memory).
public final class ThrowawayKafkaBroker: @unchecked Sendable {
    public let directory: String
    public let brokers: String

    /// Starts the mock with `brokerCount` brokers on random loopback ports (building it first, once).
    public init(brokerCount: Int = 1) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("restock-kafka-\(UUID().uuidString)").path
        let (status, messages) = try ServiceScript.run(
            ServiceScript.path("kafka"), ["start", "--dir", directory, "--brokers", String(brokerCount)])
        let address = (try? String(contentsOfFile: directory + "/bootstrap", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if status != 0 || address.isEmpty {
            throw ServiceScript.ScriptError(message: "scripts/kafka start exited with \(status): \(messages)")
        }
        brokers = address
    }

    public func stop() {
        _ = try? ServiceScript.run(ServiceScript.path("kafka"), ["stop", "--dir", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The broker the test script started (RESTOCK_KAFKA_BROKERS), if any.
    public static var shared: String? {
        let value = ProcessInfo.processInfo.environment["RESTOCK_KAFKA_BROKERS"] ?? ""
        return value.isEmpty ? nil : value
    }
}
