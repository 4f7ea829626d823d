import Dispatch
import Tabular

/// The bin codes of a training matrix, **row-major** with rows padded to a multiple of 8 bytes
/// (`rowStride`; 32 for 26–32 features, so a row never straddles two cache lines and can be copied as
/// 8-byte words): the code of (row r, feature j) is `codes[r * rowStride + j]`, one byte each: the value bin 0..<valueBins(j) of `BinMapper`, or
/// valueBins(j) itself for a missing value (so a feature's codes index a histogram of valueBins + 1 cells).
///
/// Row-major rather than the column-major layout of `FeatureMatrix`: a node's histogram reads the
/// rows of the node (scattered over the matrix once the tree is a few levels deep) for the mtry
/// features drawn at that node. Row-major puts all of a row's codes in one cache line, so a deep
/// node costs one cache miss per row instead of one per row and feature. Memory: n · p bytes.
public struct BinnedMatrix: Sendable {
    public let rowCount: Int
    public let featureCount: Int
    /// Bytes per row: featureCount rounded up to a multiple of 8 (padding bytes are 0).
    public let rowStride: Int
    public let codes: [UInt8]
    /// Value bins per feature (the missing bin 255 is extra).
    public let valueBinCounts: [Int]

    /// Codes `matrix` with `mapper`, in parallel over blocks of rows.
    /// Cost: O(n · p) with an 8-step branch-free search per value.
    public init(_ matrix: FeatureMatrix, mapper: BinMapper, threads: Int = 1) {
        precondition(matrix.featureCount == mapper.featureCount, "BinnedMatrix: mapper has another feature count")
        let n = matrix.rowCount, p = matrix.featureCount
        rowCount = n
        featureCount = p
        let stride = max(8, (p + 7) / 8 * 8)
        rowStride = stride
        valueBinCounts = (0..<p).map { mapper.valueBinCount($0) }
        // Edges padded to 256 with +inf: the search below then needs no bounds.
        var padded = [Float](repeating: .infinity, count: p * 256)
        for j in 0..<p { for (b, e) in mapper.edges[j].enumerated() { padded[j * 256 + b] = e } }
        let blockRows = 4096
        let blocks = (n + blockRows - 1) / blockRows
        codes = [UInt8](unsafeUninitializedCapacity: n * stride) { out, count in
            nonisolated(unsafe) let out = out
            matrix.values.withUnsafeBufferPointer { values in
                padded.withUnsafeBufferPointer { edges in
                    nonisolated(unsafe) let values = values
                    nonisolated(unsafe) let edges = edges
                    let workers = max(1, min(threads, blocks))
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        var block = w
                        while block < blocks {
                            let lo = block * blockRows, hi = min(n, lo + blockRows)
                            for j in 0..<p {
                                let column = values.baseAddress! + j * n
                                let e = edges.baseAddress! + j * 256
                                let missing = UInt8(mapper.valueBinCount(j))
                                for r in lo..<hi {
                                    out[r * stride + j] = BinnedMatrix.code(column[r], paddedEdges: e, missingCode: missing)
                                }
                            }
                            for r in lo..<hi { for j in p..<stride { out[r * stride + j] = 0 } }
                            block += workers
                        }
                    }
                }
            }
            count = n * stride
        }
    }

    /// The smallest b with x ≤ e[b] over 256 padded edges (e[255] = +inf), or `missingCode` for NaN.
    @inline(__always)
    static func code(_ x: Float, paddedEdges e: UnsafePointer<Float>, missingCode: UInt8) -> UInt8 {
        if x.isNaN { return missingCode }
        // each step adds 0 or 2^k without a branch (a branch would be mispredicted half the time)
        var b = 0
        b &+= step(e[b &+ 127] < x) &<< 7
        b &+= step(e[b &+ 63] < x) &<< 6
        b &+= step(e[b &+ 31] < x) &<< 5
        b &+= step(e[b &+ 15] < x) &<< 4
        b &+= step(e[b &+ 7] < x) &<< 3
        b &+= step(e[b &+ 3] < x) &<< 2
        b &+= step(e[b &+ 1] < x) &<< 1
        b &+= step(e[b] < x)
        return UInt8(truncatingIfNeeded: b)
    }

    @inline(__always)
    private static func step(_ condition: Bool) -> Int {
        Int(unsafeBitCast(condition, to: UInt8.self))
    }
}
