import Tabular

/// Grows one regression tree at a time over row-major bin codes; one grower per worker thread,
/// reused for every tree that worker grows. All of its buffers are allocated once, freed at deinit,
/// and accessed through raw pointers in the hot loops (`TreeGrower+Kernels.swift`).
///
/// Growth is depth-first with an explicit stack. A node owns a contiguous range of `samples`
/// (in-bag rows with their bootstrap counts) and the same range of `nodeCodes`, a node-ordered copy
/// of those rows' codes (`rowStride` bytes per sample, gathered once per tree from the matrix in row
/// order). Splitting a node partitions its range stably into the *other* buffer of a pair (a node at
/// depth d lives in buffer d % 2; its children take the same range of the other buffer, whose old
/// contents belong to the node's ancestors and are dead), moving each row's codes with its sample.
/// Rows stay in increasing order inside every node, so every sum is taken in the same order as with
/// in-place partitioning. Histogram builds and partitions then read sequential memory, however deep
/// the node, instead of one cache miss per row scattered over the matrix.
/// Cost: (12 + rowStride) bytes read and written per row and level, and 2 · m · rowStride bytes of
/// codes per grower (m in-bag rows, about 0.632 n: 2 × 20 MB at 1M rows and 30 features; that
/// training peaks at 376 MiB RSS with 2 workers, at the end of growth, when every tree exists; the
/// model file is 153 MiB).
///
/// Features: at each node, features are drawn without replacement (partial Fisher–Yates) until `mtry`
/// have been visited, and further while every visited feature was constant in the node (scikit-learn's
/// rule); features found constant are remembered for the node's descendants and skipped at no cost.
///
/// Histograms (`HistogramStrategy`):
/// - `.subtraction` (default): every node of at least `sparseNodeLimit` rows has a histogram of *all*
///   features. When a node splits, the rows of the smaller child are added to a fresh histogram right
///   after each chunk of the node is partitioned (the rows' codes are in cache then), and the larger
///   child's histogram is the parent's minus the smaller one, in place. Per split that costs
///   p · n_small row-features plus one pass over the cells, against mtry · (n_left + n_right) for
///   `.drawnFeatures`.
/// - `.drawnFeatures`: the histograms of the drawn features only, built from the node's rows.
/// On the 1M-row, 30-feature benchmark matrix with mtry 10 the two cost about the same
/// (`restock train --histograms` compares them).
/// Nodes below `sparseNodeLimit` rows use a sparse histogram per drawn feature, so that a 10-row node
/// does not scan and clear every bin. (`sparseNodeLimit` decides which histograms come from
/// subtraction, so it can change the last bits of the sums, and with them a tie between splits.)
///
/// Out-of-bag rows of each finished tree are pushed through it on their codes, and their leaf values
/// added in fixed point (Int64, `oobScale` units), so the sums do not depend on which worker grew
/// which tree.
final class TreeGrower {
    struct Settings: Sendable {
        var maxFeatures: Int
        var minSamplesLeaf: Int
        var maxDepth: Int
        var minImpurityDecrease: Double
        var draws: Int
        var sparseNodeLimit: Int = 256
        var strategy: HistogramStrategy = .subtraction
        /// Predict each tree's out-of-bag rows into `oobSum`/`oobCount` (sized 1 when off).
        var outOfBag = true
        /// m of `ForestParameters.leafSmoothing`.
        var leafSmoothing = 0.0
        /// λ of `ForestParameters.leafShrinkage`.
        var leafShrinkage = 0.0
        /// `ForestParameters.bootstrap`: draws with replacement (true) or `draws` distinct rows.
        var bootstrap = true
    }

    /// Features are numbered in 16 bits in the out-of-bag walk (`CodedNode`).
    static let maxFeatureCount = Int(UInt16.max) - 1

    struct Task {
        var start: Int
        var end: Int
        var node: Int
        var depth: Int
        var total: NodeTotals
        /// Index of this node's full histogram in the pool, or -1.
        var histogram: Int
    }

