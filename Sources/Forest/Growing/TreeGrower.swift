/// Grows one regression tree at a time over row-major bin codes; one grower per worker thread,
/// reused for every tree that worker grows. All of its buffers are allocated once and accessed
/// through raw pointers in the hot loops (the one place in the target that holds unsafe memory).
///
/// Growth is depth-first with an explicit stack. A node owns a contiguous range of `samples`
/// (in-bag rows with their bootstrap counts); splitting it partitions the range stably in place, so
/// rows stay in increasing order inside every node (friendlier to the cache when gathering codes).
/// At each node, features are drawn without replacement (partial Fisher–Yates) until `mtry` have been
/// visited, and further while every visited feature was constant in the node (scikit-learn's rule);
/// features found constant are remembered for the node's descendants and skipped at no cost.
/// Histograms are built for the drawn features only (see `HistogramBuilder`), in one pass over the
/// node's rows; nodes smaller than `sparseNodeLimit` rows use a sparse histogram per feature instead,
/// so that a 10-row node does not scan and clear 256 bins per feature.
/// Out-of-bag rows of each finished tree are pushed through it on their codes, and their leaf values
/// added in fixed point (Int64, `oobScale` units) so that the sums do not depend on which worker
/// grew which tree.
final class TreeGrower {
    struct Settings {
        var maxFeatures: Int
        var minSamplesLeaf: Int
        var maxDepth: Int
        var minImpurityDecrease: Double
        var draws: Int
        var sparseNodeLimit: Int = 64
    }

    private struct Task {
        var start: Int
        var end: Int
        var node: Int
        var depth: Int
        var total: NodeTotals
    }

    let n: Int
    let p: Int
    let settings: Settings
    private let codes: UnsafePointer<UInt8>
    private let targets: UnsafePointer<Float>
    private let valueBins: UnsafeMutablePointer<Int>
    private let thresholds: UnsafeMutablePointer<Float>
    let counts: UnsafeMutablePointer<UInt32>
    private let samples: UnsafeMutablePointer<Sample>
    private let scratch: UnsafeMutablePointer<Sample>
    private let cells: UnsafeMutablePointer<HistogramCell>
    private let touched: UnsafeMutablePointer<UInt8>
    private let permutation: UnsafeMutablePointer<Int32>
    private let batchFeatures: UnsafeMutablePointer<Int32>
    private var knownConstant: UnsafeMutablePointer<UInt8>
    private var knownConstantRows: Int
    private var stack: [Task] = []
    let oobSum: UnsafeMutablePointer<Int64>
    let oobCount: UnsafeMutablePointer<UInt32>
    let oobScale: Double

    /// `codes` and `targets` are borrowed: the caller keeps them alive while the grower is used.
    init(codes: UnsafePointer<UInt8>, targets: UnsafePointer<Float>, rowCount n: Int, mapper: BinMapper,
         settings: Settings, oobScale: Double) {
        self.n = n
        self.p = mapper.featureCount
        self.settings = settings
        self.codes = codes
        self.targets = targets
        self.oobScale = oobScale
        valueBins = .allocate(capacity: p)
        thresholds = .allocate(capacity: p * 256)
        for f in 0..<p {
            valueBins[f] = mapper.valueBinCount(f)
            for b in 0..<256 { thresholds[f * 256 + b] = mapper.threshold(feature: f, bin: min(b, 254)) }
        }
        counts = .allocate(capacity: max(n, 1))
        samples = .allocate(capacity: max(n, 1))
        scratch = .allocate(capacity: max(n, 1))
        // p dense histograms, then one sparse area that is always left zeroed
        cells = .allocate(capacity: (max(p, 1) + 1) * 256)
        cells.initialize(repeating: .zero, count: (max(p, 1) + 1) * 256)
        touched = .allocate(capacity: 256)
        permutation = .allocate(capacity: max(p, 1))
        batchFeatures = .allocate(capacity: max(p, 1))
        knownConstantRows = 64
        knownConstant = .allocate(capacity: knownConstantRows * max(p, 1))
        oobSum = .allocate(capacity: max(n, 1))
        oobSum.initialize(repeating: 0, count: max(n, 1))
        oobCount = .allocate(capacity: max(n, 1))
        oobCount.initialize(repeating: 0, count: max(n, 1))
    }

