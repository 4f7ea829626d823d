@testable import Forest
import Tabular
import TestSupport
import Testing

/// Two groups of trees grown on disjoint halves of the rows (so with different bin edges).
private func parts(maxBins: Int = 32, sharedBins: Bool = false) throws -> (ForestModel, ForestModel, FeatureMatrix) {
    let (all, y) = ToyData.step(rows: 800, features: 4, noise: 0.3, seed: 11)
    let first = Array(0..<400), second = Array(400..<800)
    func train(_ rows: [Int], trees: Int, seed: UInt64, bins: BinMapper?) throws -> ForestModel {
        try RandomForest.train(features: all.selectingRows(rows), target: rows.map { y[$0] }, targetName: "reordered",
                               parameters: ForestParameters(treeCount: trees, maxBins: maxBins, seed: seed),
                               options: TrainingOptions(threads: 2, trainedAt: "2024-01-0\(seed)T00:00:00Z", permutationRows: 50,
                                                        origin: ModelOrigin(dataFingerprint: "xxh64:000000000000000\(seed)",
                                                                            commandLine: ["restock", "train"], toolVersion: "1"),
                                                        binMapper: bins)).model
    }
    let a = try train(first, trees: 3, seed: 1, bins: nil)
    let b = try train(second, trees: 5, seed: 2, bins: sharedBins ? a.binMapper : nil)
    return (a, b, all)
}

private func merge(_ a: ForestModel, _ b: ForestModel) throws -> ForestModel {
    try ForestMerge.merge([.init(name: "a.rf", model: a), .init(name: "b.rf", model: b)], commandLine: ["restock", "merge"], toolVersion: "1")
}

/// The merged forest predicts (S_a + S_b) / (T_a + T_b) exactly, where S_a + S_b is the Double sum
/// of the parts' own trees' leaf values (a's trees, then b's, in order): the tree-count-weighted mean
/// of the parts' predictions S_k / T_k (checked to 1e-6 against the parts' Float predictions).
@Test func mergedPredictionIsTheTreeWeightedMeanOfTheParts() throws {
    let (a, b, matrix) = try parts()
    #expect(a.binMapper != b.binMapper)
    let merged = try merge(a, b)
    #expect(merged.trees.count == 8 && merged.parameters.treeCount == 8)
    let predicted = try merged.predict(matrix, threads: 2)
    let pa = try a.predict(matrix), pb = try b.predict(matrix)
    for row in 0..<matrix.rowCount {
        let sum = (a.trees + b.trees).reduce(0.0) { $0 + Double($1.predict { matrix[row, $0] }) }
        #expect(predicted[row] == Float(sum / 8))
        let weighted = (3 * Double(pa[row]) + 5 * Double(pb[row])) / 8
        #expect(abs(Double(predicted[row]) - weighted) <= 1e-6)
    }
}

/// The merged bins are the union of the parts' edges and every split's bin names its threshold.
@Test func mergedBinsAreTheUnionAndSplitsAreRenumbered() throws {
    let (a, b, _) = try parts()
    let merged = try merge(a, b)
    for j in 0..<a.schema.count {
        #expect(merged.binMapper.edges[j] == Array(Set(a.binMapper.edges[j] + b.binMapper.edges[j])).sorted())
    }
    var splits = 0
    for tree in merged.trees {
        for i in 0..<tree.nodeCount where tree.feature[i] >= 0 {
            #expect(merged.binMapper.threshold(feature: Int(tree.feature[i]), bin: Int(tree.thresholdBin[i])) == tree.threshold[i])
            splits += 1
        }
    }
    #expect(splits > 0)
    // the thresholds, children and values are the parts' own
    #expect(merged.trees[0].threshold == a.trees[0].threshold && merged.trees[3].value == b.trees[0].value)
}

