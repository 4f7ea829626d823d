/// What the sink knows of the tables it appends to, so that a batch is planned without a lookup:
/// every committed order_id, the lines that interrupted attempts left without an `orders` row
/// ("orphans"), every stored user's order sequence, and the tables' write marks (`SinkTableMarks`)
/// that this knowledge matches.
///
/// Loaded under the ingest lock (`load`: four queries; at full Instacart scale one scan of the
/// order_id columns of the three tables and a GROUP BY over `orders`, about a second), then kept
/// up to date by each commit of this consumer (`record`). Each time the sink takes the lock again
/// it reads the marks (one `system.parts` query): equal to `marks`, the tables hold exactly what
/// is known (nobody else wrote, nothing was deleted) and the knowledge is used; different (another
/// writer, a mutation, an ingest), it is loaded again. Any failed attempt drops it. So each batch
/// is still decided against the tables' content, as the per-batch lookups did, without reading it.
///
/// Memory: a `Set<Int32>` of every stored order_id (about 10 bytes per order: 34 MB at 3.4M
/// orders) and a dictionary entry per user.
final class SinkKnownState {
    private(set) var committed: Set<Int32>
    private(set) var orphans: [Int32: [OrderLine]]
    private(set) var marks: SinkTableMarks
    /// Every stored user's sequence (a user absent here has no stored order).
    let sequences: [Int32: UserOrderSequence]
    /// False until the marks were read once after a commit of this consumer (`calibrate`): the
    /// first INSERT after a mutation takes a block number beyond the highest of the active parts.
    private(set) var calibrated = false

    init(committed: Set<Int32>, orphans: [Int32: [OrderLine]], marks: SinkTableMarks, sequences: [Int32: UserOrderSequence]) {
        self.committed = committed
        self.orphans = orphans
        self.marks = marks
        self.sequences = sequences
    }

    /// Reads the knowledge from the tables (call under the ingest lock, so nothing changes meanwhile).
    static func load(_ tables: OrderSinkTables) throws -> SinkKnownState {
        let marks = try tables.marks()
        return SinkKnownState(committed: try tables.allOrderIDs(), orphans: try tables.orphanLines(), marks: marks,
                              sequences: try tables.allUserSequences())
    }

    /// True when the tables' marks now are the known ones (nothing changed but this consumer's commits).
    func matches(_ tables: OrderSinkTables) throws -> Bool {
        try tables.marks() == marks
    }

    /// Reads the marks after this consumer's first commit since the load (still under the lock, so
    /// they are this consumer's); from then on each INSERT adds exactly one block.
    func calibrate(_ tables: OrderSinkTables) throws {
        marks = try tables.marks()
        calibrated = true
    }

    /// Takes a commit of this consumer into the knowledge.
    func record(_ plan: BatchPlan) {
        for append in plan.appends {
            committed.insert(append.event.orderID)
            if append.linesStored { orphans[append.event.orderID] = nil }
        }
        marks.record(plan)
    }
}
