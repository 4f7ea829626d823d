extension CrossValidatedComparison {
    /// Each model's scores on each fold's held-out rows alone: the spread of these over the folds
    /// is the error bar of a pooled out-of-fold score. Folds without rows are skipped. Cost: one
    /// `ModelScores.score` per model and fold, O(n log n) in all.
    static func foldScores(_ models: [(String, [Double])], labels: [Double], groups: [Int32], items: [Int32],
                           kfold: GroupedKFold) -> [String: [ModelScores]] {
        var out: [String: [ModelScores]] = [:]
        for fold in 0..<kfold.folds {
            let rows = kfold.split(fold).test
            guard !rows.isEmpty else { continue }
            let y = rows.map { labels[$0] }, g = rows.map { groups[$0] }, it = rows.map { items[$0] }
            for (name, p) in models {
                out[name, default: []].append(ModelScores.score(predictions: rows.map { p[$0] }, labels: y, groups: g, items: it))
            }
        }
        return out
    }
}
