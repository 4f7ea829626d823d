import CNats

extension JetStreamLog {
    /// Makes a durable consumer hand out its unacknowledged messages again, first and in stream
    /// order, before `openConsumer` binds to it: when it has messages delivered and not
    /// acknowledged (a consumer process that died mid-batch), it is deleted and created again to
    /// start at its ack floor + 1, with the same subject filter, ack wait and max ack pending.
    /// Without this JetStream redelivers them only after the ack wait, after newer messages, and a
    /// user's order would arrive after the user's next one (a dead letter for going backwards).
    /// Messages above the floor that were acknowledged come again: the sink skips them as
    /// duplicates. Only for a consumer that one process reads at a time (`restock stream`).
    /// Returns the first sequence it will deliver, or nil when nothing had to be done. Cost: one to
    /// three JetStream API requests.
    @discardableResult
    public func rewindToAckFloor(_ consumer: JetStreamConsumerSettings) throws -> UInt64? {
        let stream = settings.stream
        var code = jsErrCode(rawValue: 0)
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var status = js_GetConsumerInfo(&info, handles.jetStream, stream, consumer.durable, nil, &code)
        guard status == NATS_OK, let info else {
            if status == NATS_NOT_FOUND || code == JSConsumerNotFoundErr { return nil }
            throw NATSError.failed(.jetStream, "cannot look up consumer \(consumer.durable) on stream \(stream) at \(url)",
                                   status, errorCode: code)
        }
        let floor = info.pointee.AckFloor.Stream
        let pending = info.pointee.NumAckPending
        let delivered = info.pointee.Delivered.Stream
        jsConsumerInfo_Destroy(info)
        guard pending > 0 || delivered > floor else { return nil }
        status = js_DeleteConsumer(handles.jetStream, stream, consumer.durable, nil, &code)
        guard status == NATS_OK else {
            throw NATSError.failed(.jetStream, "cannot delete consumer \(consumer.durable) to rewind it at \(url)", status, errorCode: code)
        }
        var created: UnsafeMutablePointer<jsConsumerInfo>?
        status = CStrings([consumer.durable, consumer.filterSubject]).withPointers { names in
            var config = jsConsumerConfig()
            jsConsumerConfig_Init(&config)
            config.Durable = names[0]
            config.FilterSubject = names[1]
            config.DeliverPolicy = js_DeliverByStartSequence
            config.OptStartSeq = floor + 1
            config.AckPolicy = js_AckExplicit
            config.AckWait = Int64((consumer.ackWait * 1e9).rounded())
            config.MaxAckPending = Int64(consumer.maxAckPending)
            return js_AddConsumer(&created, handles.jetStream, stream, &config, nil, &code)
        }
        guard status == NATS_OK else {
            throw NATSError.failed(.jetStream, "cannot create consumer \(consumer.durable) again from sequence \(floor + 1) at \(url)",
                                   status, errorCode: code)
        }
        jsConsumerInfo_Destroy(created)
        return floor + 1
    }
}
