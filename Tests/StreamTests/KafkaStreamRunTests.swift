import Foundation
import Testing
import TestSupport
@testable import Stream

/// The sink over a Kafka topic (librdkafka's mock broker; not Apache Kafka) into a real ClickHouse:
/// the same guarantees as over JetStream. Events published twice (Kafka stores both) and a consumer
/// that dies after inserting a batch but before committing it still leave the tables equal to a
/// batch ingest of the same data.
@Suite(.enabled(if: ClickHouseTestDatabase.isAvailable, Comment(rawValue: ClickHouseTestDatabase.skipReason)), .serialized)
struct KafkaStreamRunTests {
    func run(_ consumer: KafkaLogConsumer, _ deadLetters: KafkaLogPublisher, into db: ClickHouseTestDatabase) -> StreamRun {
        var run = StreamRun(client: db.client, database: db.name, log: consumer, deadLetters: deadLetters)
        run.batchSize = 7
        run.maxWait = 0.5
        run.untilIdle = 2
        run.lockWait = 5
        run.retry = StreamRetryPolicy(initialDelay: 0.05, maxDelay: 0.5, giveUpAfter: 30)
        return run
    }

    @Test func publishedTwiceAndCrashedBeforeCommitEqualsBatchIngest() throws {
        let f = try #require(StreamRunTests.fixture, "the stream fixture could not be built")
        var own: ThrowawayKafkaBroker?
        if ThrowawayKafkaBroker.shared == nil { own = try ThrowawayKafkaBroker() }
        defer { own?.stop() }
        let topic = "sink-\(UUID().uuidString.prefix(8))"
        let log = KafkaLog(brokers: ThrowawayKafkaBroker.shared ?? own?.brokers ?? "", topic: topic, sessionTimeout: 6)
        let publisher = try log.openPublisher()
        for event in f.removed + f.removed { try publisher.publish(OrderEventJSON.encode(event), id: event.messageID) }
        try publisher.flush()
        let db = try f.historyDatabase()
        defer { db.drop() }

        // The first consumer inserts batch 2 and dies before committing it.
        let first = try log.openConsumer(group: topic)
        var crashing = run(first, publisher, into: db)
        let batches = Counter()
        crashing.fault = { reached in
            if reached == .afterInsert, batches.next(at: reached) == 2 { throw StreamFaultStop(reached) }
        }
        #expect(throws: StreamFaultStop.self) { try crashing.run() }
        first.close()

        // The group's next consumer resumes at the committed offset: batch 2 again, then the rest.
        let rest = try run(try log.openConsumer(group: topic), publisher, into: db).run()
        #expect(try StreamFixture.fingerprints(db) == f.referencePrints)
        #expect(rest.deadLetterTotal == 0)
        #expect(rest.duplicatesSkipped > f.removed.count, "the second publication and the redelivered batch are skipped")
        #expect(rest.ordersAppended + rest.duplicatesSkipped == rest.events)
    }
}
