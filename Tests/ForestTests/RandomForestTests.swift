import Foundation
import Testing
import Tabular
import TestSupport
@testable import Forest

private func train(_ matrix: FeatureMatrix, _ y: [Float], _ parameters: ForestParameters, threads: Int = 1,
                   permutationRows: Int = 0) throws -> ForestModel {
    try RandomForest.train(features: matrix, target: y, parameters: parameters,
                           options: TrainingOptions(threads: threads, trainedAt: "2024-06-01T00:00:00Z",
                                                    permutationRows: permutationRows)).model
}

@Test func pureNodeBecomesLeaf() throws {
    let (matrix, _) = ToyData.step(rows: 200, seed: 2)
    let model = try train(matrix, [Float](repeating: 0.25, count: 200), ForestParameters(treeCount: 5, minSamplesLeaf: 1))
    for tree in model.trees {
        #expect(tree.nodeCount == 1)
        #expect(tree.value[0] == 0.25)
    }
    // and inside a tree: a node whose rows all have y = 1 is not split further
    let y: [Float] = (0..<200).map { matrix[$0, 0] > 0.5 ? 1 : Float(matrix[$0, 1]) }
    let mixed = try train(matrix, y, ForestParameters(treeCount: 3, maxFeatures: 1, minSamplesLeaf: 1))
    for tree in mixed.trees {
        for i in 0..<tree.nodeCount where tree.feature[i] >= 0 {
            // a split never separates two groups that both predict exactly 1
            #expect(!(tree.value[Int(tree.left[i])] == 1 && tree.value[Int(tree.right[i])] == 1))
        }
    }
}

@Test func grownTreesSatisfyTheInvariants() throws {
    let (matrix, y) = ToyData.discrete(rows: 1500, features: 6, distinct: 50, missingRate: 0.05, seed: 4)
    let model = try train(matrix, y, ForestParameters(treeCount: 8, minSamplesLeaf: 2), threads: 2)
    for tree in model.trees {
        #expect(tree.invariantViolation(featureCount: 6) == nil)
        #expect(tree.nodeCount > 20)
    }
    var broken = model.trees[0]
    broken.left[0] = 0
    #expect(broken.invariantViolation(featureCount: 6) != nil)
}