    let n: Int
    let p: Int
    let rowStride: Int
    let settings: Settings
    let codes: UnsafePointer<UInt8>
    let targets: UnsafePointer<Float>
    let valueBins: UnsafeMutablePointer<Int>
    let offsets: UnsafeMutablePointer<Int32>
    let cellCount: Int
    let thresholds: UnsafeMutablePointer<Float>
    let counts: UnsafeMutablePointer<UInt32>
    /// Two buffers of samples and two of node-ordered codes (`rowStride` bytes per sample); a node
    /// at depth d keeps its rows in buffer d % 2 (see `samples(depth:)`).
    let samples0: UnsafeMutablePointer<Sample>
    let samples1: UnsafeMutablePointer<Sample>
    let nodeCodes0: UnsafeMutablePointer<UInt8>
    let nodeCodes1: UnsafeMutablePointer<UInt8>
    let drawnCells: UnsafeMutablePointer<HistogramCell>
    let sparseCells: UnsafeMutablePointer<HistogramCell>
    let seen: UnsafeMutablePointer<UInt64>
    let permutation: UnsafeMutablePointer<Int32>
    let batchFeatures: UnsafeMutablePointer<Int32>
    var knownConstant: UnsafeMutablePointer<UInt8>
    var knownConstantRows: Int
    var histograms: [UnsafeMutablePointer<HistogramCell>] = []
    var freeHistograms: [Int] = []
    var stack: [Task] = []
    /// Node arrays reused from tree to tree (their capacity grows once); each tree is returned as a
    /// compact copy, so stored trees carry no spare capacity.
    var workspace = DecisionTree()
    /// The re-laid nodes of the out-of-bag walk, reused from tree to tree.
    var codedNodes: [CodedNode] = []
    /// Rows partitioned per chunk by `partitionBuilding` (their codes stay in cache between its passes).
    static let chunkRows = 1024
    let oobSum: UnsafeMutablePointer<Int64>
    let oobCount: UnsafeMutablePointer<UInt32>
    let oobScale: Double

    /// `codes` (as coded by `BinnedMatrix`) and `targets` are borrowed: the caller keeps them alive
    /// while the grower is used.
    init(codes: UnsafePointer<UInt8>, rowStride: Int, targets: UnsafePointer<Float>, rowCount n: Int, mapper: BinMapper,
         settings: Settings, oobScale: Double) {
        precondition(settings.draws < Int(UInt32.max), "too many bootstrap draws for 32-bit bin weights")
        self.n = n
        self.p = mapper.featureCount
        precondition(rowStride % 8 == 0 && rowStride >= mapper.featureCount, "rows must be padded to 8-byte words")
        self.rowStride = rowStride
        self.settings = settings
        self.codes = codes
        self.targets = targets
        self.oobScale = oobScale
        let p1 = max(p, 1)
        precondition(p <= TreeGrower.maxFeatureCount, "too many features for 16-bit feature numbers")
        valueBins = .allocate(capacity: p1)
        offsets = .allocate(capacity: p1)
        thresholds = .allocate(capacity: p1 * 256)
        var offset = 0
        for f in 0..<p {
            valueBins[f] = mapper.valueBinCount(f)
            offsets[f] = Int32(offset)
            offset += mapper.valueBinCount(f) + 1
            for b in 0..<256 { thresholds[f * 256 + b] = mapper.threshold(feature: f, bin: min(b, 254)) }
        }
        cellCount = max(offset, 1)
        counts = .allocate(capacity: max(n, 1))
        samples0 = .allocate(capacity: max(n, 1))
        samples1 = .allocate(capacity: max(n, 1))
        // at most n in-bag rows, but only the first m · rowStride bytes are ever touched
        nodeCodes0 = .allocate(capacity: max(n, 1) * rowStride)
        nodeCodes1 = .allocate(capacity: max(n, 1) * rowStride)
        drawnCells = .allocate(capacity: cellCount)
        drawnCells.initialize(repeating: .zero, count: cellCount)
        // 256 sparse cells and a 4-word bitmap per feature of a batch
        sparseCells = .allocate(capacity: 256 * p1)
        sparseCells.initialize(repeating: .zero, count: 256 * p1)
        seen = .allocate(capacity: 4 * p1)
        seen.initialize(repeating: 0, count: 4 * p1)
        permutation = .allocate(capacity: p1)
        batchFeatures = .allocate(capacity: p1)
        knownConstantRows = 64
        knownConstant = .allocate(capacity: knownConstantRows * p1)
        let oobRows = settings.outOfBag ? max(n, 1) : 1
        oobSum = .allocate(capacity: oobRows)
        oobSum.initialize(repeating: 0, count: oobRows)
        oobCount = .allocate(capacity: oobRows)
        oobCount.initialize(repeating: 0, count: oobRows)
    }

