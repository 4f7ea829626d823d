/// The "Reading" paragraph of an evaluation notebook, written from the numbers: the best model on
/// each metric, every metric on which a baseline beats the reference model (the forest) with the
/// fold-by-fold evidence (in how many folds, the mean paired difference ± its sd), the demand level,
/// and the features the model leans on most. Pure; cost O(models · metrics · folds).
public enum ComparisonReading {
    public static func text(scores: [(name: String, scores: ModelScores)], foldScores: [String: [ModelScores]] = [:],
                            reference: String = "forest", topFeatures: [String] = [], itemNoun: String = "product") -> String {
        guard let mine = scores.first(where: { $0.name == reference })?.scores else { return "" }
        var text = "**Reading.**\n\n- Best per metric (pooled out-of-fold scores): "
        text += ReportedMetric.all.map { metric in
            let best = winners(metric, scores)
            return "\(metric.title) **\(best.joined(separator: " = "))** (\(f4(metric.value(scores.first { $0.name == best[0] }!.scores))))"
        }.joined(separator: "; ") + "."
        var lost: [String] = []
        for metric in ReportedMetric.all {
            let beaters = scores.filter { $0.name != reference && metric.isBetter(metric.value($0.scores), than: metric.value(mine)) }
            guard !beaters.isEmpty else { continue }
            let who = beaters.map { "\($0.name) (\(f4(metric.value($0.scores))))" }.joined(separator: " and ")
            var clause = "**\(beaters.map(\.name).joined(separator: " and ")) \(beaters.count == 1 ? "beats" : "beat") the \(reference) on "
                + "\(metric.title)**: \(who) against \(f4(metric.value(mine)))"
            if let evidence = foldEvidence(metric, winner: beaters[0].name, reference: reference, foldScores) { clause += "; " + evidence }
            lost.append(clause + ".")
        }
        let baselines = scores.count - 1
        if lost.isEmpty {
            text += "\n- The \(reference) wins all \(ReportedMetric.all.count) metrics against the "
                + "\(baselines == 1 ? "baseline" : "\(baselines) baselines")."
            if let narrow = narrowestLead(scores: scores, foldScores: foldScores, reference: reference) { text += " " + narrow }
        } else {
            text += "\n- The \(reference) wins \(ReportedMetric.all.count - lost.count) of \(ReportedMetric.all.count) metrics; "
                + "a baseline is better on \(lost.count):"
            text += lost.map { "\n  - " + $0 }.joined()
        }
        let others = scores.filter { $0.name != reference }
        text += "\n- The \(reference) explains \(pct(mine.demand.r2)) of the variance of \(itemNoun) demand"
        text += others.isEmpty ? "." : " (" + others.map { "\($0.name) \(pct($0.scores.demand.r2))" }.joined(separator: ", ") + ")."
        if !topFeatures.isEmpty {
            text += "\n- Shuffling " + topFeatures.map { "`\($0)`" }.joined(separator: ", ") + " on held-out users costs the most log loss."
        }
        if mine.pair.r2 < 0.3 {
            text += "\n- Row-level R² stays low, as expected for rare 0/1 events: the demand level is where the sums pay off."
        }
        return text
    }

    /// "Its narrowest lead: AUC over ridge (0.8430 against 0.8377; the forest is better in 5 of 5
    /// folds, …)": the metric where the reference's lead over the best baseline is smallest
    /// relative to the baseline's value; nil without baselines.
    static func narrowestLead(scores: [(name: String, scores: ModelScores)], foldScores: [String: [ModelScores]],
                              reference: String) -> String? {
        guard let mine = scores.first(where: { $0.name == reference })?.scores else { return nil }
        let others = scores.filter { $0.name != reference }
        var best: (metric: ReportedMetric, rival: String, lead: Double)?
        for metric in ReportedMetric.all {
            guard let rival = others.max(by: { metric.isBetter(metric.value($1.scores), than: metric.value($0.scores)) }) else { continue }
            let a = metric.value(mine), b = metric.value(rival.scores)
            guard a.isFinite, b.isFinite else { continue }
            let lead = abs(a - b) / max(abs(b), 1e-12)
            if best == nil || lead < best!.lead { best = (metric, rival.name, lead) }
        }
        guard let best else { return nil }
        let rival = others.first { $0.name == best.rival }!.scores
        var text = "Its narrowest lead: \(best.metric.title) over \(best.rival) (\(f4(best.metric.value(mine))) against "
            + "\(f4(best.metric.value(rival)))"
        if let evidence = foldEvidence(best.metric, winner: reference, reference: best.rival, foldScores) { text += "; the " + evidence }
        return text + ")."
    }

    /// The names of the models with the best value of `metric` (several on a tie).
    static func winners(_ metric: ReportedMetric, _ scores: [(name: String, scores: ModelScores)]) -> [String] {
        var best: [String] = [], bestValue = Double.nan
        for (name, s) in scores {
            let v = metric.value(s)
            if best.isEmpty || metric.isBetter(v, than: bestValue) { best = [name]; bestValue = v } else if v == bestValue { best.append(name) }
        }
        return best
    }

    /// "better in 4 of 5 folds, paired difference 0.0031 ± 0.0012 (mean ± sd over folds)", or nil
    /// without fold scores.
    static func foldEvidence(_ metric: ReportedMetric, winner: String, reference: String, _ folds: [String: [ModelScores]]) -> String? {
        guard let w = folds[winner], let r = folds[reference], w.count == r.count, !w.isEmpty else { return nil }
        let pairs = zip(w, r).map { (metric.value($0.0), metric.value($0.1)) }
        let ahead = pairs.filter { metric.isBetter($0.0, than: $0.1) }.count
        let difference = meanAndDeviation(pairs.map { $0.0 - $0.1 })
        return "\(winner) is better in \(ahead) of \(pairs.count) folds, by \(f4(difference.mean)) ± \(f4(difference.sd)) "
            + "(paired difference, mean ± sd over folds)"
    }

    static func pct(_ v: Double) -> String { v.isFinite ? fixed(v * 100, 1) + " %" : "nan" }
}
