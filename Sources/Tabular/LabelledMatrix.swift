/// A feature matrix with its row keys and an optional target per row (NaN = unknown label, such as
/// an order whose contents are not known yet). This is what feature builders return and what the
/// trainer, the evaluator and the scorer read.
public struct LabelledMatrix: Sendable, Equatable {
    public var features: FeatureMatrix
    public var keys: RowKeys
    /// One target per row; NaN where the label is unknown.
    public var target: [Float]
    public var targetName: String

    public init(features: FeatureMatrix, keys: RowKeys, target: [Float], targetName: String = "y") {
        precondition(keys.rowCount == features.rowCount || keys.names.isEmpty, "LabelledMatrix: key rows differ")
        precondition(target.count == features.rowCount, "LabelledMatrix: \(target.count) targets for \(features.rowCount) rows")
        self.features = features
        self.keys = keys
        self.target = target
        self.targetName = targetName
    }

    public var rowCount: Int { features.rowCount }

    /// The rows whose target is known, in order.
    public var labelledRows: [Int] {
        target.indices.filter { !target[$0].isNaN }
    }

    public func selectingRows(_ rows: [Int]) -> LabelledMatrix {
        LabelledMatrix(features: features.selectingRows(rows),
                       keys: keys.names.isEmpty ? keys : keys.selectingRows(rows),
                       target: rows.map { target[$0] }, targetName: targetName)
    }
}