    deinit {
        valueBins.deallocate()
        offsets.deallocate()
        thresholds.deallocate()
        counts.deallocate()
        samples0.deallocate()
        samples1.deallocate()
        nodeCodes0.deallocate()
        nodeCodes1.deallocate()
        drawnCells.deallocate()
        sparseCells.deallocate()
        seen.deallocate()
        permutation.deallocate()
        batchFeatures.deallocate()
        knownConstant.deallocate()
        for h in histograms { h.deallocate() }
        oobSum.deallocate()
        oobCount.deallocate()
    }

    /// Grows the tree of `seed`; returns it with its impurity decrease per feature (in units of
    /// bootstrap-weighted squared error). Leaves `counts` holding the tree's bootstrap counts.
    func grow(seed: UInt64) -> (tree: DecisionTree, importance: [Double]) {
        var rng = SplitMix64(seed: seed)
        drawSample(&rng)
        var m = 0, weight: UInt64 = 0, sum = 0.0
        let stride = rowStride
        for r in 0..<n where counts[r] != 0 {
            let y = targets[r], w = counts[r]
            samples0[m] = Sample(row: UInt32(truncatingIfNeeded: r), weight: w, target: y)
            TreeGrower.copyRow(codes + r &* stride, to: nodeCodes0 + m &* stride, stride: stride)
            m += 1
            weight &+= UInt64(w)
            sum += Double(y) * Double(w)
        }
        var tree = workspace
        tree.removeAll()
        workspace = DecisionTree()
        var importance = [Double](repeating: 0, count: p)
        tree.appendLeaf(value: Float(sum / Double(weight)))
        for f in 0..<p { permutation[f] = Int32(f) }
        knownConstant.update(repeating: 0, count: p)
        let rootWeight = Double(weight)
        var rootHistogram = -1
        if settings.strategy == .subtraction && m >= settings.sparseNodeLimit {
            rootHistogram = acquireHistogram()
            HistogramBuilder.buildAll(samples: samples0, count: m, codes: nodeCodes0, rowStride: rowStride, featureCount: p, offsets: offsets,
                                      into: histograms[rootHistogram])
        }
        stack.removeAll(keepingCapacity: true)
        stack.append(Task(start: 0, end: m, node: 0, depth: 0, total: NodeTotals(sum: sum, weight: weight, count: m),
                          histogram: rootHistogram))
        while let task = stack.popLast() {
            guard var split = findSplit(task, rng: &rng, rootWeight: rootWeight) else {
                releaseHistogram(task.histogram)
                continue
            }
            split.bin = SplitFinder.centredBin(bin: split.bin, gapEnd: split.gapEnd, valueBins: valueBins[split.feature])
            let left = split.left
            let right = NodeTotals(sum: task.total.sum - left.sum, weight: task.total.weight &- left.weight,
                                   count: task.total.count &- left.count)
            var leftHistogram = -1, rightHistogram = -1
            let smallIsLeft = left.count <= right.count
            let (small, large) = smallIsLeft ? (left.count, right.count) : (right.count, left.count)
            if task.histogram >= 0 && large >= settings.sparseNodeLimit {
                let built = acquireHistogram()
                partitionBuilding(task, split, buildLeft: smallIsLeft, into: histograms[built])
                HistogramBuilder.subtract(histograms[built], from: histograms[task.histogram], cells: cellCount)
                let smallHistogram = small >= settings.sparseNodeLimit ? built : -1
                if smallHistogram < 0 { releaseHistogram(built) }
                (leftHistogram, rightHistogram) = smallIsLeft ? (smallHistogram, task.histogram) : (task.histogram, smallHistogram)
            } else {
                partition(task, split)
                releaseHistogram(task.histogram)
            }
            let (leftValue, rightValue) = childValues(parent: task, tree: tree, left: left, right: right)
            let l = tree.appendLeaf(value: Float(leftValue))
            let r = tree.appendLeaf(value: Float(rightValue))
            tree.setSplit(task.node, feature: split.feature, bin: split.bin,
                          threshold: thresholds[split.feature * 256 + split.bin], missingLeft: split.missingLeft,
                          left: l, right: r)
            importance[split.feature] += split.score - task.total.proxy
            let middle = task.start + left.count
            stack.append(Task(start: middle, end: task.end, node: r, depth: task.depth + 1, total: right, histogram: rightHistogram))
            stack.append(Task(start: task.start, end: middle, node: l, depth: task.depth + 1, total: left, histogram: leftHistogram))
        }
        if settings.outOfBag { accumulateOutOfBag(tree) }
        let grown = tree.compacted()
        workspace = tree
        return (grown, importance)
    }