    deinit {
        valueBins.deallocate()
        thresholds.deallocate()
        counts.deallocate()
        samples.deallocate()
        scratch.deallocate()
        cells.deallocate()
        touched.deallocate()
        permutation.deallocate()
        batchFeatures.deallocate()
        knownConstant.deallocate()
        oobSum.deallocate()
        oobCount.deallocate()
    }

    /// Grows the tree of `seed`; returns it with its impurity decrease per feature (in units of
    /// bootstrap-weighted squared error). Leaves `counts` holding the tree's bootstrap counts.
    func grow(seed: UInt64) -> (tree: DecisionTree, importance: [Double]) {
        var rng = ForestRandom(seed: seed)
        counts.update(repeating: 0, count: n)
        for _ in 0..<settings.draws { counts[rng.bounded(n)] &+= 1 }
        var m = 0, weight: UInt64 = 0, sum = 0.0
        for r in 0..<n where counts[r] != 0 {
            let y = targets[r], w = counts[r]
            samples[m] = Sample(row: UInt32(truncatingIfNeeded: r), weight: w, target: y)
            m += 1
            weight &+= UInt64(w)
            sum += Double(y) * Double(w)
        }
        var tree = DecisionTree()
        var importance = [Double](repeating: 0, count: p)
        tree.appendLeaf(value: Float(sum / Double(weight)))
        for f in 0..<p { permutation[f] = Int32(f) }
        knownConstant.update(repeating: 0, count: p)
        let rootWeight = Double(weight)
        stack.removeAll(keepingCapacity: true)
        stack.append(Task(start: 0, end: m, node: 0, depth: 0, total: NodeTotals(sum: sum, weight: weight, count: m)))
        while let task = stack.popLast() {
            guard let split = findSplit(task, rng: &rng, rootWeight: rootWeight) else { continue }
            partition(task, split)
            let left = split.left
            let right = NodeTotals(sum: task.total.sum - left.sum, weight: task.total.weight &- left.weight,
                                   count: task.total.count &- left.count)
            let l = tree.appendLeaf(value: Float(left.sum / Double(left.weight)))
            let r = tree.appendLeaf(value: Float(right.sum / Double(right.weight)))
            tree.setSplit(task.node, feature: split.feature, bin: split.bin,
                          threshold: thresholds[split.feature * 256 + split.bin], missingLeft: split.missingLeft,
                          left: l, right: r)
            importance[split.feature] += split.score - task.total.proxy
            let middle = task.start + left.count
            stack.append(Task(start: middle, end: task.end, node: r, depth: task.depth + 1, total: right))
            stack.append(Task(start: task.start, end: middle, node: l, depth: task.depth + 1, total: left))
        }
        accumulateOutOfBag(tree)
        return (tree, importance)
    }

    /// The best split of a node, or nil when it must stay a leaf.
    private func findSplit(_ task: Task, rng: inout ForestRandom, rootWeight: Double) -> SplitCandidate? {
        let count = task.end - task.start
        let minLeaf = settings.minSamplesLeaf
        if count < 2 * minLeaf { return nil }
        if settings.maxDepth > 0 && task.depth >= settings.maxDepth { return nil }
        let nodeSamples = samples + task.start
        let y0 = nodeSamples[0].target
        var pure = true
        for i in 1..<count where nodeSamples[i].target != y0 {
            pure = false
            break
        }
        if pure { return nil }

        ensureKnownConstantRows(task.depth + 2)
        let known = knownConstant + task.depth * p
        let childKnown = known + p
        childKnown.update(from: known, count: p)
        let mtry = settings.maxFeatures
        var best: SplitCandidate?
        var drawn = 0, visited = 0, nonConstant = 0, batch = 0
        while drawn < p && visited < mtry {
            let f = draw(&drawn, rng: &rng)
            visited += 1
            if known[f] == 0 {
                batchFeatures[batch] = Int32(f)
                batch += 1
            }
        }
        nonConstant += evaluate(batch: batch, task: task, childKnown: childKnown, best: &best)
        while nonConstant == 0 && drawn < p {
            let f = draw(&drawn, rng: &rng)
            if known[f] != 0 { continue }
            batchFeatures[0] = Int32(f)
            nonConstant += evaluate(batch: 1, task: task, childKnown: childKnown, best: &best)
        }
        guard let found = best else { return nil }
        let parent = task.total.proxy
        let improvement = found.score - parent
        if !(improvement > 1e-12 * abs(parent)) || improvement <= 0 { return nil }
        if settings.minImpurityDecrease > 0 && improvement / rootWeight < settings.minImpurityDecrease { return nil }
        return found
    }

