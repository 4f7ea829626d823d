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
        if p.stratifiedPopularity {
            // The aisle's normal quantiles (i + 1/2)/n_a, in random order: the same lognormal law, but
            // its largest values (the head of the catalog) no longer depend on the seed.
            var members = [[Int]](repeating: [], count: aisles.count)
            for i in 0..<n { members[aisleIndex[Int(aisleOf[i])]!].append(i) }
            for list in members {
                var quantiles = (0..<list.count).map {
                    Catalog.normalQuantile((Double($0) + 0.5) / Double(list.count))
                }
                quantiles.withUnsafeMutableBufferPointer { random.shuffle($0) }
                for (i, q) in zip(list, quantiles) { z[i] = q }
            }
        } else {
            for i in 0..<n { z[i] = random.normal() }
        }
        var popularity = [Double](repeating: 0, count: n)
        var aisleTotal = [Double](repeating: 0, count: aisles.count)
        for i in 0..<n {
            let a = aisles[aisleIndex[Int(aisleOf[i])]!]
            popularity[i] = exp(a.popularitySpread * p.popularitySpreadMultiplier * z[i])
            aisleTotal[aisleIndex[a.id]!] += popularity[i]
        }
        let centre = Catalog.logit(p.reorderabilityCentre)
        var weights = [Double](repeating: 0, count: n)
        var b = [Double](repeating: 0, count: n)
        var noise = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let k = aisleIndex[Int(aisleOf[i])]!
            let a = aisles[k]
            weights[i] = max(a.newItemShare, 1e-5) * popularity[i] / aisleTotal[k]
            let r = min(max(a.reorderRatio, p.reorderabilityClip.lowerBound), p.reorderabilityClip.upperBound)
            b[i] =
                p.reorderabilityScale * (Catalog.logit(r) - centre) + p.reorderabilityPopularity * z[i]
            noise[i] = random.normal()
        }
        // Pin the head: the largest weights get `headBoost` (ties broken by index, deterministic).
        let head = weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        for i in head.prefix(p.headCount) {
            weights[i] *= p.headBoost
            noise[i] *= p.headNoiseScale
        }
        for i in 0..<n { b[i] += p.reorderabilitySD * noise[i] }
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

    /// Standard normal quantile Phi^-1(u), Acklam's rational approximation (relative error < 1.2e-9).
    static func normalQuantile(_ u: Double) -> Double {
        let a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690, -30.66479806614716,
                 2.506628277459239]
        let b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
        let c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
                 4.374664141464968, 2.938163982698783]
        let d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
        let low = 0.02425
        if u < low {
            let q = (-2 * log(u)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if u > 1 - low {
            let q = (-2 * log(1 - u)).squareRoot()
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let q = u - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
