import CNats

extension JetStreamLog {
    /// Messages JetStream acknowledged as stored, and those among them it reported as duplicates
    /// (a `Nats-Msg-Id` it had stored within the duplicate window: not stored again).
    public var acknowledgedCount: Int { handles.tracker.storedCount }
    public var duplicateCount: Int { handles.tracker.duplicateCount }

    /// Publishes `payload` to `settings.subject` with header `Nats-Msg-Id: id`, asynchronously: it
    /// returns once libnats has buffered the message. With `settings.maxPending` messages awaiting
    /// their acknowledgement it blocks until one arrives, and throws after `settings.requestTimeout`
    /// seconds without one. Cost: one copy of the payload.
    public func publish(_ payload: [UInt8], id: String) throws {
        var options = jsPubOptions()
        jsPubOptions_Init(&options)
        let status = id.withCString { idPointer in
            options.MsgId = idPointer
            return payload.withUnsafeBytes { bytes in
                js_PublishAsync(handles.jetStream, settings.subject, bytes.baseAddress, Int32(bytes.count), &options)
            }
        }
        guard status == NATS_OK else {
            if status == NATS_TIMEOUT {
                throw NATSError(kind: .publish, message: "no acknowledgement from JetStream at \(url) within \(settings.requestTimeout) s "
                                + "with \(settings.maxPending) messages in flight (publishing \(id))", status: "Timeout")
            }
            throw NATSError.failed(.publish, "cannot publish message \(id) to \(settings.subject) at \(url)", status)
        }
    }

    /// Waits until JetStream has acknowledged every message published so far, at most
    /// `settings.requestTimeout` seconds; throws naming the first message that was not stored (and how
    /// many were not) or the timeout.
    public func flush() throws {
        var options = jsPubOptions()
        jsPubOptions_Init(&options)
        options.MaxWait = Int64(settings.requestTimeout * 1000)
        let status = js_PublishAsyncComplete(handles.jetStream, &options)
        if let (first, count) = handles.tracker.takeFailures() {
            throw NATSError(kind: .publish, message: count == 1 ? first : "\(first) (and \(count - 1) more not stored)")
        }
        guard status == NATS_OK else {
            throw NATSError.failed(.publish, "waiting for JetStream's acknowledgements at \(url)", status)
        }
    }

    /// Publishes a rejected message to `settings.deadLetterSubject` (`orders.dead`) with headers
    /// `Restock-Reason` (line breaks replaced by spaces) and `Restock-Sequence` (the position it had
    /// in the log), de-duplicated by `Nats-Msg-Id: dead-<position>`. Synchronous: it returns once
    /// JetStream has stored it (or reported it a duplicate), so the original may be acknowledged next.
    public func publishDeadLetter(_ payload: [UInt8], reason: String, position: LogPosition) throws {
        let subject = settings.deadLetterSubject
        var message: OpaquePointer?
        var status = payload.withUnsafeBytes { bytes in
            natsMsg_Create(&message, subject, nil, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        }
        guard status == NATS_OK, let created = message else {
            throw NATSError.failed(.publish, "cannot build the dead letter of \(position)", status)
        }
        defer { natsMsg_Destroy(message) }
        let cleanReason = String(reason.map { $0 == "\r" || $0 == "\n" ? " " : $0 })
        natsMsgHeader_Set(created, "Restock-Reason", cleanReason)
        natsMsgHeader_Set(created, "Restock-Sequence", position.description)
        var code = jsErrCode(rawValue: 0)
        var ack: UnsafeMutablePointer<jsPubAck>?
        status = "dead-\(position)".withCString { id in
            var options = jsPubOptions()
            jsPubOptions_Init(&options)
            options.MsgId = id
            return js_PublishMsg(&ack, handles.jetStream, created, &options, &code)
        }
        if let ack { jsPubAck_Destroy(ack) }
        guard status == NATS_OK else {
            throw NATSError.failed(.publish, "cannot publish the dead letter of \(position) to \(subject) at \(url)", status, errorCode: code)
        }
    }
}
