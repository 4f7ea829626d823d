import Dispatch
import Tabular

/// The bin codes of a training matrix, **row-major**: the code of (row r, feature j) is
/// `codes[r * featureCount + j]`, one byte each: the value bin 0..<valueBins(j) of `BinMapper`, or
/// valueBins(j) itself for a missing value (so a feature's codes index a histogram of valueBins + 1 cells).
///
/// Row-major rather than the column-major layout of `FeatureMatrix`: a node's histogram reads the
/// rows of the node (scattered over the matrix once the tree is a few levels deep) for the mtry
/// features drawn at that node. Row-major puts all of a row's codes in one cache line, so a deep
/// node costs one cache miss per row instead of one per row and feature. Memory: n · p bytes.
public struct BinnedMatrix: Sendable {
    public let rowCount: Int
    public let featureCount: Int
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
        valueBinCounts = (0..<p).map { mapper.valueBinCount($0) }
        // Edges padded to 256 with +inf: the search below then needs no bounds.
        var padded = [Float](repeating: .infinity, count: p * 256)
        for j in 0..<p { for (b, e) in mapper.edges[j].enumerated() { padded[j * 256 + b] = e } }
        let blockRows = 4096
        let blocks = (n + blockRows - 1) / blockRows
        codes = [UInt8](unsafeUninitializedCapacity: n * p) { out, count in
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
                                    out[r * p + j] = BinnedMatrix.code(column[r], paddedEdges: e, missingCode: missing)
                                }
                            }
                            block += workers
                        }
                    }
                }
            }
            count = n * p
        }
    }

    /// The smallest b with x ≤ e[b] over 256 padded edges (e[255] = +inf), or `missingCode` for NaN.
    @inline(__always)
    static func code(_ x: Float, paddedEdges e: UnsafePointer<Float>, missingCode: UInt8) -> UInt8 {
        if x.isNaN { return missingCode }
        var b = 0
        if e[b + 127] < x { b += 128 }
        if e[b + 63] < x { b += 64 }
        if e[b + 31] < x { b += 32 }
        if e[b + 15] < x { b += 16 }
        if e[b + 7] < x { b += 8 }
        if e[b + 3] < x { b += 4 }
        if e[b + 1] < x { b += 2 }
        if e[b] < x { b += 1 }
        return UInt8(truncatingIfNeeded: b)
    }
}
