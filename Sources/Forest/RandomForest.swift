import Dispatch
import Foundation
import Tabular

/// How to run a training (as opposed to what to learn: `ForestParameters`).
public struct TrainingOptions: Sendable {
    /// Worker threads growing trees (and binning, and permutation importance).
    public var threads: Int
    /// Recorded in the model's metadata as given (ISO 8601), never read from a clock.
    public var trainedAt: String
    /// Out-of-bag rows sampled for the permutation importance; 0 skips it.
    public var permutationRows: Int
    /// Whether each tree predicts its out-of-bag rows for the out-of-bag R² (about a tenth of the
    /// growing time; cross-validation does not need it). Off: the metadata has no out-of-bag R².
    public var outOfBag: Bool
    /// Called after each tree with (trees finished, trees in all), from a worker thread, one call at a time.
    public var progress: (@Sendable (Int, Int) -> Void)?
    /// How node histograms are built (a speed choice; the trees are the same up to rounding).
    public var histograms: HistogramStrategy
    /// Nodes with fewer rows use a sparse histogram per drawn feature.
    public var sparseNodeLimit: Int
    /// Recorded in the model as given (data fingerprint, command line, tool version); nil records none.
    /// It never changes the trees or the model's version.
    public var origin: ModelOrigin?
    /// Bin edges to use instead of fitting them on the matrix (one list per feature, e.g. another
    /// model's `binMapper`), so that forests grown on different rows share their bins and can be
    /// merged (`ForestMerge`); nil fits them. Costs nothing: the fit is skipped.
    public var binMapper: BinMapper?

    public init(threads: Int = 1, trainedAt: String = "1970-01-01T00:00:00Z", permutationRows: Int = 0,
                progress: (@Sendable (Int, Int) -> Void)? = nil, histograms: HistogramStrategy = .subtraction,
                sparseNodeLimit: Int = 256, outOfBag: Bool = true, origin: ModelOrigin? = nil, binMapper: BinMapper? = nil) {
        self.threads = threads
        self.binMapper = binMapper
        self.origin = origin
        self.outOfBag = outOfBag
        self.trainedAt = trainedAt
        self.permutationRows = permutationRows
        self.progress = progress
        self.histograms = histograms
        self.sparseNodeLimit = sparseNodeLimit
    }
}

/// How a node's histograms are built; see `TreeGrower`.
public enum HistogramStrategy: String, Sendable, CaseIterable {
    /// Histograms of all features; the smaller child's is built, the larger's is parent − smaller.
    case subtraction
    /// Histograms of the features drawn at the node only, built from the node's rows.
    case drawnFeatures = "drawn"
}

/// A trained model with the wall-clock seconds of each phase (not saved in the model).
public struct TrainingResult: Sendable {
    public var model: ForestModel
    public var binningSeconds: Double
    public var growingSeconds: Double
    public var importanceSeconds: Double
    public var totalSeconds: Double { binningSeconds + growingSeconds + importanceSeconds }
}

/// Random Forest regression (MSE criterion) with histogram splits, grown in parallel.
///
/// Steps: fit `BinMapper` on the matrix and code it (`BinnedMatrix`, row-major UInt8); draw one seed
/// per tree from the master seed; `threads` workers (`DispatchQueue.concurrentPerform`) each own a
/// `TreeGrower` and take the next tree index under a lock (once per tree, never inside a hot loop);
/// tree i is written to slot i. Out-of-bag sums are merged after the join in integer arithmetic, and
/// impurity importances are summed in tree order, so the model is the same for any thread count.
public enum RandomForest {
    /// `features` is consumed: once it is binned its storage is released (when the caller passed its
    /// last reference), so the Float32 matrix and the trees are never in memory together.
    public static func train(features: consuming FeatureMatrix, target: [Float], targetName: String = "y",
                             parameters: ForestParameters, options: TrainingOptions = TrainingOptions()) throws -> TrainingResult {
        let parameters = parameters.resolved(rowCount: features.rowCount)
        try validate(features: features, target: target, parameters: parameters)
        let n = features.rowCount, p = features.featureCount
        let threads = max(1, options.threads)
        let clock = ContinuousClock()
        let t0 = clock.now

        let schema = features.schema
        if let given = options.binMapper, given.featureCount != p {
            throw ForestError.invalidParameters("the given bins have \(given.featureCount) features, the matrix \(p)")
        }
        let mapper = options.binMapper ?? BinMapper.fit(features, maxBins: parameters.maxBins, seed: parameters.seed, threads: threads)
        let binned = BinnedMatrix(features, mapper: mapper, threads: threads)
        features = FeatureMatrix(rowCount: 0, schema: FeatureSchema(names: []), values: [])
        let t1 = clock.now

        let importanceRows = PermutationImportance.sampleRows(rowCount: n, limit: options.permutationRows, seed: parameters.seed)
        let grown = growTrees(binned, target: target, mapper: mapper, parameters: parameters, options: options,
                              threads: threads, importanceRows: importanceRows)
        let impurity = impurityImportances(grown.treeImportance, treeCount: parameters.treeCount, featureCount: p)
        let t2 = clock.now

        var importances = FeatureImportances(impurity: impurity)
        if !importanceRows.isEmpty {
            importances.permutation = PermutationImportance.compute(
                trees: grown.trees, binned: binned, target: target, rows: importanceRows, outOfBag: grown.outOfBagMembership,
                seed: parameters.seed, threads: threads)
            importances.permutationRowCount = importanceRows.count
        }
        let t3 = clock.now
        let metadata = TrainingMetadata(rowCount: n, targetName: targetName, outOfBagRSquared: grown.outOfBagRSquared,
                                        outOfBagRowCount: grown.outOfBagRows, trainedAt: options.trainedAt, seed: parameters.seed)
        let model = ForestModel(schema: schema, binMapper: mapper, parameters: parameters, metadata: metadata,
                                trees: grown.trees, importances: importances, origin: options.origin)
        return TrainingResult(model: model, binningSeconds: Elapsed.seconds(t1 - t0), growingSeconds: Elapsed.seconds(t2 - t1),
                              importanceSeconds: Elapsed.seconds(t3 - t2))
    }

