/// Per-product demand sums over a stream of candidate rows, added chunk by chunk: for product i,
/// μᵢ = Σ p, σᵢ² = Σ p(1 − p) and nᵢ = the number of rows, each sum in Double in the order the rows
/// are added (so the same rows in the same order give the same bits, whether they come in one
/// array or in chunks). Ids in 0..<2²⁰ (Instacart's go to 49,688) live in dense arrays grown on
/// demand; any other id in a dictionary. Memory O(largest dense id + other products), independent
/// of the row count; cost O(1) per row.
public struct DemandAccumulator: Sendable {
    static let denseLimit: Int32 = 1 << 20

    private var mu: [Double] = []
    private var variance: [Double] = []
    private var rows: [Int] = []
    private var sparse: [Int32: (mu: Double, variance: Double, rows: Int)] = [:]
    /// Rows added in all.
    public private(set) var rowCount = 0

    public init() {}

    /// Adds one row: product `product` is in the order with probability `probability`.
    @inline(__always)
    public mutating func add(product: Int32, probability: Float) {
        let p = Double(probability)
        rowCount += 1
        if product >= 0 && product < Self.denseLimit {
            let i = Int(product)
            if i >= mu.count { grow(to: i + 1) }
            mu[i] += p
            variance[i] += p * (1 - p)
            rows[i] += 1
        } else {
            var entry = sparse[product] ?? (0, 0, 0)
            entry.mu += p
            entry.variance += p * (1 - p)
            entry.rows += 1
            sparse[product] = entry
        }
    }

    /// Adds rows `products[r]`, `probabilities[r]` for every r (in order) where `include(r)`.
    public mutating func add(products: [Int32], probabilities: [Float], where include: (Int) -> Bool = { _ in true }) {
        precondition(products.count == probabilities.count, "DemandAccumulator: one probability per row")
        for r in products.indices where include(r) { add(product: products[r], probability: probabilities[r]) }
    }

    private mutating func grow(to count: Int) {
        let size = max(count, min(Int(Self.denseLimit), mu.count * 2))
        mu += [Double](repeating: 0, count: size - mu.count)
        variance += [Double](repeating: 0, count: size - variance.count)
        rows += [Int](repeating: 0, count: size - rows.count)
    }

    /// One entry per product with at least one row, ascending by product id.
    public var totals: [(product: Int32, expectedDemand: Double, variance: Double, rows: Int)] {
        var out: [(product: Int32, expectedDemand: Double, variance: Double, rows: Int)] = []
        out.reserveCapacity(sparse.count + 1024)
        for (product, entry) in sparse where product < 0 { out.append((product, entry.mu, entry.variance, entry.rows)) }
        out.sort { $0.product < $1.product }
        for i in rows.indices where rows[i] > 0 { out.append((Int32(i), mu[i], variance[i], rows[i])) }
        let high = sparse.filter { $0.key >= 0 }.sorted { $0.key < $1.key }
        for (product, entry) in high { out.append((product, entry.mu, entry.variance, entry.rows)) }
        return out
    }
}
