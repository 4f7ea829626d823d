import Testing
import Tabular
import TestSupport
@testable import Forest

/// Subsampling without replacement (`bootstrap: false`) and hierarchical shrinkage (`leafShrinkage`).
@Suite struct SamplingAndShrinkageTests {
    @Test func subsamplingDrawsExactlyTheFractionOfDistinctRowsAndRepeatsForASeed() throws {
        let (matrix, y) = ToyData.discrete(rows: 1000, features: 4, distinct: 30, missingRate: 0.05, seed: 3)
        let mapper = BinMapper.fit(matrix, maxBins: 255, seed: 0)
        let binned = BinnedMatrix(matrix, mapper: mapper)
        var settings = TreeGrower.Settings(maxFeatures: 2, minSamplesLeaf: 3, maxDepth: 0, minImpurityDecrease: 0, draws: 632)
        settings.bootstrap = false
        binned.codes.withUnsafeBufferPointer { codes in
            y.withUnsafeBufferPointer { targets in
                let grower = TreeGrower(codes: codes.baseAddress!, rowStride: binned.rowStride, targets: targets.baseAddress!, rowCount: 1000,
                                        mapper: mapper, settings: settings, oobScale: 1)
                let first = grower.grow(seed: 9).tree
                let counts = (0..<1000).map { grower.counts[$0] }
                #expect(counts.allSatisfy { $0 <= 1 }, "without replacement a row is drawn at most once")
                #expect(counts.reduce(0, +) == 632)
                #expect(grower.grow(seed: 9).tree == first && (0..<1000).map { grower.counts[$0] } == counts)
                _ = grower.grow(seed: 10)
                #expect((0..<1000).map { grower.counts[$0] } != counts, "another seed, another sample")
            }
        }
    }

    @Test func subsamplingIsSavedOnlyWhenOnAndRefusesAFractionAboveOne() throws {
        let (matrix, y) = ToyData.discrete(rows: 400, features: 3, distinct: 20, missingRate: 0, seed: 2)
        let options = TrainingOptions(trainedAt: "2024-06-01T00:00:00Z")
        let sampled = try RandomForest.train(features: matrix, target: y, parameters: ForestParameters(treeCount: 3, sampleFraction: 0.5, bootstrap: false),
                                             options: options).model
        let bootstrapped = try RandomForest.train(features: matrix, target: y, parameters: ForestParameters(treeCount: 3, sampleFraction: 0.5),
                                                  options: options).model
        #expect(sampled.trees != bootstrapped.trees && sampled.version != bootstrapped.version)
        #expect(try ForestModel(serialized: sampled.serialized(), expectedSchema: nil).parameters.bootstrap == false)
        #expect(!String(decoding: bootstrapped.serialized(), as: UTF8.self).contains("bootstrap"), "bootstrap models keep their bytes")
        #expect(ForestParameters(sampleFraction: 1.5, bootstrap: false).problem() != nil)
        #expect(ForestParameters(sampleFraction: 1.5).problem() == nil)
    }

    @Test func shrinkageAddsEachSplitsChangeOfMeanDividedByOnePlusLambdaOverTheParentWeight() throws {
        let (matrix, y) = ToyData.discrete(rows: 900, features: 4, distinct: 30, missingRate: 0.05, seed: 13)
        func tree(_ lambda: Double) throws -> DecisionTree {
            try RandomForest.train(features: matrix, target: y,
                                   parameters: ForestParameters(treeCount: 1, minSamplesLeaf: 3, maxDepth: 2, seed: 5, leafSmoothing: 0,
                                                                leafShrinkage: lambda),
                                   options: TrainingOptions(trainedAt: "2024-06-01T00:00:00Z")).model.trees[0]
        }
        let plain = try tree(0), lambda = 50.0, shrunk = try tree(lambda)
        #expect(plain.feature == shrunk.feature && plain.thresholdBin == shrunk.thresholdBin && plain.left == shrunk.left,
                "shrinkage changes values, not splits")
        #expect(plain.nodeCount == 7)
        // the root's weight is the bootstrap draws (900); a depth-1 child's weight is recovered from the
        // plain means: W_child = W_root · (μ_other − μ_root) / (μ_other − μ_child)
        let root = Double(plain.value[0]), left = Int(plain.left[0]), right = Int(plain.right[0])
        #expect(Double(shrunk.value[0]) == root)
        for (child, other) in [(left, right), (right, left)] {
            let expected = root + (Double(plain.value[child]) - root) / (1 + lambda / 900)
            #expect(isClose(Double(shrunk.value[child]), expected, tolerance: 1e-5), "child \(child)")
            let weight = 900 * (Double(plain.value[other]) - root) / (Double(plain.value[other]) - Double(plain.value[child]))
            for grandchild in [Int(plain.left[child]), Int(plain.right[child])] where plain.feature[child] >= 0 {
                let step = (Double(plain.value[grandchild]) - Double(plain.value[child])) / (1 + lambda / weight)
                #expect(isClose(Double(shrunk.value[grandchild]), Double(shrunk.value[child]) + step, tolerance: 1e-4),
                        "grandchild \(grandchild)")
            }
        }
        #expect(ForestParameters(leafShrinkage: -1).problem() != nil)
    }
}
