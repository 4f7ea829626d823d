import Decisions
import Features
import Forest
import Foundation
import Serve
import TabularIO
import TestSupport
import Testing

private func catalog() -> ProductCatalog {
    ProductCatalog(
        products: ProductTable(productID: [1, 2, 3, 4], name: TextColumn(["Milk, whole", "Bread", "Eggs \"large\"", "Salt"]),
                               aisleID: [10, 11, 10, 12], departmentID: [5, 6, 5, 6]),
        aisles: CategoryTable(id: [10, 11, 12], name: TextColumn(["dairy", "bakery", "spices"])),
        departments: CategoryTable(id: [5, 6], name: TextColumn(["chilled", "pantry"])))
}

@Test func stockIsCeilingOfMuPlusZSigmaOnAHandMadeCase() {
    // product 1: p = 0.5, 0.5, 0.5, 0.5 → μ = 2, σ² = 1, 2 + 1.645 = 3.645 → 4
    // product 2: p = 0.9 → μ = 0.9, σ² = 0.09, 0.9 + 1.645 · 0.3 = 1.393 → 2
    // product 3: p = 0.2, 0.1, 0.7 → μ = 1.0, σ² = 0.16 + 0.09 + 0.21 = 0.46, 1 + 1.645 · 0.678 = 2.116 → 3
    // product 4: p = 0 → μ = 0, σ = 0 → 0
    let products: [Int32] = [1, 2, 1, 3, 1, 3, 4, 1, 3]
    let p: [Float] = [0.5, 0.9, 0.5, 0.2, 0.5, 0.1, 0, 0.5, 0.7]
    let list = StockRecommender(policy: StockPolicy(serviceLevel: 0.95, rule: .normal), modelVersion: "rf-0000abcd")
        .recommend(products: products, probabilities: p, catalog: catalog())
    #expect(list.map(\.productID) == [1, 3, 2, 4])               // by μ, largest first
    #expect(list.map(\.recommendedStock) == [4, 3, 2, 0])
    #expect(isClose(list[0].expectedDemand, 2) && isClose(list[0].standardDeviation, 1))
    #expect(isClose(list[1].expectedDemand, 1, tolerance: 1e-6) && isClose(list[1].standardDeviation, 0.46.squareRoot(), tolerance: 1e-6))
    #expect(isClose(list[2].expectedDemand, 0.9, tolerance: 1e-6) && isClose(list[2].standardDeviation, 0.3, tolerance: 1e-6))
    #expect(list[3].expectedDemand == 0 && list[3].standardDeviation == 0)
    #expect(list.map(\.candidates) == [4, 3, 1, 1])
    #expect(list.allSatisfy { $0.serviceLevel == 0.95 && $0.modelVersion == "rf-0000abcd" })
    #expect(list[0].product == ProductCatalog.Entry(name: "Milk, whole", aisle: "dairy", department: "chilled"))

    // a higher service level never lowers the stock; 50 % is the ceiling of μ
    let median = StockRecommender(policy: StockPolicy(serviceLevel: 0.5, rule: .normal), modelVersion: "v")
        .recommend(products: products, probabilities: p, catalog: catalog())
    #expect(median.map(\.recommendedStock) == [2, 1, 1, 0])
}

@Test func defaultStockIsTheSmallestStockThatReachesTheServiceLevel() {
    // product 1: Binomial(4, ½), P(D ≤ 3) = 0.9375 < 0.95 → 4
    // product 3: μ 1, Σp² 0.54 → Binomial(2, ½), P(D ≤ 1) = 0.75, P(D ≤ 2) = 1 → 2 (exactly: P(D = 3) = 0.014)
    // product 2: Binomial(1, 0.9) → 1 (the normal rule stocks 2); product 4: 0
    let products: [Int32] = [1, 2, 1, 3, 1, 3, 4, 1, 3]
    let p: [Float] = [0.5, 0.9, 0.5, 0.2, 0.5, 0.1, 0, 0.5, 0.7]
    let list = StockRecommender(policy: StockPolicy(serviceLevel: 0.95), modelVersion: "v")
        .recommend(products: products, probabilities: p, catalog: catalog())
    #expect(list.map(\.productID) == [1, 3, 2, 4])
    #expect(list.map(\.recommendedStock) == [4, 2, 1, 0])
    let median = StockRecommender(policy: StockPolicy(serviceLevel: 0.5), modelVersion: "v")
        .recommend(products: products, probabilities: p, catalog: catalog())
    #expect(median.map(\.recommendedStock) == [2, 1, 1, 0])
}

