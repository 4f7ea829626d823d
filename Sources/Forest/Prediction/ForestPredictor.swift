import Dispatch
import Tabular

/// Fast batch prediction for a `ForestModel` over column-major Float32 matrices.
///
/// The trees are re-laid into one array of 12-byte nodes in which the two children of a node are
/// adjacent (`right = left + 1`), so a step is one load and a branch-free choice:
/// `next = left + (goLeft ? 0 : 1)`. A leaf is marked by `feature < 0` and keeps its value in the
/// threshold slot; bit 30 of `feature` says "missing goes left". Rows are scored in blocks of
/// `blockRows(rows:threads:)`: the block is transposed to row-major (one row's features in one or
/// two cache lines) and every tree is applied to the whole block before the next tree, so a tree's
/// nodes are fetched from memory once per block and then served from cache; blocks are spread over
/// threads. Blocks are large (up to 16,384 rows) because fully grown trees are large: 100 trees of
/// ~53,000 nodes (600 KB each, 64 MB in all) do not fit any cache, and with 128-row blocks every
/// visit below the top levels missed to memory (3x slower on a 1.25M-row matrix; see
/// scripts/bench/score). A row's prediction is the mean of its leaf values summed
/// in Double in tree order, so it does not depend on the thread count.
/// Cost: O(rows · trees · depth).
public struct ForestPredictor: Sendable {
    struct Node {
        var feature: Int32
        var threshold: Float
        var left: Int32
    }

    static let missingLeftFlag: Int32 = 1 << 30

    /// Rows per block: as many as fit beside a large tree in a core's cache (16,384 rows of 30
    /// features are 2 MB, row-major), but at most n / (2 · threads) so that every thread gets at
    /// least two blocks, and at least 128.
    static func blockRows(rows n: Int, threads: Int) -> Int {
        min(16_384, max(128, n / (2 * max(threads, 1))))
    }

    public let schema: FeatureSchema
    let nodes: [Node]
    let roots: [Int32]

    public init(_ model: ForestModel) {
        schema = model.schema
        var nodes: [Node] = []
        nodes.reserveCapacity(model.nodeCount)
        var roots: [Int32] = []
        for tree in model.trees {
            roots.append(Int32(nodes.count))
            ForestPredictor.append(tree, to: &nodes)
        }
        self.nodes = nodes
        self.roots = roots
    }

    /// Appends `tree` breadth-first so that siblings are adjacent.
    private static func append(_ tree: DecisionTree, to nodes: inout [Node]) {
        let base = nodes.count
        var order = [0]               // original index of each packed node
        var head = 0
        while head < order.count {
            let i = order[head]
            head += 1
            if tree.feature[i] >= 0 {
                order.append(Int(tree.left[i]))
                order.append(Int(tree.right[i]))
            }
        }
        var packedIndex = [Int32](repeating: 0, count: tree.nodeCount)
        for (k, i) in order.enumerated() { packedIndex[i] = Int32(base + k) }
        for i in order {
            if tree.feature[i] < 0 {
                nodes.append(Node(feature: -1, threshold: tree.value[i], left: 0))
            } else {
                let flag = tree.missingGoesLeft[i] != 0 ? missingLeftFlag : 0
                nodes.append(Node(feature: tree.feature[i] | flag, threshold: tree.threshold[i],
                                  left: packedIndex[Int(tree.left[i])]))
            }
        }
    }

    /// Predictions for every row of `matrix`, in row order.
    public func predict(_ matrix: FeatureMatrix, threads: Int = 1) throws -> [Float] {
        if let difference = matrix.schema.difference(from: schema) { throw ForestError.schemaMismatch(difference) }
        let n = matrix.rowCount, p = matrix.featureCount
        if n == 0 { return [] }
        let blockRows = ForestPredictor.blockRows(rows: n, threads: threads)
        let blocks = (n + blockRows - 1) / blockRows
        let treeCount = Double(roots.count)
        return [Float](unsafeUninitializedCapacity: n) { out, count in
            nonisolated(unsafe) let out = out
            matrix.values.withUnsafeBufferPointer { values in
                nodes.withUnsafeBufferPointer { nodes in
                    roots.withUnsafeBufferPointer { roots in
                        nonisolated(unsafe) let values = values, nodes = nodes, roots = roots
                        let workers = max(1, min(threads, blocks))
                        DispatchQueue.concurrentPerform(iterations: workers) { w in
                            let rowsBuffer = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * p)
                            let sums = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
                            defer {
                                rowsBuffer.deallocate()
                                sums.deallocate()
                            }
                            var block = w
                            while block < blocks {
                                let lo = block * blockRows
                                let m = min(blockRows, n - lo)
                                for j in 0..<p {
                                    let column = values.baseAddress! + j * n + lo
                                    for i in 0..<m { rowsBuffer[i * p + j] = column[i] }
                                }
                                sums.update(repeating: 0, count: m)
                                ForestPredictor.scoreBlock(rows: rowsBuffer, count: m, featureCount: p,
                                                           nodes: nodes.baseAddress!, roots: roots, sums: sums)
                                for i in 0..<m { out[lo + i] = Float(sums[i] / treeCount) }
                                block += workers
                            }
                        }
                    }
                }
            }
            count = n
        }
    }

    /// Adds every tree's leaf value to `sums` for `count` row-major rows.
    @inline(__always)
    static func scoreBlock(rows: UnsafePointer<Float>, count m: Int, featureCount p: Int, nodes: UnsafePointer<Node>,
                           roots: UnsafeBufferPointer<Int32>, sums: UnsafeMutablePointer<Double>) {
        for root in roots {
            var i = 0
            // four rows at a time: independent walks overlap their memory latency
            while i + 4 <= m {
                var a = Int(root), b = Int(root), c = Int(root), d = Int(root)
                let ra = rows + i * p, rb = ra + p, rc = rb + p, rd = rc + p
                var active = 4
                while active > 0 {
                    active = 0
                    if nodes[a].feature >= 0 { a = step(nodes[a], ra); active += 1 }
                    if nodes[b].feature >= 0 { b = step(nodes[b], rb); active += 1 }
                    if nodes[c].feature >= 0 { c = step(nodes[c], rc); active += 1 }
                    if nodes[d].feature >= 0 { d = step(nodes[d], rd); active += 1 }
                }
                sums[i] += Double(nodes[a].threshold)
                sums[i + 1] += Double(nodes[b].threshold)
                sums[i + 2] += Double(nodes[c].threshold)
                sums[i + 3] += Double(nodes[d].threshold)
                i += 4
            }
            while i < m {
                var a = Int(root)
                let ra = rows + i * p
                while nodes[a].feature >= 0 { a = step(nodes[a], ra) }
                sums[i] += Double(nodes[a].threshold)
                i += 1
            }
        }
    }

    @inline(__always)
    static func step(_ node: Node, _ row: UnsafePointer<Float>) -> Int {
        let x = row[Int(node.feature & (missingLeftFlag - 1))]
        let goLeft = x <= node.threshold || (x.isNaN && (node.feature & missingLeftFlag) != 0)
        return Int(node.left) + (goLeft ? 0 : 1)
    }
}