    /// Throws unless the parameters are valid, there is one finite target per row (NaN is missing,
    /// ±infinity has no mean: both are refused, naming the row), at least one row
    /// and at most `TreeGrower.maxFeatureCount` features. O(rows).
    private static func validate(features: borrowing FeatureMatrix, target: [Float], parameters: ForestParameters) throws {
        if let problem = parameters.problem(featureCount: features.featureCount) { throw ForestError.invalidParameters(problem) }
        let n = features.rowCount, p = features.featureCount
        if target.count != n { throw ForestError.targetCountMismatch(rows: n, targets: target.count) }
        if n == 0 { throw ForestError.noTrainingRows }
        if p > TreeGrower.maxFeatureCount {
            throw ForestError.invalidParameters("\(p) features; the trainer handles at most \(TreeGrower.maxFeatureCount)")
        }
        if let bad = target.firstIndex(where: { $0.isNaN }) { throw ForestError.missingTarget(row: bad) }
        if let bad = target.firstIndex(where: { $0.isInfinite }) { throw ForestError.infiniteTarget(row: bad, value: target[bad]) }
    }

    /// What growing hands back: tree t in slot t, its impurity decrease per feature at
    /// `treeImportance[t · p + f]`, and whether sampled row i was out of its bag at
    /// `outOfBagMembership[t · k + i]` (k sampled rows).
    private struct GrownTrees {
        var trees: [DecisionTree]
        var treeImportance: [Double]
        var outOfBagMembership: [UInt8]
        var outOfBagRSquared: Double?
        var outOfBagRows: Int
    }

    /// Draws one seed per tree from the master seed and grows the trees on `min(threads, treeCount)`
    /// workers, each with its own `TreeGrower`, taking the next tree index from a `TreeScheduler`.
    private static func growTrees(_ binned: BinnedMatrix, target: [Float], mapper: BinMapper, parameters: ForestParameters,
                                  options: TrainingOptions, threads: Int, importanceRows: [Int]) -> GrownTrees {
        let n = binned.rowCount, p = mapper.featureCount, treeCount = parameters.treeCount
        let maxAbs = target.reduce(Float(0)) { max($0, abs($1)) }
        let oobScale = fixedPointScale(maxAbs: Double(maxAbs), treeCount: treeCount)
        var settings = TreeGrower.Settings(
            maxFeatures: parameters.resolvedMaxFeatures(featureCount: p),
            minSamplesLeaf: parameters.minSamplesLeaf, maxDepth: parameters.maxDepth,
            minImpurityDecrease: parameters.minImpurityDecrease,
            draws: max(1, Int((Double(n) * parameters.sampleFraction).rounded())))
        settings.strategy = options.histograms == .drawnFeatures ? .drawnFeatures : .subtraction
        settings.sparseNodeLimit = options.sparseNodeLimit
        settings.outOfBag = options.outOfBag
        settings.leafSmoothing = parameters.leafSmoothing
        settings.leafShrinkage = parameters.leafShrinkage
        settings.bootstrap = parameters.bootstrap
        let job = GrowingJob(rowCount: n, featureCount: p, rowStride: binned.rowStride, mapper: mapper, settings: settings,
                             oobScale: oobScale, seeds: SplitMix64.seeds(masterSeed: parameters.seed, count: treeCount),
                             importanceRows: importanceRows, workers: min(threads, treeCount), outOfBag: options.outOfBag,
                             scheduler: TreeScheduler(total: treeCount, progress: options.progress))
        var grown = GrownTrees(trees: [DecisionTree](repeating: DecisionTree(), count: treeCount),
                               treeImportance: [Double](repeating: 0, count: treeCount * p),
                               outOfBagMembership: [UInt8](repeating: 0, count: treeCount * importanceRows.count),
                               outOfBagRSquared: nil, outOfBagRows: 0)
        (grown.outOfBagRSquared, grown.outOfBagRows) = job.run(
            codes: binned.codes, targets: target, intoTrees: &grown.trees, importance: &grown.treeImportance,
            membership: &grown.outOfBagMembership)
        return grown
    }

