/// The distinct values of an id column, ascending, numbered 0..<count: the remapping that lets the
/// feature builder index its per-user and per-product tables by the ids actually present rather
/// than by the largest id. Instacart's ids are dense (products 1...49,688, users 1...206,209); a
/// shop's may be anything up to 2³¹ − 1, and tables sized by the largest id would then need
/// gigabytes (issue 12).
///
/// The mapping is monotone (a smaller id has a smaller number), so ordering by number is ordering
/// by id. Cost: O(n) with a presence table when the ids are non-negative and the largest is below
/// max(2²⁰, 8n) (as Instacart's are), else O(n log n) by sorting a copy; lookups through
/// `number` are then O(1) or O(log count) (`IDIndex`).
public struct CompactIDs: Sendable {
    /// The distinct ids, ascending; `ids[k]` has number k.
    public let ids: [Int32]
    /// Id → number (its position in `ids`).
    public let number: IDIndex

    public var count: Int { ids.count }

    public init(_ values: [Int32]) {
        var ids: [Int32] = []
        if let minID = values.min(), let maxID = values.max(), minID >= 0, Int(maxID) < max(1 << 20, 8 * values.count) {
            var present = [Bool](repeating: false, count: Int(maxID) + 1)
            for v in values { present[Int(v)] = true }
            for v in present.indices where present[v] { ids.append(Int32(v)) }
        } else {
            var sorted = values
            sorted.sort()
            for v in sorted where ids.last != v { ids.append(v) }
        }
        self.ids = ids
        self.number = IDIndex(ids: ids)
    }
}
