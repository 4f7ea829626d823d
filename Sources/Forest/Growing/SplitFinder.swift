/// Totals of a node (or of one side of a split): Σ w·y, Σ w, distinct rows.
struct NodeTotals: Equatable {
    var sum: Double
    var weight: UInt64
    var count: Int

    /// The MSE proxy S² / W: the impurity decrease of a split is
    /// (S_L²/W_L + S_R²/W_R − S²/W), the drop of the bootstrap-weighted sum of squared errors.
    @inline(__always) var proxy: Double { weight == 0 ? 0 : sum * sum / Double(weight) }
}

/// The best split found for one feature: rows with code ≤ `bin` go left, missing rows go left when
/// `missingLeft`. `score` = S_L²/W_L + S_R²/W_R (larger is better).
/// `gapEnd` ≥ `bin` is the last bin before the next non-empty one: every threshold bin in
/// `bin...gapEnd` partitions the node's rows the same way (`valueBins − 1` when no value bin follows).
struct SplitCandidate: Equatable {
    var feature: Int
    var bin: Int
    var missingLeft: Bool
    var score: Double
    var left: NodeTotals
    var gapEnd: Int
}

/// Best split of a node on one feature from its histogram.
///
/// Thresholds are tried at every non-empty value bin in increasing order (an empty bin would give the
/// same partition as the non-empty bin before it); when the node has missing values, each threshold is
/// tried with the missing rows on the right, then on the left, and the one with the lower loss is kept
/// (ties keep the earlier: lower bin, missing right). A side must hold at least `minLeaf` distinct rows.
/// The scans also record where the gap after the chosen bin ends (`SplitCandidate.gapEnd`), so that
/// `centredBin` can put the threshold in the middle of the node's empty bins, as scikit-learn's
/// midpoint between two consecutive node values does, instead of against the left side.
/// Cost: O(value bins) dense, O(d log d) sparse for d distinct codes.
enum SplitFinder {
    /// Scans a dense histogram (`cells[0..<valueBins]`, missing at `cells[valueBins]`), updating `best`;
    /// returns whether the feature is constant in the node.
    @inline(__always)
    static func scanDense(_ cells: UnsafePointer<HistogramCell>, valueBins: Int, feature: Int, total: NodeTotals,
                          minLeaf: Int, best: inout SplitCandidate?) -> Bool {
        let missing = cells[valueBins]
        var nonEmpty = missing.count > 0 ? 1 : 0
        var ls = 0.0, lw: UInt64 = 0, lc = 0
        var previous = -1
        for b in 0..<valueBins {
            let c = cells[b]
            if c.count == 0 { continue }
            closeGap(before: b, previous: previous, feature: feature, best: &best)
            previous = b
            nonEmpty &+= 1
            ls += c.sum
            lw &+= UInt64(c.weight)
            lc &+= Int(c.count)
            // once fewer than minLeaf rows remain on the right, no later threshold is valid either;
            // keep counting non-empty bins (for the constant test) but skip the arithmetic
            if total.count &- lc < minLeaf { continue }
            consider(feature: feature, bin: b, valueBins: valueBins, left: NodeTotals(sum: ls, weight: lw, count: lc),
                     missing: missing, total: total, minLeaf: minLeaf, best: &best)
        }
        return nonEmpty <= 1
    }

    /// Scans the codes marked in the 256-bit `seen` bitmap in increasing order (the missing code is
    /// `valueBins`), then clears their cells and the bitmap; returns whether the feature is constant
    /// in the node.
    @inline(__always)
    static func scanSparse(_ cells: UnsafeMutablePointer<HistogramCell>, seen: UnsafeMutablePointer<UInt64>,
                           valueBins: Int, feature: Int, total: NodeTotals, minLeaf: Int, best: inout SplitCandidate?) -> Bool {
        let missing = cells[valueBins]
        var distinct = 0
        var ls = 0.0, lw: UInt64 = 0, lc = 0
        var previous = -1
        for word in 0..<4 {
            var bits = seen[word]
            seen[word] = 0
            while bits != 0 {
                let b = word &<< 6 &+ bits.trailingZeroBitCount
                bits &= bits &- 1
                distinct &+= 1
                let c = cells[b]
                cells[b] = .zero
                if b == valueBins { continue }
                closeGap(before: b, previous: previous, feature: feature, best: &best)
                previous = b
                ls += c.sum
                lw &+= UInt64(c.weight)
                lc &+= Int(c.count)
                consider(feature: feature, bin: b, valueBins: valueBins, left: NodeTotals(sum: ls, weight: lw, count: lc),
                         missing: missing, total: total, minLeaf: minLeaf, best: &best)
            }
        }
        return distinct <= 1
    }

    /// When the best split so far is this feature's split at the previous non-empty bin, the next
    /// non-empty bin `b` ends its gap.
    @inline(__always)
    static func closeGap(before b: Int, previous: Int, feature: Int, best: inout SplitCandidate?) {
        if previous >= 0, let found = best, found.feature == feature, found.bin == previous { best!.gapEnd = b &- 1 }
    }

    @inline(__always)
    static func consider(feature: Int, bin: Int, valueBins: Int, left: NodeTotals, missing: HistogramCell, total: NodeTotals,
                         minLeaf: Int, best: inout SplitCandidate?) {
        evaluate(feature: feature, bin: bin, valueBins: valueBins, missingLeft: false, left: left, total: total,
                 minLeaf: minLeaf, best: &best)
        if missing.count > 0 {
            let withMissing = NodeTotals(sum: left.sum + missing.sum, weight: left.weight &+ UInt64(missing.weight),
                                         count: left.count &+ Int(missing.count))
            evaluate(feature: feature, bin: bin, valueBins: valueBins, missingLeft: true, left: withMissing, total: total,
                     minLeaf: minLeaf, best: &best)
        }
    }

    /// The threshold bin in `bin...gapEnd` in the middle of the node's empty bins: ⌊(bin + gapEnd + 1)/2⌋,
    /// the midpoint rule of scikit-learn's exact splitter (halfway between the node's last left value
    /// and first right value) applied to bin codes. Every bin in `bin...gapEnd` gives the node's rows
    /// the same partition, so only values that the node never saw move. `gapEnd` = the last value bin
    /// means every non-missing value goes left: that bin (threshold +∞), as scikit-learn's.
    /// Measured on 3,000 generated users, 5 folds, 10 trees, 5 seeds: mean out-of-fold MAE 0.14444 with
    /// the left-most bin, 0.14419 with the edge nearest the middle in value space, 0.14413 with this.
    static func centredBin(bin: Int, gapEnd: Int, valueBins: Int) -> Int {
        if gapEnd >= valueBins - 1 { return valueBins - 1 }
        if gapEnd <= bin { return bin }
        return (bin + gapEnd + 1) / 2
    }

    @inline(__always)
    static func evaluate(feature: Int, bin: Int, valueBins: Int, missingLeft: Bool, left: NodeTotals, total: NodeTotals,
                         minLeaf: Int, best: inout SplitCandidate?) {
        let rightCount = total.count &- left.count
        if left.count < minLeaf || rightCount < minLeaf { return }
        let rs = total.sum - left.sum
        let rw = total.weight &- left.weight
        let score = left.sum * left.sum / Double(left.weight) + rs * rs / Double(rw)
        if let b = best, !(score > b.score) { return }
        best = SplitCandidate(feature: feature, bin: bin, missingLeft: missingLeft, score: score, left: left,
                              gapEnd: valueBins &- 1)
    }
}
