import Features
import Foundation
import Testing
import TestSupport
@testable import Stream

/// JetStreamLog against a real nats-server with JetStream (RESTOCK_NATS_URL, else one of the test's
/// own). Each test uses a stream and subjects of its own.
@Suite(.enabled(if: NATSTestServer.isAvailable, Comment(rawValue: NATSTestServer.skipReason)))
struct JetStreamLogTests {
    /// Settings for a stream `T<random>` capturing `t<random>.>`, publishing to `t<random>.new`.
    static func settings() -> JetStreamSettings {
        let name = NATSTestServer.uniqueName("t")
        var settings = JetStreamSettings()
        settings.stream = name.uppercased()
        settings.streamSubjects = [name + ".>"]
        settings.subject = name + ".new"
        settings.requestTimeout = 20
        return settings
    }

    static func log(_ url: String, _ settings: JetStreamSettings) throws -> JetStreamLog {
        let log = try JetStreamLog(url: url, settings: settings)
        try log.ensureStream()
        return log
    }

    static func consumer(_ settings: JetStreamSettings, durable: String = "sink", ackWait: Double = 30) -> JetStreamConsumerSettings {
        JetStreamConsumerSettings(durable: durable, filterSubject: settings.subject, ackWait: ackWait)
    }

    /// Fetches and acknowledges until a fetch of `maxWait` seconds returns nothing.
    static func drain(_ log: JetStreamLog, batch: Int = 500, maxWait: Double = 0.5) throws -> [LogMessage] {
        var all: [LogMessage] = []
        while true {
            let messages = try log.fetch(max: batch, maxWait: maxWait)
            if messages.isEmpty { return all }
            try log.acknowledge(messages)
            all += messages
        }
    }

    static let folder = Result { try GeneratedData.make(users: 300, seed: 5) }

    @Test func publishingAFolderTwiceStoresEachOrderOnce() throws {
        let data = try InstacartReader.read(directory: Self.folder.get().0.path)
        let feed = OrderFeed(data: data)
        try NATSTestServer.with { url in
            let settings = Self.settings()
            let first = try Self.log(url, settings)
            defer { try? first.deleteStream() }
            let summary = try PublishRun(feed: feed).run(into: first)
            #expect(summary.events == data.orders.count)
            #expect(summary.lines == data.priorProducts.count + data.trainProducts.count)
            #expect(first.duplicateCount == 0)
            #expect(first.acknowledgedCount == data.orders.count)
            // A second publisher (a new connection, as a second `restock publish` would be).
            var smallWindow = settings
            smallWindow.maxPending = 64
            let second = try Self.log(url, smallWindow)
            _ = try PublishRun(feed: feed).run(into: second)
            #expect(second.duplicateCount == data.orders.count)
            #expect(try second.streamState().messages == UInt64(data.orders.count))
        }
    }

    @Test func aDurableConsumerReadsEveryOrderOnceAndASecondInstanceFindsNothingLeft() throws {
        let data = try InstacartReader.read(directory: Self.folder.get().0.path)
        let feed = OrderFeed(data: data, limit: 1500)
        try NATSTestServer.with { url in
            let settings = Self.settings()
            let log = try Self.log(url, settings)
            defer { try? log.deleteStream() }
            _ = try PublishRun(feed: feed).run(into: log)
            #expect(try log.openConsumer(Self.consumer(settings)))
            let messages = try Self.drain(log)
            #expect(messages.map(\.position.sequence) == Array(1...UInt64(feed.count)))
            #expect(messages.allSatisfy { $0.deliveries == 1 })
            let decoded = try messages.map { try OrderEventJSON.decode($0.payload) }
            #expect(decoded == (0..<feed.count).map { feed.event(at: $0) })

            let again = try Self.log(url, settings)
            #expect(try again.openConsumer(Self.consumer(settings)) == false)
            #expect(try again.fetch(max: 100, maxWait: 1).isEmpty)
        }
    }

