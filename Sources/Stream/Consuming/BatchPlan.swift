import Features

/// What one micro-batch will do, decided before anything is written (`BatchPlanner`): the orders
/// to append, the messages that are duplicates of stored orders, and the dead letters.
public struct BatchPlan {
    /// One order to append, with `reordered` set on every line.
    public struct Append {
        public var event: OrderEvent
        /// True when an interrupted earlier attempt already inserted exactly these lines (its
        /// `orders` row is missing): only the `orders` row is written.
        public var linesStored: Bool
    }

    public var appends: [Append] = []
    /// Messages whose order is already stored (or earlier in this batch) with the same content.
    public var duplicates = 0
    public var deadLetters: [(message: LogMessage, reason: DeadLetterReason)] = []
    /// The users' order sequences once the appends are committed.
    public var sequences: [Int32: UserOrderSequence] = [:]

    public init() {}
}

extension BatchPlan {
    /// The appended orders of `evalSet` whose lines are written (those an earlier attempt stored are not).
    func linesToInsert(_ evalSet: EvalSet) -> [OrderEvent] {
        appends.filter { !$0.linesStored && $0.event.evalSet == evalSet }.map(\.event)
    }
}
