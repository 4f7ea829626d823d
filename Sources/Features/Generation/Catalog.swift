#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The synthetic product catalog (CALIBRATION.md §4.1): 49,688 products over the 134 real aisles,
/// each with a first-purchase weight and a reorderability, plus per-department sampling tables.
///
/// * Product ids are a random permutation of the aisle-ordered list (ids carry no aisle order).
/// * Within aisle a, popularity pop_p = exp(sigma_a * m * z_p), z_p ~ N(0, 1), sigma_a the aisle's fitted
///   spread, m = `popularitySpreadMultiplier`. New-item weight w_p = s_a pop_p / sum_{q in a} pop_q
///   (s_a = the aisle's new-item share); the `headCount` largest weights are multiplied by `headBoost`;
///   then w <- (1 - f) w / sum(w) + f / P with floor f = `popularityFloor`.
/// * Reorderability b_p = scale (logit(clip(r_a)) - logit(centre)) + sd e_p + coupling z_p.
///
/// Cost: O(P log P) once (P = number of products); then read-only and shared by all threads.
public struct Catalog: Sendable {
    /// Aisle id of product p at index p - 1.
    public let aisleIDs: [Int32]
    /// Department id of product p at index p - 1.
    public let departmentIDs: [Int32]
    /// Normalised first-purchase weight w_p (sums to 1).
    public let newItemWeights: [Double]
    /// Reorderability b_p (log scale of habit strength).
    public let reorderability: [Double]
    /// Product names, unique.
    public let names: [String]
    /// For each department (index department_id - 1): its product ids and the cumulative new-item
    /// weights over them, for drawing a new product within a department.
    public let departmentProducts: [[Int32]]
    public let departmentTables: [CumulativeTable]

    public var productCount: Int { aisleIDs.count }

    /// Builds the catalog from the embedded taxonomy with streams derived from `seed`.
    public init(seed: UInt64, parameters p: GenerationParameters = GenerationParameters()) {
        let aisles = InstacartTaxonomy.aisles
        var random = RandomSource(master: seed, stream: RandomStream.catalog.rawValue, index: 0)
        var aisleOf: [Int32] = []
        for aisle in aisles {
            aisleOf.append(contentsOf: repeatElement(Int32(aisle.id), count: aisle.productCount))
        }
        let n = aisleOf.count
        aisleOf.withUnsafeMutableBufferPointer { random.shuffle($0) }
        let aisleIndex = Dictionary(uniqueKeysWithValues: aisles.enumerated().map { ($1.id, $0) })

        var z = [Double](repeating: 0, count: n)
        var popularity = [Double](repeating: 0, count: n)
        var aisleTotal = [Double](repeating: 0, count: aisles.count)
        for i in 0..<n {
            z[i] = random.normal()
            let a = aisles[aisleIndex[Int(aisleOf[i])]!]
            popularity[i] = exp(a.popularitySpread * p.popularitySpreadMultiplier * z[i])
            aisleTotal[aisleIndex[a.id]!] += popularity[i]
        }
        let centre = Catalog.logit(p.reorderabilityCentre)
        var weights = [Double](repeating: 0, count: n)
        var b = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let k = aisleIndex[Int(aisleOf[i])]!
            let a = aisles[k]
            weights[i] = max(a.newItemShare, 1e-5) * popularity[i] / aisleTotal[k]
            let r = min(max(a.reorderRatio, p.reorderabilityClip.lowerBound), p.reorderabilityClip.upperBound)
            b[i] =
                p.reorderabilityScale * (Catalog.logit(r) - centre) + p.reorderabilitySD * random.normal()
                + p.reorderabilityPopularity * z[i]
        }
        // Pin the head: the largest weights get `headBoost` (ties broken by index, deterministic).
        let head = weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        for i in head.prefix(p.headCount) { weights[i] *= p.headBoost }
        let total = weights.reduce(0, +)
        for i in 0..<n {
            weights[i] = (1 - p.popularityFloor) * weights[i] / total + p.popularityFloor / Double(n)
        }

        let departments = aisleOf.map { Int32(aisles[aisleIndex[Int($0)]!].departmentID) }
        var products = [[Int32]](repeating: [], count: InstacartTaxonomy.departments.count)
        for i in 0..<n { products[Int(departments[i]) - 1].append(Int32(i + 1)) }
        departmentProducts = products
        departmentTables = products.map { ids in
            CumulativeTable(weights: ids.map { weights[Int($0) - 1] })
        }
        aisleIDs = aisleOf
        departmentIDs = departments
        newItemWeights = weights
        reorderability = b
        names = ProductNames.make(aisleIDs: aisleOf, weights: weights, seed: seed)
    }

    static func logit(_ x: Double) -> Double { log(x / (1 - x)) }
}