    /// Fills `counts` with the tree's sample: `draws` draws with replacement (a bootstrap), or, without
    /// replacement, exactly min(draws, n) distinct rows each of count 1 by selection sampling (Knuth's
    /// algorithm S: row r is kept with probability needed / (n − r)). Both are one pass, O(n + draws).
    private func drawSample(_ rng: inout SplitMix64) {
        counts.update(repeating: 0, count: n)
        if settings.bootstrap {
            for _ in 0..<settings.draws { counts[rng.integer(below: n)] &+= 1 }
            return
        }
        var needed = min(settings.draws, n)
        for r in 0..<n where needed > 0 && rng.integer(below: n - r) < needed {
            counts[r] = 1
            needed -= 1
        }
    }

    /// The values of a split's children: the m-estimate μ̃ = (S + m·μ_parent) / (W + m) (S / W exactly
    /// when m = 0), then, when λ > 0, the hierarchical shrinkage v_parent + (μ̃ − μ_parent) / (1 + λ / W_parent).
    private func childValues(parent task: Task, tree: DecisionTree, left: NodeTotals, right: NodeTotals) -> (Double, Double) {
        let m = settings.leafSmoothing, parentWeight = Double(task.total.weight), parentMean = task.total.sum / parentWeight
        let l = (left.sum + m * parentMean) / (Double(left.weight) + m)
        let r = (right.sum + m * parentMean) / (Double(right.weight) + m)
        let lambda = settings.leafShrinkage
        guard lambda > 0 else { return (l, r) }
        let parentValue = Double(tree.value[task.node]), factor = 1 / (1 + lambda / parentWeight)
        return (parentValue + (l - parentMean) * factor, parentValue + (r - parentMean) * factor)
    }

    /// The best split of a node, or nil when it must stay a leaf.
    private func findSplit(_ task: Task, rng: inout SplitMix64, rootWeight: Double) -> SplitCandidate? {
        let count = task.end - task.start
        let minLeaf = settings.minSamplesLeaf
        if count < 2 * minLeaf { return nil }
        if settings.maxDepth > 0 && task.depth >= settings.maxDepth { return nil }
        let nodeSamples = samples(depth: task.depth) + task.start
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
    private func draw(_ drawn: inout Int, rng: inout SplitMix64) -> Int {
        let j = drawn + rng.integer(below: p - drawn)
        let f = permutation[j]
        permutation[j] = permutation[drawn]
        permutation[drawn] = f
        drawn += 1
        return Int(f)
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

    /// The samples of the nodes at `depth` (a split moves a node's rows to its children in the other
    /// buffer, over the same range), and their codes.
    @inline(__always)
    func samples(depth: Int) -> UnsafeMutablePointer<Sample> { depth & 1 == 0 ? samples0 : samples1 }

    @inline(__always)
    func nodeCodes(depth: Int) -> UnsafeMutablePointer<UInt8> { depth & 1 == 0 ? nodeCodes0 : nodeCodes1 }

    /// Copies one row of `stride` bytes (a multiple of 8).
    @inline(__always)
    static func copyRow(_ source: UnsafePointer<UInt8>, to destination: UnsafeMutablePointer<UInt8>, stride: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(destination)
        if stride == 32 {
            to.storeBytes(of: from.loadUnaligned(as: SIMD32<UInt8>.self), as: SIMD32<UInt8>.self)
            return
        }
        var k = 0
        while k < stride {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
            k &+= 8
        }
    }

    /// A zeroed full histogram from the pool.
    private func acquireHistogram() -> Int {
        let index: Int
        if let free = freeHistograms.popLast() {
            index = free
        } else {
            histograms.append(.allocate(capacity: cellCount))
            index = histograms.count - 1
        }
        histograms[index].initialize(repeating: .zero, count: cellCount)
        return index
    }

    private func releaseHistogram(_ index: Int) {
        if index >= 0 { freeHistograms.append(index) }
    }
}
