/// One in-bag training row of a tree: its row index, its bootstrap count and its target.
/// 12 bytes; a node owns a contiguous range of these, partitioned in place when it splits.
struct Sample: Equatable {
    var row: UInt32
    var weight: UInt32
    var target: Float
}

/// One histogram bin: bootstrap-weighted target sum (Double), and bootstrap weight (low 32 bits) with
/// distinct-row count (high 32 bits) packed in one UInt64 so that a row adds both in one instruction.
/// (A bin's weight is at most the number of bootstrap draws, which the trainer keeps below 2^32.)
public struct HistogramCell: Equatable, Sendable {
    public var sum: Double
    public var weightAndCount: UInt64

    public init(sum: Double = 0, weight: UInt32 = 0, count: UInt32 = 0) {
        self.sum = sum
        self.weightAndCount = UInt64(weight) | UInt64(count) << 32
    }

    public var weight: UInt32 { UInt32(truncatingIfNeeded: weightAndCount) }
    public var count: UInt32 { UInt32(truncatingIfNeeded: weightAndCount >> 32) }

    @inline(__always)
    mutating func add(_ weightedTarget: Double, _ packed: UInt64) {
        sum += weightedTarget
        weightAndCount &+= packed
    }

    public static let zero = HistogramCell()
}

/// Builds histograms of a node's samples over row-major bin codes **aligned with the samples**: the
/// codes of sample i are `codes[i * rowStride ..< i * rowStride + p]` (the grower keeps a node-ordered
/// copy of its in-bag rows' codes, so that these reads are sequential).
///
/// Codes of feature f are 0..<valueBins(f) for values and valueBins(f) for missing, so a feature's
/// histogram has valueBins(f) + 1 cells; a node's full histogram puts feature f's cells at
/// `offsets[f]` (Σ over features of (valueBins + 1) cells in all, compact so that it stays in cache).
/// cell(f, b) = (Σ w·y, Σ w, #rows) over the samples whose code for f is b.
/// Cost: O(rows · features); `naive` is the twin used by tests.
enum HistogramBuilder {
    /// Adds `count` samples into the full histogram `cells` (every feature).
    @inline(__always)
    static func buildAll(samples: UnsafePointer<Sample>, count: Int, codes: UnsafePointer<UInt8>, rowStride: Int, featureCount p: Int,
                         offsets: UnsafePointer<Int32>, into cells: UnsafeMutablePointer<HistogramCell>) {
        for i in 0..<count {
            let s = samples[i]
            addRow(codes + i &* rowStride, featureCount: p, offsets: offsets, weightedTarget: Double(s.target) * Double(s.weight),
                   packed: UInt64(s.weight) | (1 << 32), into: cells)
        }
    }

    /// Adds one row (its `p` codes) to every feature's histogram.
    @inline(__always)
    static func addRow(_ rowCodes: UnsafePointer<UInt8>, featureCount p: Int, offsets: UnsafePointer<Int32>,
                       weightedTarget: Double, packed: UInt64, into cells: UnsafeMutablePointer<HistogramCell>) {
        var j = 0
        while j < p {
            cells[Int(offsets[j]) &+ Int(rowCodes[j])].add(weightedTarget, packed)
            j &+= 1
        }
    }

    /// Adds `count` samples into the histograms of `batch` drawn features; feature k of the batch
    /// (`features[k]`) uses the cells at `offsets[features[k]]`.
    @inline(__always)
    static func buildDrawn(samples: UnsafePointer<Sample>, count: Int, codes: UnsafePointer<UInt8>, rowStride: Int,
                           features: UnsafePointer<Int32>, batch: Int, offsets: UnsafePointer<Int32>,
                           into cells: UnsafeMutablePointer<HistogramCell>) {
        for i in 0..<count {
            let s = samples[i]
            let rowCodes = codes + i &* rowStride
            let wy = Double(s.target) * Double(s.weight)
            let packed = UInt64(s.weight) | (1 << 32)
            var k = 0
            while k < batch {
                let f = Int(features[k])
                cells[Int(offsets[f]) &+ Int(rowCodes[f])].add(wy, packed)
                k &+= 1
            }
        }
    }

    /// Adds the histograms of `batch` drawn features into zeroed 256-cell areas (feature k of the batch
    /// at `cells + 256k`) and marks the codes seen in 256-bit bitmaps (4 words at `seen + 4k`, zeroed by
    /// the caller). For small nodes, where scanning and clearing all bins would cost more than the rows;
    /// the scan visits the marked codes in order. One pass over the rows for all the features: a row's
    /// sample is read and converted once, and the features' chains of updates (a cell hit by
    /// consecutive rows must wait for the previous add) overlap.
    @inline(__always)
    static func buildSparse(samples: UnsafePointer<Sample>, count: Int, codes: UnsafePointer<UInt8>, rowStride: Int,
                            features: UnsafePointer<Int32>, batch: Int, into cells: UnsafeMutablePointer<HistogramCell>,
                            seen: UnsafeMutablePointer<UInt64>) {
        for i in 0..<count {
            let s = samples[i]
            let rowCodes = codes + i &* rowStride
            let wy = Double(s.target) * Double(s.weight)
            let packed = UInt64(s.weight) | (1 << 32)
            var k = 0
            while k < batch {
                let code = Int(rowCodes[Int(features[k])])
                seen[k &<< 2 &+ code &>> 6] |= 1 &<< UInt64(code & 63)
                cells[k &<< 8 &+ code].add(wy, packed)
                k &+= 1
            }
        }
    }

    /// `parent -= child` over `cells` cells: the sibling's histogram from the parent's.
    @inline(__always)
    static func subtract(_ child: UnsafePointer<HistogramCell>, from parent: UnsafeMutablePointer<HistogramCell>, cells: Int) {
        for i in 0..<cells {
            parent[i].sum -= child[i].sum
            parent[i].weightAndCount &-= child[i].weightAndCount
        }
    }

    /// Naive twin: one safe pass per feature over the codes of the matrix (`codes[row * rowStride + f]`,
    /// not aligned with the samples); returns valueBins(f) + 1 cells per feature.
    static func naive(samples: [Sample], codes: [UInt8], rowStride: Int, valueBins: [Int], features: [Int]) -> [[HistogramCell]] {
        features.map { f in
            var sums = [Double](repeating: 0, count: valueBins[f] + 1)
            var weights = [UInt32](repeating: 0, count: valueBins[f] + 1)
            var counts = [UInt32](repeating: 0, count: valueBins[f] + 1)
            for s in samples {
                let b = Int(codes[Int(s.row) * rowStride + f])
                sums[b] += Double(s.target) * Double(s.weight)
                weights[b] += s.weight
                counts[b] += 1
            }
            return sums.indices.map { HistogramCell(sum: sums[$0], weight: weights[$0], count: counts[$0]) }
        }
    }
}
