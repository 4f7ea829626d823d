import Tabular

/// Real-sounding, unique product names built from `ProductVocabulary`.
///
/// Each aisle's most popular products (by new-item weight) take the real best-sellers of that aisle
/// where known (Banana, Bag of Organic Bananas, ... in fresh fruits). Every other product gets a name
/// drawn from one of these patterns (department d, aisle a):
///
/// * `[Brand] [Organic] [Variety] Kind`, e.g. `Riverbend Organic Greek Yogurt` (produce and bulk
///   rarely carry a brand: `Organic Honeycrisp Apple`);
/// * about 4 %: `[Brand] Kind, Variety`, e.g. `Bread, Whole Wheat` (a comma inside the field);
/// * about 1 %: `[Brand] "Variety" Kind`, e.g. `Stone Mill "Extra Virgin" Olive Oil` (quotes).
///
/// A name already taken is redrawn (up to 12 times), then gets a pack size (`16 oz`), then a number.
/// Names are drawn from their own stream (`RandomStream.catalog`, index 1), so changing a word list
/// never changes any statistic. Cost: O(P) expected set operations.
enum ProductNames {
    static func make(aisleIDs: [Int32], weights: [Double], seed: UInt64) -> [String] {
        let nouns = ProductVocabulary.aisleNouns.map { $0.split(separator: "|").map(String.init) }
        let varieties = ProductVocabulary.departmentVarieties.map { $0.split(separator: "|").map(String.init) }
        precondition(nouns.count == InstacartTaxonomy.aisles.count, "one noun list per aisle")
        precondition(varieties.count == InstacartTaxonomy.departments.count, "one variety list per department")
        let aisleVarieties = ProductVocabulary.aisleVarieties.mapValues { $0.split(separator: "|").map(String.init) }
        let brands = ProductVocabulary.brands
        let sizes = ProductVocabulary.sizes
        var random = RandomSource(master: seed, stream: RandomStream.catalog.rawValue, index: 1)

        let n = aisleIDs.count
        var names = [String](repeating: "", count: n)
        var taken = Set<String>(minimumCapacity: n * 2)

        // Famous names first, to the most popular products of their aisle.
        var byAisle = [Int: [Int]]()
        for i in 0..<n { byAisle[Int(aisleIDs[i]), default: []].append(i) }
        for (aisle, famous) in ProductVocabulary.famousNames.sorted(by: { $0.key < $1.key }) {
            let ranked = (byAisle[aisle] ?? []).sorted {
                weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1
            }
            for (i, name) in zip(ranked, famous) {
                names[i] = name
                taken.insert(name)
            }
        }

        for i in 0..<n where names[i].isEmpty {
            let aisle = InstacartTaxonomy.aisles[Int(aisleIDs[i]) - 1]
            let kinds = nouns[aisle.id - 1]
            let kindsOfDepartment = aisleVarieties[aisle.id] ?? varieties[aisle.departmentID - 1]
            let fresh = aisle.departmentID == 4 || aisle.departmentID == 10
            var name = ""
            var found = false
            for _ in 0..<12 {
                name = draw(
                    kinds: kinds, varieties: kindsOfDepartment, brands: brands, fresh: fresh,
                    organicShare: organicShare(department: aisle.departmentID), random: &random)
                if !taken.contains(name) {
                    found = true
                    break
                }
            }
            if !found {
                let base = name
                for _ in 0..<sizes.count {
                    name = base + " " + sizes[random.integer(below: sizes.count)]
                    if !taken.contains(name) {
                        found = true
                        break
                    }
                }
                var number = 2
                while !found {
                    name = base + " No. \(number)"
                    found = !taken.contains(name)
                    number += 1
                }
            }
            names[i] = name
            taken.insert(name)
        }
        return names
    }

    /// One name of the patterns above.
    private static func draw(
        kinds: [String], varieties: [String], brands: [String], fresh: Bool, organicShare: Double,
        random: inout RandomSource
    ) -> String {
        let kind = kinds[random.integer(below: kinds.count)]
        let variety = varieties[random.integer(below: varieties.count)]
        let brand = brands[random.integer(below: brands.count)]
        let useBrand = random.uniform() < (fresh ? 0.08 : 0.75)
        let organic = random.uniform() < organicShare
        let useVariety = random.uniform() < (fresh ? 0.7 : 0.8)
        let pattern = random.uniform()
        var parts: [String] = []
        if useBrand { parts.append(brand) }
        if pattern < 0.04 {
            // "Bread, Whole Wheat"
            if organic { parts.append("Organic") }
            return parts.joined(separator: " ") + (parts.isEmpty ? "" : " ") + kind + ", " + variety
        }
        if pattern < 0.05 {
            // "\"Extra Virgin\" Olive Oil"
            if organic { parts.append("Organic") }
            parts.append("\"" + variety + "\"")
            parts.append(kind)
            return parts.joined(separator: " ")
        }
        if organic { parts.append("Organic") }
        if useVariety && !kind.hasPrefix(variety) { parts.append(variety) }
        parts.append(kind)
        return parts.joined(separator: " ")
    }

    /// Share of "Organic" names by department: high in produce and dairy, low in household goods.
    private static func organicShare(department: Int) -> Double {
        switch department {
        case 4: 0.45
        case 16, 18, 14, 3: 0.25
        case 11, 17, 5, 8, 2, 21: 0.03
        default: 0.15
        }
    }
}