@Test func minSamplesLeafIsRespected() throws {
    let (matrix, y) = ToyData.step(rows: 1200, features: 3, noise: 0.5, seed: 7)
    let mapper = BinMapper.fit(matrix, maxBins: 255, seed: 0)
    let binned = BinnedMatrix(matrix, mapper: mapper)
    for minLeaf in [1, 5, 17] {
        let settings = TreeGrower.Settings(maxFeatures: 2, minSamplesLeaf: minLeaf, maxDepth: 0, minImpurityDecrease: 0, draws: 1200)
        try binned.codes.withUnsafeBufferPointer { codes in
            try y.withUnsafeBufferPointer { targets in
                let grower = TreeGrower(codes: codes.baseAddress!, rowStride: binned.rowStride, targets: targets.baseAddress!, rowCount: 1200, mapper: mapper,
                                        settings: settings, oobScale: 1)
                for seed in UInt64(0)..<3 {
                    let (tree, _) = grower.grow(seed: seed)
                    var rowsPerLeaf = [Int: Int]()
                    for r in 0..<1200 where grower.counts[r] > 0 {
                        var i = 0
                        while tree.feature[i] >= 0 {
                            i = Int(matrix[r, Int(tree.feature[i])] <= tree.threshold[i] ? tree.left[i] : tree.right[i])
                        }
                        rowsPerLeaf[i, default: 0] += 1
                    }
                    #expect(rowsPerLeaf.count == tree.leafCount)
                    let smallest = try #require(rowsPerLeaf.values.min())
                    #expect(smallest >= minLeaf, "min leaf \(minLeaf)")
                    if minLeaf == 1 { #expect(smallest < 5, "min leaf 1 should give small leaves") }
                }
            }
        }
    }
}

@Test func maxDepthIsRespected() throws {
    let (matrix, y) = ToyData.step(rows: 2000, features: 4, noise: 0.6, seed: 8)
    for depth in [1, 3, 6] {
        let model = try train(matrix, y, ForestParameters(treeCount: 4, minSamplesLeaf: 1, maxDepth: depth))
        #expect(model.trees.map(\.depth).max() == depth)
    }
    let unlimited = try train(matrix, y, ForestParameters(treeCount: 2, minSamplesLeaf: 1, maxDepth: 0))
    #expect(unlimited.trees.map(\.depth).max()! > 6)
}

@Test func missingValuesGoToTheSideThatLowersTheLoss() throws {
    for missingHigh in [true, false] {
        var rng = TestRandom(seed: 11)
        var x: [Float] = [], y: [Float] = []
        for r in 0..<600 {
            if r % 5 == 0 {
                x.append(.nan)
                y.append(missingHigh ? 1 : 0)
            } else {
                let u = Float(rng.next() % 1000) / 1000
                x.append(u)
                y.append(u > 0.5 ? 1 : 0)
            }
        }
        let matrix = FeatureMatrix(schema: FeatureSchema(names: ["x"]), columns: [x])
        let model = try train(matrix, y, ForestParameters(treeCount: 3, maxFeatures: 1, minSamplesLeaf: 1, sampleFraction: 1,
                                                          leafSmoothing: 0))
        for tree in model.trees {
            #expect(tree.feature[0] == 0)
            // y = 1 lies to the right (x > 0.5): missing rows with y = 1 must go right, with y = 0 left
            #expect(tree.missingGoesLeft[0] == (missingHigh ? 0 : 1))
        }
        let nanRow = FeatureMatrix(schema: FeatureSchema(names: ["x"]), columns: [[.nan]])
        let prediction = try model.predict(nanRow)[0]
        #expect(prediction == (missingHigh ? 1 : 0))
    }
}

@Test func sameSeedTwoThreadCountsGiveIdenticalModel() throws {
    let (matrix, y) = ToyData.discrete(rows: 3000, features: 8, distinct: 300, missingRate: 0.03, seed: 12)
    let parameters = ForestParameters(treeCount: 12, minSamplesLeaf: 3, seed: 42)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try train(matrix, y, parameters, threads: 1, permutationRows: 300).save(to: dir.file("one.rf"))
    try train(matrix, y, parameters, threads: 2, permutationRows: 300).save(to: dir.file("two.rf"))
    let one = try Data(contentsOf: dir.url.appendingPathComponent("one.rf"))
    let two = try Data(contentsOf: dir.url.appendingPathComponent("two.rf"))
    #expect(one.count > 1000)
    #expect(one == two)
}

@Test func differentSeedsGiveDifferentModels() throws {
    let (matrix, y) = ToyData.step(rows: 800, seed: 13)
    let a = try train(matrix, y, ForestParameters(treeCount: 4, seed: 1))
    let b = try train(matrix, y, ForestParameters(treeCount: 4, seed: 2))
    #expect(a.trees != b.trees)
    #expect(a.serialized() != b.serialized())
}

@Test func outOfBagRSquaredIsHighOnALearnableStep() throws {
    let (matrix, y) = ToyData.step(rows: 3000, features: 4, noise: 0.2, seed: 14)
    let model = try train(matrix, y, ForestParameters(treeCount: 30, seed: 3), threads: 2)
    let r2 = try #require(model.metadata.outOfBagRSquared)
    #expect(r2 > 0.5)
    #expect(r2 < 1)
    #expect(model.metadata.outOfBagRowCount > 2900)
    // noise only: the out-of-bag R² is about 0 or below, never high
    let noise = try train(matrix, y.indices.map { Float((($0 * 7919) % 101)) / 101 }, ForestParameters(treeCount: 30), threads: 2)
    #expect(try #require(noise.metadata.outOfBagRSquared) < 0.1)
}

@Test func importancesRankTheInformativeFeatureFirst() throws {
    let (matrix, y) = ToyData.step(rows: 2000, features: 5, noise: 0.3, seed: 15)
    let model = try train(matrix, y, ForestParameters(treeCount: 20, seed: 5), threads: 2, permutationRows: 500)
    let impurity = model.importances.impurity
    #expect(impurity.indices.max { impurity[$0] < impurity[$1] } == 0)
    #expect(isClose(impurity.reduce(0, +), 1, tolerance: 1e-9))
    let permutation = model.importances.permutation
    #expect(permutation.count == 5)
    #expect(permutation.indices.max { permutation[$0] < permutation[$1] } == 0)
    #expect(permutation[0] > 0.1)
    #expect(model.importances.permutationRowCount == 500)
}

@Test func fastPredictionMatchesTreeByTreePrediction() throws {
    let (matrix, y) = ToyData.discrete(rows: 1000, features: 5, distinct: 30, missingRate: 0.1, seed: 16)
    let model = try train(matrix, y, ForestParameters(treeCount: 7, minSamplesLeaf: 2), threads: 2)
    let fast = try model.predict(matrix, threads: 2)
    for r in 0..<1000 { #expect(fast[r] == model.predictNaive(matrix, row: r)) }
    #expect(try model.predict(matrix, threads: 1) == fast)
}

@Test func scoringAnotherSchemaFailsAndNamesTheDifference() throws {
    let (matrix, y) = ToyData.step(rows: 300, features: 3, seed: 17)
    let model = try train(matrix, y, ForestParameters(treeCount: 2))
    let renamed = FeatureMatrix(rowCount: 300, schema: FeatureSchema(names: ["x0", "x1", "z"]), values: matrix.values)
    #expect {
        _ = try model.predict(renamed)
    } throws: { error in
        let text = "\(error)"
        return text.contains("missing x2") && text.contains("unexpected z")
    }
}

@Test func invalidInputsAreRefused() throws {
    let (matrix, y) = ToyData.step(rows: 50, features: 2, seed: 18)
    #expect(throws: ForestError.self) { try train(matrix, y, ForestParameters(treeCount: 0)) }
    #expect(throws: ForestError.self) { try train(matrix, y, ForestParameters(maxBins: 256)) }
    var unlabelled = y
    unlabelled[3] = .nan
    #expect(throws: ForestError.missingTarget(row: 3)) { try train(matrix, unlabelled, ForestParameters(treeCount: 1)) }
}

@Test func infiniteTargetsAreRefusedNotTrapped() throws {
    let (matrix, y) = ToyData.step(rows: 50, features: 2, seed: 18)
    for bad in [Float.infinity, -.infinity] {
        var target = y
        target[7] = bad
        #expect(throws: ForestError.infiniteTarget(row: 7, value: bad)) { try train(matrix, target, ForestParameters(treeCount: 2)) }
    }
    var huge = y
    huge[7] = .greatestFiniteMagnitude
    #expect(throws: Never.self) { try train(matrix, huge, ForestParameters(treeCount: 2)) }
}

@Test func histogramStrategiesGrowTheSameTrees() throws {
    // 0/1 targets and integer weights: every histogram sum is exact, so subtraction changes nothing
    let (matrix, raw) = ToyData.discrete(rows: 4000, features: 7, distinct: 60, missingRate: 0.05, seed: 19)
    let y = raw.map { Float(Int($0 * 100) % 2) }
    let mapper = BinMapper.fit(matrix, maxBins: 255, seed: 0)
    let binned = BinnedMatrix(matrix, mapper: mapper)
    var trees: [[DecisionTree]] = []
    for (strategy, sparseLimit) in [(HistogramStrategy.subtraction, 128), (.drawnFeatures, 128), (.subtraction, 40),
                                    (.drawnFeatures, 1)] {
        var settings = TreeGrower.Settings(maxFeatures: 3, minSamplesLeaf: 2, maxDepth: 0, minImpurityDecrease: 0, draws: 4000)
        settings.strategy = strategy
        settings.sparseNodeLimit = sparseLimit
        trees.append(binned.codes.withUnsafeBufferPointer { codes in
            y.withUnsafeBufferPointer { targets in
                let grower = TreeGrower(codes: codes.baseAddress!, rowStride: binned.rowStride, targets: targets.baseAddress!, rowCount: 4000, mapper: mapper,
                                        settings: settings, oobScale: 1)
                return (UInt64(0)..<3).map { grower.grow(seed: $0).tree }
            }
        })
    }
    #expect(trees[0][0].nodeCount > 300)
    for other in trees.dropFirst() { #expect(other == trees[0]) }
}

@Test func outOfBagSumsMatchAWalkOfEachRow() throws {
    // the 8-lane out-of-bag walk against one row at a time on the codes
    let (matrix, y) = ToyData.discrete(rows: 3000, features: 5, distinct: 30, missingRate: 0.1, seed: 23)
    let mapper = BinMapper.fit(matrix, maxBins: 255, seed: 0)
    let binned = BinnedMatrix(matrix, mapper: mapper)
    let settings = TreeGrower.Settings(maxFeatures: 2, minSamplesLeaf: 3, maxDepth: 0, minImpurityDecrease: 0, draws: 3000)
    let scale = 1048576.0
    binned.codes.withUnsafeBufferPointer { codes in
        y.withUnsafeBufferPointer { targets in
            let grower = TreeGrower(codes: codes.baseAddress!, rowStride: binned.rowStride, targets: targets.baseAddress!, rowCount: 3000,
                                    mapper: mapper, settings: settings, oobScale: scale)
            let (tree, _) = grower.grow(seed: 5)
            var outOfBag = 0
            for r in 0..<3000 {
                if grower.counts[r] != 0 {
                    #expect(grower.oobSum[r] == 0 && grower.oobCount[r] == 0, "in-bag row \(r)")
                    continue
                }
                outOfBag += 1
                var i = 0
                while tree.feature[i] >= 0 {
                    let f = Int(tree.feature[i]), code = Int(binned.codes[r * binned.rowStride + f])
                    let goLeft = code == binned.valueBinCounts[f] ? tree.missingGoesLeft[i] != 0 : code <= Int(tree.thresholdBin[i])
                    i = Int(goLeft ? tree.left[i] : tree.right[i])
                }
                #expect(grower.oobCount[r] == 1, "row \(r)")
                #expect(grower.oobSum[r] == Int64((Double(tree.value[i]) * scale).rounded()), "row \(r)")
            }
            #expect(outOfBag > 900 && tree.nodeCount > 100)
        }
    }
}

@Test func skippingOutOfBagPredictionsKeepsTheTreesAndDropsOnlyTheOutOfBagScore() throws {
    let (matrix, y) = ToyData.discrete(rows: 1200, features: 5, distinct: 40, missingRate: 0.05, seed: 8)
    let parameters = ForestParameters(treeCount: 6, minSamplesLeaf: 3, seed: 11)
    func trained(outOfBag: Bool) throws -> ForestModel {
        try RandomForest.train(features: matrix, target: y, parameters: parameters,
                               options: TrainingOptions(threads: 2, trainedAt: "2024-06-01T00:00:00Z", permutationRows: 100,
                                                        outOfBag: outOfBag)).model
    }
    let with = try trained(outOfBag: true), without = try trained(outOfBag: false)
    #expect(with.trees == without.trees)
    #expect(with.importances == without.importances, "permutation importances use the bootstrap counts, not the walk")
    #expect(with.metadata.outOfBagRSquared != nil && with.metadata.outOfBagRowCount > 0)
    #expect(without.metadata.outOfBagRSquared == nil && without.metadata.outOfBagRowCount == 0)
}

@Test func leafSmoothingKeepsTheSplitsAndShrinksEachLeafTowardItsParentMean() throws {
    let (matrix, y) = ToyData.discrete(rows: 900, features: 4, distinct: 30, missingRate: 0.05, seed: 13)
    func stump(_ m: Double) throws -> DecisionTree {
        try train(matrix, y, ForestParameters(treeCount: 1, minSamplesLeaf: 3, maxDepth: 1, seed: 5, leafSmoothing: m)).trees[0]
    }
    let plain = try stump(0), two = try stump(2), five = try stump(5)
    #expect(plain.feature == five.feature && plain.thresholdBin == five.thresholdBin && plain.left == five.left)
    #expect(plain.nodeCount == 3)
    let mu = Double(plain.value[0])
    for child in [Int(plain.left[0]), Int(plain.right[0])] {
        // v_m = (S + m·μ) / (W + m) with S = v_0·W: both m give the child's bootstrap weight W back
        let v0 = Double(plain.value[child])
        func weight(_ m: Double, _ vm: Float) -> Double { m * (mu - Double(vm)) / (Double(vm) - v0) }
        let w2 = weight(2, two.value[child]), w5 = weight(5, five.value[child])
        #expect(w2 > 3 && isClose(w2, w5, tolerance: 1e-3 * w2), "child \(child): W \(w2) vs \(w5)")
        #expect(abs(Double(five.value[child]) - mu) < abs(v0 - mu), "smoothing moves the leaf toward the parent mean")
    }
    #expect(ForestParameters(leafSmoothing: -1).problem() != nil)
}

@Test func leafSmoothingIsSavedOnlyWhenSet() throws {
    let (matrix, y) = ToyData.discrete(rows: 300, features: 3, distinct: 20, missingRate: 0, seed: 2)
    let plain = try train(matrix, y, ForestParameters(treeCount: 2, leafSmoothing: 0))
    let smoothed = try train(matrix, y, ForestParameters(treeCount: 2, leafSmoothing: 7.5))
    #expect(!String(decoding: plain.serialized(), as: UTF8.self).contains("leafSmoothing"), "plain models keep their bytes")
    let loaded = try ForestModel(serialized: smoothed.serialized(), expectedSchema: nil)
    #expect(loaded.parameters.leafSmoothing == 7.5)
    #expect(try ForestModel(serialized: plain.serialized(), expectedSchema: nil).parameters.leafSmoothing == 0)
}
