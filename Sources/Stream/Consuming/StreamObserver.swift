/// What the stream tells a live consumer of its events (the live per-user state, `--model`): the
/// seam between the sink and live scoring. Called on the stream's thread.
///
/// `committed` comes after a batch's orders are appended to ClickHouse and before its messages are
/// acknowledged, with the events newly appended (never duplicates or dead letters), in log order.
/// A message redelivered after a crash between the commit and the acknowledgement is a duplicate
/// then, so an observer sees each order at most once per process and must load what was committed
/// before it started from ClickHouse. An error thrown stops the run before the acknowledgement
/// (the messages are delivered again and are then duplicates).
public protocol StreamObserver: AnyObject {
    /// A batch was committed: `events` are its newly appended orders, in log order.
    func committed(_ events: [OrderEvent]) throws
    /// A fetch returned no event (at most once per `maxWait` seconds while the log is idle).
    func idle() throws
    /// The run is ending normally (stop requested or idle limit reached), after the last batch.
    func finish() throws
}
