import CNats
import Foundation

/// Counts the acknowledgements JetStream sends for asynchronous publishes: stored messages, those it
/// reported as duplicates (a `Nats-Msg-Id` seen within the stream's duplicate window), and the first
/// failure (a negative acknowledgement or none within the publish wait).
///
/// `@unchecked Sendable`: libnats calls `record` from its own delivery thread while the publishing
/// thread reads the counts; every field is guarded by `lock`.
final class PublishAckTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = 0
    private var duplicates = 0
    private var failures = 0
    private var firstFailure: String?

    /// Messages stored so far (duplicates included: JetStream acknowledges them too).
    var storedCount: Int { lock.withLock { stored } }
    var duplicateCount: Int { lock.withLock { duplicates } }
    var failureCount: Int { lock.withLock { failures } }

    func recordStored(duplicate: Bool) {
        lock.withLock {
            stored += 1
            if duplicate { duplicates += 1 }
        }
    }

    func recordFailure(_ text: String) {
        lock.withLock {
            failures += 1
            if firstFailure == nil { firstFailure = text }
        }
    }

    /// The first failure since the last call, and how many there were; resets both.
    func takeFailures() -> (first: String, count: Int)? {
        lock.withLock {
            guard let first = firstFailure else { return nil }
            let count = failures
            firstFailure = nil
            failures = 0
            return (first, count)
        }
    }

    /// The `jsOptions.PublishAsync.AckHandler` libnats calls for every asynchronous publish, on its
    /// own thread. `closure` is a `PublishAckTracker` retained for the life of the process (NATSHandles).
    /// The handler owns `message` and destroys it.
    static let handler: jsPubAckHandler = { _, message, ack, failure, closure in
        guard let closure else {
            natsMsg_Destroy(message)
            return
        }
        let tracker = Unmanaged<PublishAckTracker>.fromOpaque(closure).takeUnretainedValue()
        if let ack {
            tracker.recordStored(duplicate: ack.pointee.Duplicate)
        } else {
            var id: UnsafePointer<CChar>?
            let name = (message.flatMap { natsMsgHeader_Get($0, "Nats-Msg-Id", &id) == NATS_OK ? id : nil })
                .map { String(cString: $0) } ?? "?"
            var text = "message \(name) was not stored"
            if let failure {
                let status = String(cString: natsStatus_GetText(failure.pointee.Err))
                text += ": " + (failure.pointee.ErrText.map { String(cString: $0) } ?? status)
                if failure.pointee.ErrCode.rawValue != 0 { text += " (JetStream error \(failure.pointee.ErrCode.rawValue))" }
            }
            tracker.recordFailure(text)
        }
        natsMsg_Destroy(message)
    }
}
