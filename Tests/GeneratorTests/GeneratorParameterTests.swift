@testable import Features
@testable import Generator
import TestSupport
import Testing

@Test func parametersCanBeSetByTheirPrototypeNames() throws {
    var p = GenerationParameters()
    try p.apply(setting: "beta=0.35")
    try p.apply(setting: "n_max=80")
    try p.apply(setting: "pop_stratified=0")
    #expect(p.recencyExponent == 0.35 && p.maxOrders == 80 && !p.stratifiedPopularity)
    #expect(throws: GenerationError.self) { try p.apply(setting: "no_such_name=1") }
    #expect(throws: GenerationError.self) { try p.apply(setting: "beta") }
    #expect(throws: GenerationError.self) { try p.apply(setting: "n_max=1.5") }
    #expect(GenerationParameters.names.contains("rep_order_sd"))
}

@Test func invalidConfigurationsAreRefused() {
    for config in [
        GeneratorConfiguration(users: 0, seed: 1), GeneratorConfiguration(users: 5, seed: 1, testFraction: 1.5),
        GeneratorConfiguration(users: 5, seed: 1, threads: 0),
    ] {
        #expect(throws: GenerationError.self) { try config.validate() }
    }
}

@Test func catalogHasTheRealAisleSizesAndAPinnedHead() {
    let catalog = Catalog(seed: 4)
    #expect(catalog.productCount == 49_688)
    #expect(isClose(catalog.newItemWeights.reduce(0, +), 1, tolerance: 1e-9))
    #expect(catalog.newItemWeights.allSatisfy { $0 > 0 })
    // The head comes from the aisles with the largest first-purchase shares (fresh produce).
    let top = catalog.newItemWeights.indices.max { catalog.newItemWeights[$0] < catalog.newItemWeights[$1] }!
    #expect([24, 83, 123].contains(Int(catalog.aisleIDs[top])))
    #expect(catalog.names.contains("Banana"))
}