    @inline(__always)
    private func draw(_ drawn: inout Int, rng: inout ForestRandom) -> Int {
        let j = drawn + rng.bounded(p - drawn)
        let f = permutation[j]
        permutation[j] = permutation[drawn]
        permutation[drawn] = f
        drawn += 1
        return Int(f)
    }

    /// Builds and scans the histograms of `batchFeatures[0..<batch]`; returns how many were not
    /// constant in the node and marks the constant ones in `childKnown`.
    private func evaluate(batch: Int, task: Task, childKnown: UnsafeMutablePointer<UInt8>, best: inout SplitCandidate?) -> Int {
        if batch == 0 { return 0 }
        let count = task.end - task.start
        let nodeSamples = UnsafePointer(samples + task.start)
        let minLeaf = settings.minSamplesLeaf
        var nonConstant = 0
        if count < settings.sparseNodeLimit {
            let sparseCells = cells + p * 256
            for k in 0..<batch {
                let f = Int(batchFeatures[k])
                let distinct = HistogramBuilder.buildSparse(samples: nodeSamples, count: count, codes: codes, featureCount: p,
                                                            feature: f, into: sparseCells, touched: touched)
                let constant = SplitFinder.scanSparse(sparseCells, touched: touched, distinct: distinct, feature: f,
                                                      total: task.total, minLeaf: minLeaf, best: &best)
                if constant { childKnown[f] = 1 } else { nonConstant += 1 }
            }
            return nonConstant
        }
        for k in 0..<batch {
            let area = cells + (k << 8)
            area.update(repeating: .zero, count: valueBins[Int(batchFeatures[k])])
            area[255] = .zero
        }
        HistogramBuilder.build(samples: nodeSamples, count: count, codes: codes, featureCount: p,
                               features: batchFeatures, batch: batch, into: cells)
        for k in 0..<batch {
            let f = Int(batchFeatures[k])
            let constant = SplitFinder.scanDense(cells + (k << 8), valueBins: valueBins[f], feature: f,
                                                 total: task.total, minLeaf: minLeaf, best: &best)
            if constant { childKnown[f] = 1 } else { nonConstant += 1 }
        }
        return nonConstant
    }

    /// Stable in-place partition of the node's samples: left rows first, in order, then right rows.
    private func partition(_ task: Task, _ split: SplitCandidate) {
        let f = split.feature, bin = UInt8(split.bin), missingLeft = split.missingLeft
        var write = task.start, spilled = 0
        for i in task.start..<task.end {
            let s = samples[i]
            let code = codes[Int(s.row) &* p &+ f]
            let goLeft = code == BinMapper.missingBin ? missingLeft : code <= bin
            if goLeft {
                samples[write] = s
                write &+= 1
            } else {
                scratch[spilled] = s
                spilled &+= 1
            }
        }
        (samples + write).update(from: scratch, count: spilled)
    }

    private func ensureKnownConstantRows(_ rows: Int) {
        guard rows > knownConstantRows else { return }
        let grown = max(rows, knownConstantRows * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown * max(p, 1))
        bigger.update(from: knownConstant, count: knownConstantRows * p)
        knownConstant.deallocate()
        knownConstant = bigger
        knownConstantRows = grown
    }

    /// Adds the tree's prediction for every out-of-bag row (bootstrap count 0) to `oobSum`/`oobCount`.
    private func accumulateOutOfBag(_ tree: DecisionTree) {
        tree.feature.withUnsafeBufferPointer { feature in
            tree.thresholdBin.withUnsafeBufferPointer { bin in
                tree.missingGoesLeft.withUnsafeBufferPointer { missingLeft in
                    tree.left.withUnsafeBufferPointer { left in
                        tree.right.withUnsafeBufferPointer { right in
                            tree.value.withUnsafeBufferPointer { value in
                                for r in 0..<n where counts[r] == 0 {
                                    let rowCodes = codes + r &* p
                                    var i = 0
                                    while feature[i] >= 0 {
                                        let c = rowCodes[Int(feature[i])]
                                        let goLeft = c == BinMapper.missingBin ? missingLeft[i] != 0 : c <= bin[i]
                                        i = Int(goLeft ? left[i] : right[i])
                                    }
                                    oobSum[r] &+= Int64((Double(value[i]) * oobScale).rounded())
                                    oobCount[r] &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