    @Test func aMessageNotAcknowledgedComesBackAfterTheAckWait() throws {
        try NATSTestServer.with { url in
            let settings = Self.settings()
            let log = try Self.log(url, settings)
            defer { try? log.deleteStream() }
            for i in 1...3 { try log.publish(Array("event \(i)".utf8), id: "id-\(i)") }
            try log.flush()
            try log.openConsumer(Self.consumer(settings, ackWait: 1))
            let first = try log.fetch(max: 1, maxWait: 5)
            #expect(first.map(\.position.sequence) == [1])
            #expect(first.first?.deliveries == 1)
            Thread.sleep(forTimeInterval: 1.5)    // past the ack wait of 1 s
            var redelivered: LogMessage?
            var others: [LogMessage] = []
            for _ in 0..<20 where redelivered == nil || others.count < 2 {
                for message in try log.fetch(max: 3, maxWait: 1) {
                    if message.position.sequence == 1 { redelivered = message } else { others.append(message) }
                }
            }
            #expect(redelivered?.deliveries == 2)
            #expect(redelivered?.payload == Array("event 1".utf8))
            #expect(others.map(\.position.sequence).sorted() == [2, 3])
            #expect(others.allSatisfy { $0.deliveries == 1 })
            try log.acknowledge(others + [redelivered].compactMap { $0 })
            #expect(throws: NATSError.self) { try log.acknowledge(others) }
        }
    }

    @Test func theConsumerResumesAfterANATSServerRestartWithNoLoss() throws {
        let server = try ThrowawayNATSServer()
        defer { server.stop() }
        let settings = Self.settings()
        let log = try Self.log(server.url, settings)
        for i in 1...200 { try log.publish(Array("\(i)".utf8), id: "\(i)") }
        try log.flush()
        try log.openConsumer(Self.consumer(settings))
        var seen: [UInt64] = []
        for _ in 0..<50 where seen.count < 100 {
            let messages = try log.fetch(max: 100 - seen.count, maxWait: 2)
            try log.acknowledge(messages)
            seen += messages.map(\.position.sequence)
        }
        #expect(seen == Array(1...100))
        try server.stopServer()
        try server.restart()
        // The same instance reconnects by itself; fetches fail while it does.
        var failures = 0
        while seen.count < 200 && failures < 200 {
            do {
                let messages = try log.fetch(max: 50, maxWait: 1)
                try log.acknowledge(messages)
                seen += messages.map(\.position.sequence)
            } catch {
                failures += 1
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        #expect(seen == Array(1...200))
        // Published after the restart, and nothing of before comes again.
        try log.publish(Array("201".utf8), id: "201")
        try log.flush()
        let after = try log.fetch(max: 10, maxWait: 2)
        #expect(after.map(\.position.sequence) == [201])
        try log.acknowledge(after)
        #expect(try log.streamState().messages == 201)
        let fresh = try Self.log(server.url, settings)
        try fresh.openConsumer(Self.consumer(settings))
        #expect(try fresh.fetch(max: 10, maxWait: 1).isEmpty)
    }

    @Test func deadLettersGoToTheirOwnSubjectOncePerPosition() throws {
        try NATSTestServer.with { url in
            let settings = Self.settings()
            let log = try Self.log(url, settings)
            defer { try? log.deleteStream() }
            try log.publish(Array("{bad".utf8), id: "1")
            try log.flush()
            try log.openConsumer(Self.consumer(settings))
            let bad = try log.fetch(max: 1, maxWait: 5)
            #expect(bad.count == 1)
            try log.publishDeadLetter(bad[0].payload, reason: "malformed JSON\nat byte 4", position: bad[0].position)
            try log.publishDeadLetter(bad[0].payload, reason: "malformed JSON", position: bad[0].position)    // a retry
            try log.acknowledge(bad)
            #expect(try log.fetch(max: 10, maxWait: 1).isEmpty)    // the order consumer does not see it
            #expect(try log.streamState().messages == 2)

            var deadSettings = settings
            deadSettings.subject = settings.deadLetterSubject
            let dead = try JetStreamLog(url: url, settings: deadSettings)
            try dead.openConsumer(JetStreamConsumerSettings(durable: "dead", filterSubject: settings.deadLetterSubject))
            let letters = try Self.drain(dead)
            #expect(letters.map(\.payload) == [Array("{bad".utf8)])
            #expect(letters.map(\.position.sequence) == [2])
        }
    }

    @Test func anUnreachableServerIsAClearError() throws {
        let closed = try SilentTCPListener()
        closed.stop()    // a loopback port nothing listens on any more
        let silent = try SilentTCPListener()    // accepts, never answers
        defer { silent.stop() }
        var settings = JetStreamSettings()
        settings.connectTimeout = 0.5
        for url in ["nats://127.0.0.1:\(closed.port)", "nats://127.0.0.1:\(silent.port)"] {
            do {
                _ = try JetStreamLog(url: url, settings: settings)
                Issue.record("connected to \(url)")
            } catch let error as NATSError {
                #expect(error.kind == .unreachable)
                #expect(error.description.hasPrefix("cannot connect to NATS at \(url): "), "\(error)")
            }
        }
    }
}
