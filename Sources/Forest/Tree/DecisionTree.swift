/// One regression tree as struct-of-arrays (scikit-learn's node array, treelite's layout).
///
/// Node 0 is the root. For an internal node i: `feature[i]` ≥ 0, a row goes to `left[i]` when its
/// value x satisfies `x ≤ threshold[i]` (equivalently its bin code ≤ `thresholdBin[i]`), or when x
/// is missing and `missingGoesLeft[i]` is 1; otherwise to `right[i]`. A leaf has `feature[i] = -1`,
/// `left[i] = right[i] = -1`, and predicts `value[i]`. Every node's `value` is the bootstrap-weighted
/// mean target of its training rows; children always come after their parent.
public struct DecisionTree: Sendable, Equatable {
    public var feature: [Int32] = []
    public var thresholdBin: [UInt8] = []
    public var missingGoesLeft: [UInt8] = []
    public var threshold: [Float] = []
    public var left: [Int32] = []
    public var right: [Int32] = []
    public var value: [Float] = []

    public init() {}

    public var nodeCount: Int { feature.count }
    public var leafCount: Int { feature.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// Appends a leaf and returns its index.
    @discardableResult
    mutating func appendLeaf(value v: Float) -> Int {
        feature.append(-1)
        thresholdBin.append(0)
        missingGoesLeft.append(0)
        threshold.append(0)
        left.append(-1)
        right.append(-1)
        value.append(v)
        return feature.count - 1
    }

    /// Empties the arrays, keeping their capacity.
    mutating func removeAll() {
        feature.removeAll(keepingCapacity: true)
        thresholdBin.removeAll(keepingCapacity: true)
        missingGoesLeft.removeAll(keepingCapacity: true)
        threshold.removeAll(keepingCapacity: true)
        left.removeAll(keepingCapacity: true)
        right.removeAll(keepingCapacity: true)
        value.removeAll(keepingCapacity: true)
    }

    /// A copy whose arrays have no spare capacity.
    func compacted() -> DecisionTree {
        func exact<T>(_ a: [T]) -> [T] { a.withUnsafeBufferPointer { Array($0) } }
        var copy = DecisionTree()
        copy.feature = exact(feature)
        copy.thresholdBin = exact(thresholdBin)
        copy.missingGoesLeft = exact(missingGoesLeft)
        copy.threshold = exact(threshold)
        copy.left = exact(left)
        copy.right = exact(right)
        copy.value = exact(value)
        return copy
    }

    /// Turns leaf `node` into a split whose children are `l` and `r`.
    mutating func setSplit(_ node: Int, feature f: Int, bin: Int, threshold t: Float, missingLeft: Bool, left l: Int, right r: Int) {
        feature[node] = Int32(f)
        thresholdBin[node] = UInt8(bin)
        threshold[node] = t
        missingGoesLeft[node] = missingLeft ? 1 : 0
        left[node] = Int32(l)
        right[node] = Int32(r)
    }

    /// The leaf value for one row given by a value accessor. O(depth). Reference implementation.
    public func predict(_ x: (Int) -> Float) -> Float {
        var i = 0
        while feature[i] >= 0 {
            let v = x(Int(feature[i]))
            let goLeft = v.isNaN ? missingGoesLeft[i] != 0 : v <= threshold[i]
            i = Int(goLeft ? left[i] : right[i])
        }
        return value[i]
    }

    /// Depth of the deepest leaf (root = 0).
    public var depth: Int {
        guard nodeCount > 0 else { return 0 }
        var depthOf = [Int](repeating: 0, count: nodeCount)
        var best = 0
        for i in 0..<nodeCount where feature[i] >= 0 {
            depthOf[Int(left[i])] = depthOf[i] + 1
            depthOf[Int(right[i])] = depthOf[i] + 1
            best = max(best, depthOf[i] + 1)
        }
        return best
    }

    /// Nil when the arrays describe a proper binary tree, else the first violation: equal array
    /// lengths, leaves with no children, internal nodes with two distinct children that come later,
    /// a feature index below `featureCount`, every node reached exactly once from the root.
    public func invariantViolation(featureCount: Int) -> String? {
        let n = nodeCount
        if n == 0 { return "empty tree" }
        for (name, count) in [("thresholdBin", thresholdBin.count), ("missingGoesLeft", missingGoesLeft.count),
                              ("threshold", threshold.count), ("left", left.count), ("right", right.count),
                              ("value", value.count)] where count != n {
            return "\(name) has \(count) entries for \(n) nodes"
        }
        var parents = [Int](repeating: 0, count: n)
        for i in 0..<n {
            if feature[i] < 0 {
                if feature[i] != -1 || left[i] != -1 || right[i] != -1 { return "leaf \(i) has children or feature \(feature[i])" }
                continue
            }
            if Int(feature[i]) >= featureCount { return "node \(i) splits on feature \(feature[i]) of \(featureCount)" }
            let l = Int(left[i]), r = Int(right[i])
            if l <= i || r <= i || l >= n || r >= n || l == r { return "node \(i) has children \(l), \(r)" }
            if missingGoesLeft[i] > 1 { return "node \(i) has missingGoesLeft \(missingGoesLeft[i])" }
            if threshold[i].isNaN { return "node \(i) has a NaN threshold" }
            parents[l] += 1
            parents[r] += 1
        }
        if parents[0] != 0 { return "the root has a parent" }
        if let orphan = (1..<n).first(where: { parents[$0] != 1 }) { return "node \(orphan) has \(parents[orphan]) parents" }
        if value.contains(where: { $0.isNaN }) { return "a node value is NaN" }
        return nil
    }
}
