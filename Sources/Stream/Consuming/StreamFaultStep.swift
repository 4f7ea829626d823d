/// The moments of a stream batch at which the fault tests stop the consumer (`restock stream` with
/// the hidden `RESTOCK_FAULT_AT=<step>:kill`): the exactly-once design must hold when the process
/// dies at any of them.
public enum StreamFaultStep: String, CaseIterable, Sendable {
    /// The batch is validated and planned, nothing written yet.
    case beforeInsert = "before-insert"
    /// The order lines are inserted, the orders rows (the commit marker) are not.
    case midInsert = "mid-insert"
    /// The orders rows are inserted, the messages are not acknowledged yet.
    case afterInsert = "after-insert"
}

/// Called by `StreamRun` at each `StreamFaultStep` (the executable installs one for the fault
/// tests; the library never reads the environment). It may end the process, or throw to stop the
/// run there as a crash would (the batch is then neither retried nor acknowledged).
public typealias StreamFaultHook = @Sendable (StreamFaultStep) throws -> Void

/// What a fault hook throws to stop a run at a step.
public struct StreamFaultStop: Error, Sendable, Equatable {
    public let step: StreamFaultStep
    public init(_ step: StreamFaultStep) { self.step = step }
}