@Test func mergedModelRecordsItsPartsAndIsDeterministic() throws {
    let (a, b, _) = try parts()
    let merged = try merge(a, b)
    let bytes = merged.serialized()
    #expect(try merge(a, b).serialized() == bytes)
    let loaded = try ForestModel(serialized: bytes)
    #expect(loaded == merged)
    let parts = try #require(loaded.origin?.parts)
    #expect(parts.map(\.name) == ["a.rf", "b.rf"])
    #expect(parts.map(\.version) == [a.version.description, b.version.description])
    #expect(parts.map(\.firstTree) == [0, 3] && parts.map(\.treeCount) == [3, 5])
    #expect(parts.map(\.seed) == [1, 2] && parts.map(\.dataFingerprint) == ["xxh64:0000000000000001", "xxh64:0000000000000002"])
    #expect(loaded.metadata.rowCount == 800 && loaded.metadata.trainedAt == "2024-01-02T00:00:00Z")
    #expect(loaded.metadata.outOfBagRSquared == nil)
    #expect(abs(loaded.importances.impurity.reduce(0, +) - 1) < 1e-9)
    #expect(loaded.origin?.dataFingerprint.hasPrefix("xxh64:") == true)
    // the version is the content's: another than either part's, and another for the other order
    #expect(merged.version != a.version && merged.version != b.version)
    #expect(try merge(b, a).version != merged.version)
    // a model without parts writes no "parts" key (files of earlier builds keep their bytes)
    #expect(!String(decoding: a.serialized(), as: UTF8.self).contains("\"parts\""))
}

@Test func partsThatDifferAreRefusedNamingBothFiles() throws {
    let (a, b, _) = try parts()
    #expect(throws: ForestMerge.Failure.sameModel(first: "a.rf", other: "b.rf", version: a.version.description)) {
        try merge(a, a)
    }
    let renamed = ForestModel(schema: FeatureSchema(names: ["x0", "x1", "x2", "y3"]), binMapper: b.binMapper, parameters: b.parameters,
                              metadata: b.metadata, trees: b.trees, importances: b.importances)
    do {
        _ = try merge(a, renamed)
        Issue.record("merged models with other features")
    } catch let failure as ForestMerge.Failure {
        #expect(failure.description.contains("b.rf was trained on other features than a.rf"))
        #expect(failure.description.contains("x3") && failure.description.contains("y3"))
    }
    var otherTarget = b.metadata
    otherTarget.targetName = "demand"
    #expect(throws: ForestMerge.Failure.targetDiffers(first: "a.rf", other: "b.rf", firstTarget: "reordered", otherTarget: "demand")) {
        try merge(a, ForestModel(schema: b.schema, binMapper: b.binMapper, parameters: b.parameters, metadata: otherTarget,
                                 trees: b.trees, importances: b.importances))
    }
    var otherParameters = b.parameters
    otherParameters.minSamplesLeaf = 9
    otherParameters.minSamplesLeafIsAutomatic = false  // an explicit 9 against a's automatic number
    #expect(throws: ForestMerge.Failure.parametersDiffer(first: "a.rf", other: "b.rf", difference: "minSamplesLeaf \(a.parameters.minSamplesLeaf) vs 9")) {
        try merge(a, ForestModel(schema: b.schema, binMapper: b.binMapper, parameters: otherParameters, metadata: b.metadata,
                                 trees: b.trees, importances: b.importances))
    }
}

/// 254 edges per feature fit a bin code: two parts binned finely on different rows do not merge,
/// unless the second is trained with the first one's bins (then the merged edges are the first's).
@Test func binUnionsPastTheFormatLimitAreRefusedUnlessTheBinsAreShared() throws {
    let (a, b, _) = try parts(maxBins: 255)
    do {
        _ = try merge(a, b)
        Issue.record("merged a union of more than 254 edges")
    } catch let failure as ForestMerge.Failure {
        guard case .tooManyBinEdges(let first, let other, _, let edges) = failure else { throw failure }
        #expect(first == "a.rf" && other == "b.rf" && edges > 254)
        #expect(failure.description.contains("--bins-from a.rf"))
    }
    let (c, d, matrix) = try parts(maxBins: 255, sharedBins: true)
    #expect(c.binMapper == d.binMapper)
    let merged = try merge(c, d)
    #expect(merged.binMapper == c.binMapper)
    #expect(merged.trees.map(\.thresholdBin) == c.trees.map(\.thresholdBin) + d.trees.map(\.thresholdBin))
    #expect(try merged.predict(matrix).count == matrix.rowCount)
}
