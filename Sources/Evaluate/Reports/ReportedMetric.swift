/// One score a report compares models on: its column title, how to read it off `ModelScores`,
/// and which direction is better.
public struct ReportedMetric: Sendable {
    public let title: String
    public let higherIsBetter: Bool
    public let value: @Sendable (ModelScores) -> Double

    /// The eight scores of `ModelScores`, in the metrics table's order.
    public static let all: [ReportedMetric] = [
        .init(title: "R²", higherIsBetter: true) { $0.pair.r2 },
        .init(title: "MAE", higherIsBetter: false) { $0.pair.mae },
        .init(title: "AUC", higherIsBetter: true) { $0.pair.auc },
        .init(title: "log loss", higherIsBetter: false) { $0.pair.logloss },
        .init(title: "F1 @ 0.2", higherIsBetter: true) { $0.pair.f1At02 },
        .init(title: "F1 expected", higherIsBetter: true) { $0.pair.f1Expected },
        .init(title: "demand R²", higherIsBetter: true) { $0.demand.r2 },
        .init(title: "demand MAE", higherIsBetter: false) { $0.demand.mae },
    ]

    public init(title: String, higherIsBetter: Bool, value: @escaping @Sendable (ModelScores) -> Double) {
        self.title = title
        self.higherIsBetter = higherIsBetter
        self.value = value
    }

    /// Whether a is strictly better than b on this metric (NaN is never better).
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        guard a.isFinite else { return false }
        guard b.isFinite else { return true }
        return higherIsBetter ? a > b : a < b
    }
}

/// Mean and sample standard deviation (n − 1) of the finite values; sd 0 for one value.
func meanAndDeviation(_ values: [Double]) -> (mean: Double, sd: Double) {
    let v = values.filter(\.isFinite)
    guard !v.isEmpty else { return (.nan, .nan) }
    let mean = v.reduce(0, +) / Double(v.count)
    guard v.count > 1 else { return (mean, 0) }
    let ss = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (mean, (ss / Double(v.count - 1)).squareRoot())
}
