import CNats

extension JetStreamLog {
    /// Binds this log to the durable pull consumer `consumer.durable` of `settings.stream`, creating
    /// it when missing (deliver all, explicit ack, `ackWait`, `maxAckPending`, `filterSubject`). An
    /// existing consumer keeps its configuration and acknowledged position. Returns true when it
    /// was created. The stream must exist (`ensureStream`).
    @discardableResult
    public func openConsumer(_ consumer: JetStreamConsumerSettings = JetStreamConsumerSettings()) throws -> Bool {
        try lock.withLock {
            guard subscription == nil else { throw NATSError(kind: .usage, message: "openConsumer called twice") }
            let stream = settings.stream
            var code = jsErrCode(rawValue: 0)
            var info: UnsafeMutablePointer<jsConsumerInfo>?
            var status = js_GetConsumerInfo(&info, handles.jetStream, stream, consumer.durable, nil, &code)
            var created = false
            if status == NATS_OK {
                jsConsumerInfo_Destroy(info)
            } else if status == NATS_NOT_FOUND || code == JSConsumerNotFoundErr {
                status = CStrings([consumer.durable, consumer.filterSubject]).withPointers { names in
                    var config = jsConsumerConfig()
                    jsConsumerConfig_Init(&config)
                    config.Durable = names[0]
                    config.FilterSubject = names[1]
                    config.DeliverPolicy = js_DeliverAll
                    config.AckPolicy = js_AckExplicit
                    config.AckWait = Int64((consumer.ackWait * 1e9).rounded())
                    config.MaxAckPending = Int64(consumer.maxAckPending)
                    info = nil
                    return js_AddConsumer(&info, handles.jetStream, stream, &config, nil, &code)
                }
                guard status == NATS_OK else {
                    throw NATSError.failed(.jetStream, "cannot create consumer \(consumer.durable) on stream \(stream) at \(url)",
                                           status, errorCode: code)
                }
                jsConsumerInfo_Destroy(info)
                created = true
            } else {
                throw NATSError.failed(.jetStream, "cannot look up consumer \(consumer.durable) on stream \(stream) at \(url)",
                                       status, errorCode: code)
            }
            var pull: OpaquePointer?
            status = CStrings([stream, consumer.durable]).withPointers { names in
                var options = jsSubOptions()
                jsSubOptions_Init(&options)
                options.Stream = names[0]
                options.Consumer = names[1]
                return js_PullSubscribe(&pull, handles.jetStream, consumer.filterSubject, consumer.durable, nil, &options, &code)
            }
            guard status == NATS_OK, let pull else {
                throw NATSError.failed(.jetStream, "cannot subscribe to consumer \(consumer.durable) on stream \(stream) at \(url)",
                                       status, errorCode: code)
            }
            subscription = pull
            consumerSettings = consumer
            return created
        }
    }

    /// Up to `max` messages, waiting at most `maxWait` seconds (less when the server says no more
    /// are pending); an empty array when none arrived. Each carries its stream sequence as
    /// `position` and JetStream's delivery count. One pull request; the payloads are copied.
    public func fetch(max: Int, maxWait: Double) throws -> [LogMessage] {
        try lock.withLock {
            guard let subscription else { throw NATSError(kind: .usage, message: "fetch before openConsumer") }
            var list = natsMsgList()
            var code = jsErrCode(rawValue: 0)
            let status = natsSubscription_Fetch(&list, subscription, Int32(Swift.max(1, max)),
                                                Swift.max(1, Int64((maxWait * 1000).rounded())), &code)
            defer { natsMsgList_Destroy(&list) }
            var messages: [LogMessage] = []
            messages.reserveCapacity(Int(list.Count))
            for i in 0..<Int(list.Count) {
                guard let message = list.Msgs[i] else { continue }
                var metadata: UnsafeMutablePointer<jsMsgMetaData>?
                let metaStatus = natsMsg_GetMetaData(&metadata, message)
                guard metaStatus == NATS_OK, let metadata else { continue }
                let sequence = metadata.pointee.Sequence.Stream
                let deliveries = Int(metadata.pointee.NumDelivered)
                jsMsgMetaData_Destroy(metadata)
                let count = Int(natsMsg_GetDataLength(message))
                let payload: [UInt8] = natsMsg_GetData(message).map { data in
                    data.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
                } ?? []
                list.Msgs[i] = nil    // keep it: its reply subject is the acknowledgement address
                if let older = unacknowledged.updateValue(message, forKey: sequence) { natsMsg_Destroy(older) }
                messages.append(LogMessage(position: LogPosition(sequence: sequence), deliveries: deliveries, payload: payload))
            }
            if messages.isEmpty && status != NATS_OK && status != NATS_TIMEOUT {
                throw NATSError.failed(.jetStream, "cannot fetch from consumer \(consumerSettings?.durable ?? "?") at \(url)",
                                       status, errorCode: code)
            }
            return messages
        }
    }

    /// Acknowledges `messages` (fetched by this instance): a plain ack for each but the last, and a
    /// synchronous one (`AckSync`) for the last, which returns once the server has processed it.
    /// The server handles one connection's acks in order, so then every ack of the batch is stored
    /// and a following fetch (from any instance) will not see these messages again. Throws for a
    /// message this instance did not fetch or already acknowledged, and when the server does not
    /// confirm (the messages then come back after the ack wait).
    public func acknowledge(_ messages: [LogMessage]) throws {
        try lock.withLock {
            guard subscription != nil else { throw NATSError(kind: .usage, message: "acknowledge before openConsumer") }
            for message in messages where unacknowledged[message.position.sequence] == nil {
                throw NATSError(kind: .usage, message: "message \(message.position) was not fetched here or is already acknowledged")
            }
            for (i, message) in messages.enumerated() {
                guard let handle = unacknowledged[message.position.sequence] else { continue }    // listed twice
                var code = jsErrCode(rawValue: 0)
                let status = i == messages.count - 1 ? natsMsg_AckSync(handle, nil, &code) : natsMsg_Ack(handle, nil)
                guard status == NATS_OK else {
                    throw NATSError.failed(.jetStream, "cannot acknowledge message \(message.position) at \(url)", status, errorCode: code)
                }
                unacknowledged[message.position.sequence] = nil
                natsMsg_Destroy(handle)
            }
        }
    }
}
