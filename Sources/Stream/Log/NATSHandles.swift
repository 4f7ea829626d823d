import CNats

/// The libnats handles of one connection: its options, the connection and its JetStream context,
/// destroyed in reverse order in `deinit`. libnats runs its own reader and flusher threads per
/// connection, and a callback thread for publish acknowledgements; all three stop when the
/// connection is destroyed.
///
/// `@unchecked Sendable`: the handles are opaque C pointers; libnats documents connections and
/// JetStream contexts as safe to use from several threads, and this type never mutates them after init.
final class NATSHandles: @unchecked Sendable {
    let options: OpaquePointer
    let connection: OpaquePointer
    let jetStream: OpaquePointer
    /// Counts publish acknowledgements. libnats may call the handler from its delivery thread until
    /// the connection is gone, so the context holds a reference of its own that is never released
    /// (one small object per connection, for the life of the process).
    let tracker: PublishAckTracker

    /// Connects to `url` and opens a JetStream context whose asynchronous publishes keep at most
    /// `maxPending` messages in flight (a further publish blocks up to `stallWait` seconds).
    init(url: String, name: String, connectTimeout: Double, requestTimeout: Double, maxPending: Int, stallWait: Double) throws {
        var options: OpaquePointer?
        var status = natsOptions_Create(&options)
        guard status == NATS_OK, let options else { throw NATSError.failed(.usage, "cannot create NATS options", status) }
        status = natsOptions_SetURL(options, url)
        if status != NATS_OK {
            natsOptions_Destroy(options)
            throw NATSError.failed(.usage, "'\(url)' is not a NATS URL", status)
        }
        natsOptions_SetName(options, name)
        natsOptions_SetTimeout(options, Int64(connectTimeout * 1000))
        // After a broken connection (a server restart), keep reconnecting every 250 ms for up to
        // about a minute; publishes meanwhile go to libnats's reconnect buffer (8 MB).
        natsOptions_SetAllowReconnect(options, true)
        natsOptions_SetMaxReconnect(options, 240)
        natsOptions_SetReconnectWait(options, 250)
        natsOptions_SetReconnectBufSize(options, 8 << 20)

        var connection: OpaquePointer?
        status = natsConnection_Connect(&connection, options)
        guard status == NATS_OK, let connection else {
            natsOptions_Destroy(options)
            throw NATSError.failed(.unreachable, "cannot connect to NATS at \(url)", status)
        }

        let tracker = PublishAckTracker()
        var jsOptions = jsOptions()
        jsOptions_Init(&jsOptions)
        jsOptions.Wait = Int64(requestTimeout * 1000)
        jsOptions.PublishAsync.MaxPending = Int64(maxPending)
        jsOptions.PublishAsync.StallWait = Int64(stallWait * 1000)
        jsOptions.PublishAsync.AckHandler = PublishAckTracker.handler
        jsOptions.PublishAsync.AckHandlerClosure = Unmanaged.passRetained(tracker).toOpaque()
        var jetStream: OpaquePointer?
        status = natsConnection_JetStream(&jetStream, connection, &jsOptions)
        guard status == NATS_OK, let jetStream else {
            natsConnection_Destroy(connection)
            natsOptions_Destroy(options)
            throw NATSError.failed(.jetStream, "cannot open a JetStream context at \(url)", status)
        }
        self.options = options
        self.connection = connection
        self.jetStream = jetStream
        self.tracker = tracker
    }

    deinit {
        natsConnection_Close(connection)
        jsCtx_Destroy(jetStream)
        natsConnection_Destroy(connection)
        natsOptions_Destroy(options)
    }
}
