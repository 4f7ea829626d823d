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
        /// Where its message sits in the log (orders the appends of a cluster's shards back into log order).
        public var position = LogPosition(sequence: 0)
    }

    public var appends: [Append] = []
    /// Messages whose order is already stored (or earlier in this batch) with the same content.
    public var duplicates = 0
    public var deadLetters: [(message: LogMessage, reason: DeadLetterReason)] = []
    /// The users' order sequences once the appends are committed.
    public var sequences: [Int32: UserOrderSequence] = [:]

    public init() {}

    /// The plans of a cluster's shards as one (for the summary, the dead letters and the observer):
    /// appends and dead letters back in log order, duplicates added, the sequences joined (a user
    /// lives on one shard).
    static func merged(_ plans: [BatchPlan], extraDeadLetters: [(message: LogMessage, reason: DeadLetterReason)]) -> BatchPlan {
        var merged = BatchPlan()
        for plan in plans {
            merged.appends += plan.appends
            merged.duplicates += plan.duplicates
            merged.deadLetters += plan.deadLetters
            merged.sequences.merge(plan.sequences) { _, new in new }
        }
        merged.deadLetters += extraDeadLetters
        merged.appends.sort { $0.position < $1.position }
        merged.deadLetters.sort { $0.message.position < $1.message.position }
        return merged
    }
}

extension BatchPlan {
    /// The appended orders of `evalSet` whose lines are written (those an earlier attempt stored are not).
    func linesToInsert(_ evalSet: EvalSet) -> [OrderEvent] {
        appends.filter { !$0.linesStored && $0.event.evalSet == evalSet }.map(\.event)
    }
}