    /// Everything the workers of one growing share, read-only, and the kernel that runs them.
    private struct GrowingJob {
        let rowCount: Int, featureCount: Int, rowStride: Int
        let mapper: BinMapper, settings: TreeGrower.Settings, oobScale: Double
        let seeds: [UInt64], importanceRows: [Int], workers: Int, outOfBag: Bool
        let scheduler: TreeScheduler

        /// Grows every tree into its slot, then merges the workers' out-of-bag sums after the join
        /// (integer sums, so independent of which worker grew which tree) and returns the out-of-bag
        /// R² and row count ((nil, 0) when out-of-bag prediction is off).
        func run(codes: UnsafePointer<UInt8>, targets: UnsafePointer<Float>,
                 intoTrees trees: UnsafeMutablePointer<DecisionTree>, importance: UnsafeMutablePointer<Double>,
                 membership: UnsafeMutablePointer<UInt8>) -> (Double?, Int) {
            let n = rowCount, p = featureCount, k = importanceRows.count
            let trees = UnsafeColumn(writing: trees, count: seeds.count)
            let importance = UnsafeColumn(writing: importance, count: seeds.count * p)
            let membership = UnsafeColumn(writing: membership, count: seeds.count * k)
            // One grower per worker, each used by its worker only.
            nonisolated(unsafe) let growers = (0..<workers).map { _ in
                TreeGrower(codes: codes, rowStride: rowStride, targets: targets, rowCount: n, mapper: mapper,
                           settings: settings, oobScale: oobScale)
            }
            let seeds = self.seeds, importanceRows = self.importanceRows, scheduler = self.scheduler
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let grower = growers[w]
                while let t = scheduler.next() {
                    let (tree, treeImportance) = grower.grow(seed: seeds[t])
                    trees[t] = tree
                    for f in 0..<p { importance[t * p + f] = treeImportance[f] }
                    for (i, r) in importanceRows.enumerated() {
                        membership[t * k + i] = grower.counts[r] == 0 ? 1 : 0
                    }
                    scheduler.finished()
                }
            }
            guard outOfBag else { return (nil, 0) }
            let first = growers[0]
            for grower in growers.dropFirst() {
                for r in 0..<n {
                    first.oobSum[r] &+= grower.oobSum[r]
                    first.oobCount[r] &+= grower.oobCount[r]
                }
            }
            return outOfBagRSquared(target: UnsafeBufferPointer(start: targets, count: n), sums: first.oobSum,
                                    counts: first.oobCount, scale: oobScale)
        }
    }

    /// Each feature's impurity decrease summed over the trees in tree order, normalised to sum 1
    /// (left at 0 when no split decreased impurity). O(trees · features).
    private static func impurityImportances(_ treeImportance: [Double], treeCount: Int, featureCount p: Int) -> [Double] {
        var impurity = [Double](repeating: 0, count: p)
        for t in 0..<treeCount { for f in 0..<p { impurity[f] += treeImportance[t * p + f] } }
        let totalImpurity = impurity.reduce(0, +)
        if totalImpurity > 0 { impurity = impurity.map { $0 / totalImpurity } }
        return impurity
    }

    /// A power of two s such that treeCount · maxAbs · s < 2^62: out-of-bag leaf values are added as
    /// round(value · s) in Int64, exactly and in any order. Capped at 2^40 (error < 1e-12 per value).
    static func fixedPointScale(maxAbs: Double, treeCount: Int) -> Double {
        let bound = Double(treeCount) * max(maxAbs, 1e-30) + 1
        let exponent = min(40, Int((62 - log2(bound)).rounded(.down)) - 1)
        return pow(2, Double(exponent))
    }

    /// R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² over the rows out of bag for at least one tree (ȳ their mean,
    /// ŷ the mean of their out-of-bag trees); nil when there is no such row or y is constant on them.
    /// Also returns how many rows there were. O(n), in row order.
    static func outOfBagRSquared(target: UnsafeBufferPointer<Float>, sums: UnsafePointer<Int64>, counts: UnsafePointer<UInt32>,
                                 scale: Double) -> (Double?, Int) {
        var rows = 0, mean = 0.0
        for r in target.indices where counts[r] > 0 {
            rows += 1
            mean += Double(target[r])
        }
        guard rows > 0 else { return (nil, 0) }
        mean /= Double(rows)
        var sse = 0.0, sst = 0.0
        for r in target.indices where counts[r] > 0 {
            let prediction = Double(sums[r]) / scale / Double(counts[r])
            let y = Double(target[r])
            sse += (y - prediction) * (y - prediction)
            sst += (y - mean) * (y - mean)
        }
        return (sst > 0 ? 1 - sse / sst : nil, rows)
    }
}

/// Hands out tree indices to workers; the lock is taken once per tree.
final class TreeScheduler: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var done = 0
    private let total: Int
    private let progress: (@Sendable (Int, Int) -> Void)?

    init(total: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.progress = progress
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < total else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func finished() {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        progress?(done, total)
    }
}
