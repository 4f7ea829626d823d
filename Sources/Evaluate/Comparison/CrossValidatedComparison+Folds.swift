extension CrossValidatedComparison {
    /// Each model's scores on all rows (pooled out-of-fold) and on each fold's held-out rows alone:
    /// the spread of the per-fold scores is the error bar of a pooled score. Folds without rows are
    /// skipped. Cost: one `ModelScores.score` per model on all n rows and one per model and fold,
    /// O(n log n) each; all of them are tasks of one pool over the cores (the pooled ones first).
    static func allScores(_ models: [(String, [Double])], labels: [Double], groups: [Int32], items: [Int32],
                          kfold: GroupedKFold) -> (pooled: [ModelScores], perFold: [String: [ModelScores]]) {
        let tests = (0..<kfold.folds).map { kfold.split($0).test }.filter { !$0.isEmpty }
        let m = models.count
        let scores = ParallelMap.map(count: m + tests.count * m) { task in
            if task < m { return ModelScores.score(predictions: models[task].1, labels: labels, groups: groups, items: items) }
            let rows = tests[(task - m) / m], p = models[(task - m) % m].1
            return ModelScores.score(predictions: rows.map { p[$0] }, labels: rows.map { labels[$0] },
                                     groups: rows.map { groups[$0] }, items: rows.map { items[$0] })
        }
        var perFold: [String: [ModelScores]] = [:]
        for (index, score) in scores.enumerated().dropFirst(m) { perFold[models[(index - m) % m].0, default: []].append(score) }
        return (Array(scores.prefix(m)), perFold)
    }
}
