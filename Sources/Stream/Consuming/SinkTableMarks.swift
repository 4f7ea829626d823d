import Warehouse

/// The write marks of the three tables the stream appends to (`orders`, `order_products__prior`,
/// `order_products__train`): per table, the rows of its active parts and the highest block number
/// among them, read from `system.parts` (`OrderSinkTables.marks`: metadata, no data read).
///
/// On MergeTree (18.16, unpartitioned tables) an INSERT of one block adds one part with the next
/// block number, a merge keeps both figures, and a mutation or a deletion changes at least one of
/// them. So a table whose marks equal "the marks read at load + what this consumer inserted since"
/// holds exactly what was loaded plus this consumer's own rows: `SinkKnownState` checks that under
/// the ingest lock and loads again otherwise. (A mutation takes a block number without a part of its
/// own, so the first INSERT after one lands beyond "highest + 1": the state reads the marks once
/// after its first commit since a load, `SinkKnownState.calibrate`, still under the lock.)
public struct SinkTableMarks: Equatable, Sendable, CustomStringConvertible {
    public struct Mark: Equatable, Sendable {
        public var rows = 0
        public var block = 0
    }

    static let tables = [InstacartSchema.orders.name, InstacartSchema.priorProducts.name, InstacartSchema.trainProducts.name]

    public var orders = Mark()
    public var prior = Mark()
    public var train = Mark()

    public init() {}

    mutating func set(_ table: String, _ mark: Mark) {
        switch table {
        case InstacartSchema.orders.name: orders = mark
        case InstacartSchema.priorProducts.name: prior = mark
        case InstacartSchema.trainProducts.name: train = mark
        default: break
        }
    }

    /// The marks after this consumer's commit of `plan`: one INSERT (one block, one part) per
    /// table that received rows.
    mutating func record(_ plan: BatchPlan) {
        func add(_ rows: Int, _ mark: inout Mark) {
            guard rows > 0 else { return }
            mark.rows += rows
            mark.block += 1
        }
        add(plan.linesToInsert(.prior).reduce(0) { $0 + $1.lines.count }, &prior)
        add(plan.linesToInsert(.train).reduce(0) { $0 + $1.lines.count }, &train)
        add(plan.appends.count, &orders)
    }

    public var description: String {
        "orders \(orders.rows) rows / block \(orders.block), prior \(prior.rows) / \(prior.block), train \(train.rows) / \(train.block)"
    }
}