@Test func equalDemandIsOrderedByProductID() {
    let list = StockRecommender(policy: StockPolicy(), modelVersion: "v")
        .recommend(products: [3, 2, 4], probabilities: [0.4, 0.4, 0.4], catalog: catalog())
    #expect(list.map(\.productID) == [2, 3, 4])
}

@Test func recommendationCSVQuotesNamesAndKeepsTheColumns() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let list = StockRecommender(policy: StockPolicy(), modelVersion: "rf-00000001")
        .recommend(products: [1, 3, 3], probabilities: [0.25, 0.5, 0.5], catalog: catalog())
    let writer = try AtomicFileWriter(path: dir.file("r.csv"))
    try RecommendationWriter.write(list, to: writer)
    try writer.commit()
    let text = try String(contentsOfFile: dir.file("r.csv"), encoding: .utf8)
    #expect(text == """
        product_id,product_name,aisle,department,expected_demand,stddev,recommended_stock,service_level,model_version
        3,"Eggs ""large\"\"\",dairy,chilled,1,0.707107,2,0.95,rf-00000001
        1,"Milk, whole",dairy,chilled,0.25,0.433013,1,0.95,rf-00000001

        """)
    let table = RecommendationWriter.table(list, top: 1)
    #expect(table.split(separator: "\n").count == 2)
    #expect(table.contains("Eggs \"large\"") && table.contains("1.00") && table.contains("0.71"))
}

@Test func basketsMaximiseExpectedF1PerUser() {
    // user 7: two likely items and a rare one; user 3: only unlikely items → None; user 5: one certain item
    let users: [Int32] = [7, 3, 7, 5, 3, 7]
    let products: [Int32] = [11, 21, 12, 31, 22, 13]
    let p: [Float] = [0.9, 0.05, 0.8, 1.0, 0.02, 0.03]
    let baskets = NextBasket.choose(users: users, products: products, probabilities: p, nextOrder: [7: 700, 3: 300])
    #expect(baskets.map(\.userID) == [3, 5, 7])
    #expect(baskets.map(\.orderID) == [300, nil, 700])
    #expect(baskets[0].products.isEmpty && baskets[0].includesNone && baskets[0].productsText == "None")
    #expect(baskets[1].products == [31] && !baskets[1].includesNone && isClose(baskets[1].expectedF1, 1))
    #expect(baskets[2].products == [11, 12] && !baskets[2].includesNone && baskets[2].productsText == "11 12")
    // the chosen set's value is the expected F1 computed by enumerating every outcome
    let e = ExpectedF1Basket.expectedF1ByEnumeration(probabilities: [0.9, 0.8, 0.03].map { Double(Float($0)) }, predicted: [0, 1], includesNone: false)
    #expect(isClose(baskets[2].expectedF1, e, tolerance: 1e-9))
    #expect(isClose(baskets[0].expectedF1,
                    ExpectedF1Basket.expectedF1ByEnumeration(probabilities: [0.05, 0.02].map { Double(Float($0)) }, predicted: [], includesNone: true), tolerance: 1e-9))
}

@Test func modelVersionNamesTheContentNotTheTrainingDate() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let model = try ScoringFixture.model(trees: 3)
    var later = model.metadata
    later.trainedAt = "2030-01-01T00:00:00Z"
    let retrained = ForestModel(schema: model.schema, binMapper: model.binMapper, parameters: model.parameters, metadata: later,
                                trees: model.trees, importances: model.importances)
    try model.write(to: dir.file("a.rf"))
    try retrained.write(to: dir.file("b.rf"))
    try ScoringFixture.model(trees: 4).write(to: dir.file("c.rf"))
    let a = try ModelVersion(modelFile: dir.file("a.rf"))
    #expect(a == model.version)
    #expect(a == (try ModelVersion(modelFile: dir.file("b.rf"))))
    #expect(a != (try ModelVersion(modelFile: dir.file("c.rf"))))
    #expect(a.description.hasPrefix("rf-") && a.description.count == 15)
    try dir.write("bad.rf", "not a model")
    #expect(throws: ModelFileError.self) { _ = try ModelVersion(modelFile: dir.file("bad.rf")) }
}
