import CNats
import Foundation

/// The order log over NATS JetStream (libnats): publishes order events to a stream with
/// `Nats-Msg-Id` de-duplication and reads them back through a durable pull consumer (docs/events.md).
///
/// One connection per instance; libnats runs its reader, flusher and acknowledgement threads for it
/// and reconnects by itself after a broken connection (a server restart). Publishing is
/// asynchronous with at most `settings.maxPending` messages in flight; `flush` waits for them.
///
/// `@unchecked Sendable`: the libnats handles are thread-safe (NATSHandles); the consumer's
/// subscription and its table of fetched, unacknowledged messages are guarded by `lock`. Use one
/// instance from one thread at a time for fetch/acknowledge: the lock only keeps the table whole.
public final class JetStreamLog: OrderLogPublisher, OrderLogConsumer, @unchecked Sendable {
    public let url: String
    public let settings: JetStreamSettings
    let handles: NATSHandles
    let lock = NSLock()
    /// The pull subscription of `openConsumer`, nil before.
    var subscription: OpaquePointer?
    var consumerSettings: JetStreamConsumerSettings?
    /// Fetched messages not yet acknowledged, by stream sequence (their reply subjects carry the
    /// acknowledgement). A redelivery replaces the older delivery of the same sequence.
    var unacknowledged: [UInt64: OpaquePointer] = [:]

    /// Connects to `url` (`nats://host:port`). Throws `NATSError` of kind `.unreachable` when no
    /// server answers within `settings.connectTimeout`.
    public init(url: String, settings: JetStreamSettings = JetStreamSettings()) throws {
        self.url = url
        self.settings = settings
        handles = try NATSHandles(
            url: url, name: settings.clientName, connectTimeout: settings.connectTimeout,
            requestTimeout: settings.requestTimeout, maxPending: max(1, settings.maxPending),
            stallWait: settings.requestTimeout)
    }

    deinit {
        for message in unacknowledged.values { natsMsg_Destroy(message) }
        if let subscription { natsSubscription_Destroy(subscription) }
    }

    /// Creates the stream `name` if it does not exist: file storage, `subjects`, duplicate window
    /// `duplicateWindow` seconds. An existing stream is left alone; `subjectsDiffer` says whether its
    /// subjects are the ones asked for. Two JetStream API requests at most.
    @discardableResult
    public func ensureStream(
        _ name: String? = nil, subjects: [String]? = nil, duplicateWindow: Double? = nil
    ) throws -> StreamSetup {
        let name = name ?? settings.stream
        let subjects = subjects ?? settings.streamSubjects
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        var status = js_GetStreamInfo(&info, handles.jetStream, name, nil, &code)
        if status == NATS_OK, let info {
            defer { jsStreamInfo_Destroy(info) }
            let existing = Self.subjects(of: info.pointee.Config)
            return StreamSetup(created: false, subjects: existing, subjectsDiffer: Set(existing) != Set(subjects))
        }
        guard status == NATS_NOT_FOUND || code == JSStreamNotFoundErr else {
            let hint = status == NATS_NO_RESPONDERS || status == NATS_TIMEOUT ? " (is JetStream enabled? nats-server -js)" : ""
            throw NATSError.failed(.jetStream, "cannot look up stream \(name) at \(url)\(hint)", status, errorCode: code)
        }
        var created: UnsafeMutablePointer<jsStreamInfo>?
        status = CStrings([name] + subjects).withPointers { pointers in
            var config = jsStreamConfig()
            jsStreamConfig_Init(&config)
            config.Name = pointers[0]
            config.Storage = js_FileStorage
            config.Duplicates = Int64(((duplicateWindow ?? settings.duplicateWindow) * 1e9).rounded())
            var subjectPointers = Array(pointers.dropFirst()).map { Optional($0) }
            return subjectPointers.withUnsafeMutableBufferPointer { buffer in
                config.Subjects = buffer.baseAddress
                config.SubjectsLen = Int32(buffer.count)
                return js_AddStream(&created, handles.jetStream, &config, nil, &code)
            }
        }
        guard status == NATS_OK else {
            throw NATSError.failed(.jetStream, "cannot create stream \(name) (subjects \(subjects.joined(separator: " "))) at \(url)",
                                   status, errorCode: code)
        }
        let result = created.map { Self.subjects(of: $0.pointee.Config) } ?? subjects
        if let created { jsStreamInfo_Destroy(created) }
        return StreamSetup(created: true, subjects: result, subjectsDiffer: false)
    }

    /// The stream's stored message count and sequences (one JetStream API request).
    public func streamState(_ name: String? = nil) throws -> StreamState {
        let name = name ?? settings.stream
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        let status = js_GetStreamInfo(&info, handles.jetStream, name, nil, &code)
        guard status == NATS_OK, let info else {
            throw NATSError.failed(.jetStream, "cannot read stream \(name) at \(url)", status, errorCode: code)
        }
        defer { jsStreamInfo_Destroy(info) }
        let state = info.pointee.State
        return StreamState(messages: state.Msgs, firstSequence: state.FirstSeq, lastSequence: state.LastSeq,
                           consumers: Int(state.Consumers))
    }

    /// Deletes the stream and every message in it (tests and benchmarks start afresh with it).
    public func deleteStream(_ name: String? = nil) throws {
        let name = name ?? settings.stream
        var code = jsErrCode(rawValue: 0)
        let status = js_DeleteStream(handles.jetStream, name, nil, &code)
        if status != NATS_OK && code != JSStreamNotFoundErr {
            throw NATSError.failed(.jetStream, "cannot delete stream \(name) at \(url)", status, errorCode: code)
        }
    }

    static func subjects(of config: UnsafeMutablePointer<jsStreamConfig>?) -> [String] {
        guard let config, let list = config.pointee.Subjects else { return [] }
        return (0..<Int(config.pointee.SubjectsLen)).compactMap { list[$0].map { String(cString: $0) } }
    }
}

/// C copies of Swift strings, alive while `withPointers` runs (libnats's configuration structs hold
/// `const char *` fields that must outlive the call they are passed to).
struct CStrings {
    let strings: [String]
    init(_ strings: [String]) { self.strings = strings }

    func withPointers<R>(_ body: ([UnsafePointer<CChar>]) throws -> R) rethrows -> R {
        let copies = strings.map { strdup($0)! }
        defer { for copy in copies { free(copy) } }
        return try body(copies.map { UnsafePointer($0) })
    }
}
