@testable import Features
import Foundation
@testable import Generator
import TestSupport
import Testing

@Test func sameSeedGivesIdenticalFilesWhateverTheThreadCount() throws {
    // Small blocks and buckets so that both runs use several waves, blocks and buckets.
    let (one, _) = try GeneratedData.make(users: 300, seed: 7, threads: 1, usersPerBlock: 5, ordersPerBucket: 700)
    defer { one.remove() }
    let (two, _) = try GeneratedData.make(users: 300, seed: 7, threads: 2, usersPerBlock: 64, ordersPerBucket: 100_000)
    defer { two.remove() }
    for name in InstacartGenerator.fileNames {
        let a = try GeneratedData.bytes(one.file(name))
        let b = try GeneratedData.bytes(two.file(name))
        #expect(a.count > 0)
        #expect(a == b, "\(name) differs between 1 and 2 threads")
    }
}

@Test func differentSeedsGiveDifferentFiles() throws {
    let (a, _) = try GeneratedData.make(users: 100, seed: 1)
    defer { a.remove() }
    let (b, _) = try GeneratedData.make(users: 100, seed: 2)
    defer { b.remove() }
    for name in ["products.csv", "orders.csv", "order_products__prior.csv"] {
        #expect(try GeneratedData.bytes(a.file(name)) != GeneratedData.bytes(b.file(name)), "\(name)")
    }
    // The taxonomy is fixed.
    #expect(try GeneratedData.bytes(a.file("aisles.csv")) == GeneratedData.bytes(b.file("aisles.csv")))
}

@Test func userHistoryDoesNotDependOnTheNumberOfUsers() throws {
    // Per-user streams: the first users are the same in a small and a larger run.
    let catalog = Catalog(seed: 3)
    let simulator = UserSimulator(catalog: catalog, seed: 3)
    var first = SimulatedUser()
    var again = SimulatedUser()
    let plan = UserPlan.draw(userID: 5, seed: 3, testFraction: 0.3, parameters: GenerationParameters())
    simulator.simulate(userID: 5, plan: plan, into: &first)
    simulator.simulate(userID: 6, plan: plan, into: &again)
    simulator.simulate(userID: 5, plan: plan, into: &again)
    #expect(first.products == again.products)
    #expect(first.gaps == again.gaps)
    #expect(first.hours == again.hours)
}

@Test func finishedRunLeavesNoTemporaryFiles() throws {
    let (dir, _) = try GeneratedData.make(users: 50, seed: 1)
    defer { dir.remove() }
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(names == InstacartGenerator.fileNames.sorted())
}

@Test func failedRunLeavesNoFiles() throws {
    let dir = try TemporaryDirectory(prefix: "restock-gen-fail")
    defer { dir.remove() }
    // The output path is an existing regular file: the folder cannot be created.
    let blocked = try dir.write("blocked", "not a folder")
    #expect(throws: GenerationError.self) {
        _ = try InstacartGenerator.generate(GeneratorConfiguration(users: 10, seed: 1), to: blocked + "/out")
    }
    #expect(throws: GenerationError.self) {
        _ = try InstacartGenerator.generate(GeneratorConfiguration(users: 0, seed: 1), to: dir.file("x"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["blocked"])
}
