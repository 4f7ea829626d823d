/// One in-bag training row of a tree: its row index, its bootstrap count and its target.
/// 12 bytes; a node owns a contiguous range of these, partitioned in place when it splits.
struct Sample: Equatable {
    var row: UInt32
    var weight: UInt32
    var target: Float
}

/// One histogram bin: bootstrap-weighted target sum (Double), bootstrap weight and distinct-row count.
public struct HistogramCell: Equatable, Sendable {
    public var sum: Double
    public var weight: UInt32
    public var count: UInt32

    public init(sum: Double = 0, weight: UInt32 = 0, count: UInt32 = 0) {
        self.sum = sum
        self.weight = weight
        self.count = count
    }

    public static let zero = HistogramCell()
}

/// Builds per-feature histograms of a node's samples over row-major bin codes.
///
/// For each feature f of the batch and each code b: cell(f, b) = (Σ w·y, Σ w, #rows) over the
/// node's samples whose code for f is b. Histogram k of the batch lives at `cells[k * 256 ..< k * 256 + 256]`
/// (code 255 = missing). Cost: O(rows · batch) for the fast builder, whose inner loop visits the
/// batch's features of one row (one cache line of codes); `naive` is its twin for tests.
enum HistogramBuilder {
    /// Adds the node's samples into the (already zeroed) histograms of `features`.
    @inline(__always)
    static func build(samples: UnsafePointer<Sample>, count: Int, codes: UnsafePointer<UInt8>, featureCount p: Int,
                      features: UnsafePointer<Int32>, batch: Int, into cells: UnsafeMutablePointer<HistogramCell>) {
        if batch == 1 {
            let f = Int(features[0])
            for i in 0..<count {
                let s = samples[i]
                let c = cells + Int(codes[Int(s.row) &* p &+ f])
                c.pointee.sum += Double(s.target) * Double(s.weight)
                c.pointee.weight &+= s.weight
                c.pointee.count &+= 1
            }
            return
        }
        for i in 0..<count {
            let s = samples[i]
            let rowCodes = codes + Int(s.row) &* p
            let wy = Double(s.target) * Double(s.weight)
            var k = 0
            while k < batch {
                let c = cells + (k &<< 8) + Int(rowCodes[Int(features[k])])
                c.pointee.sum += wy
                c.pointee.weight &+= s.weight
                c.pointee.count &+= 1
                k &+= 1
            }
        }
    }

    /// Adds one feature's histogram into a zeroed 256-cell area and records the codes seen, in order
    /// of first appearance; returns how many distinct codes there were. For small nodes, where
    /// scanning and clearing all bins would cost more than the rows.
    @inline(__always)
    static func buildSparse(samples: UnsafePointer<Sample>, count: Int, codes: UnsafePointer<UInt8>, featureCount p: Int,
                            feature f: Int, into cells: UnsafeMutablePointer<HistogramCell>,
                            touched: UnsafeMutablePointer<UInt8>) -> Int {
        var distinct = 0
        for i in 0..<count {
            let s = samples[i]
            let code = codes[Int(s.row) &* p &+ f]
            let c = cells + Int(code)
            if c.pointee.count == 0 {
                touched[distinct] = code
                distinct &+= 1
            }
            c.pointee.sum += Double(s.target) * Double(s.weight)
            c.pointee.weight &+= s.weight
            c.pointee.count &+= 1
        }
        return distinct
    }

    /// Naive twin: one safe pass per feature; returns 256 cells per feature.
    static func naive(samples: [Sample], codes: [UInt8], featureCount p: Int, features: [Int]) -> [[HistogramCell]] {
        features.map { f in
            var cells = [HistogramCell](repeating: .zero, count: 256)
            for s in samples {
                let b = Int(codes[Int(s.row) * p + f])
                cells[b].sum += Double(s.target) * Double(s.weight)
                cells[b].weight += s.weight
                cells[b].count += 1
            }
            return cells
        }
    }
}
