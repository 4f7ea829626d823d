/// A consumer that can hand out its delivered but unacknowledged messages again, at once and
/// before newer ones (`JetStreamLog` re-creates its durable consumer from the ack floor). `StreamRun`
/// rewinds after a fetch or an acknowledgement failed: messages the log delivered into a broken
/// connection would otherwise come back only after the ack wait, behind newer orders of the same
/// users (which would make them go backwards).
public protocol RewindableOrderLog: OrderLogConsumer {
    func rewindUnacknowledged() throws
}
