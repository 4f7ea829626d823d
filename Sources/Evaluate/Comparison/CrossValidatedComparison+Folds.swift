extension CrossValidatedComparison {
    /// Each model's scores on all rows (pooled out-of-fold) and on each fold's held-out rows alone:
    /// the spread of the per-fold scores is the error bar of a pooled score. Folds without rows are
    /// skipped. A user's rows are all in one fold, so the basket F1s (the quadratic expected-F1
    /// search) are computed once per model and fold (`BasketF1.perGroup`) and serve both the fold's
    /// score and, merged in the pooled order, the pooled one: the same numbers, bit for bit, as
    /// scoring each on its own. Cost: O(n log n) per model for the pooled scores, the same again
    /// over the folds, plus one basket search per user and model; every piece is a task of one pool
    /// over the cores.
    static func allScores(_ models: [(String, [Double])], labels: [Double], groups: [Int32], items: [Int32],
                          kfold: GroupedKFold, threshold: Double = 0.2) -> (pooled: [ModelScores], perFold: [String: [ModelScores]]) {
        let tests = (0..<kfold.folds).map { kfold.split($0).test }.filter { !$0.isEmpty }
        let m = models.count, f = tests.count
        // Phase 1: per (fold, model), each user's basket F1s.
        let baskets = ParallelMap.map(count: f * m) { task in
            let rows = tests[task / m], p = models[task % m].1
            return BasketF1.perGroup(probabilities: rows.map { min(max(p[$0], 0), 1) }, labels: rows.map { labels[$0] },
                                     groups: rows.map { groups[$0] }, threshold: threshold)
        }
        // Phase 2: the pooled scores (large, first) and the per-fold ones.
        let scores = ParallelMap.map(count: m + f * m) { task in
            if task < m {
                let merged = BasketF1.GroupF1s.merging((0..<f).map { baskets[$0 * m + task] }, groups: groups)
                return ModelScores.score(predictions: models[task].1, labels: labels, groups: groups, items: items,
                                         threshold: threshold, baskets: merged.mean())
            }
            let fold = (task - m) / m, model = (task - m) % m
            let rows = tests[fold], p = models[model].1
            return ModelScores.score(predictions: rows.map { p[$0] }, labels: rows.map { labels[$0] },
                                     groups: rows.map { groups[$0] }, items: rows.map { items[$0] },
                                     threshold: threshold, baskets: baskets[fold * m + model].mean())
        }
        var perFold: [String: [ModelScores]] = [:]
        for (index, score) in scores.enumerated().dropFirst(m) { perFold[models[(index - m) % m].0, default: []].append(score) }
        return (Array(scores.prefix(m)), perFold)
    }
}
