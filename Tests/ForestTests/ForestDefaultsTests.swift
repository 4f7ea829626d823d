import Testing
import Tabular
import TestSupport
@testable import Forest

/// Restock's defaults (automatic min leaf) against the scikit-learn preset (TASK.md's parameters).
@Suite struct ForestDefaultsTests {
    @Test func theScikitLearnPresetIsTaskMdsParametersExactly() {
        let preset = ForestParameters.scikitLearn()
        #expect(preset.treeCount == 100 && preset.maxFeatures == 1.0 / 3.0 && preset.minSamplesLeaf == 5 && preset.maxDepth == 0)
        #expect(preset.maxBins == 255 && preset.sampleFraction == 1 && preset.bootstrap && preset.minImpurityDecrease == 0 && preset.seed == 0)
        #expect(preset.leafSmoothing == 0 && preset.leafShrinkage == 0 && !preset.minSamplesLeafIsAutomatic)
        #expect(preset.resolved(rowCount: 1_000_000) == preset, "an explicit min leaf is never replaced")
        #expect(ForestParameters.scikitLearn(treeCount: 7, seed: 3) == {
            var p = preset
            p.treeCount = 7
            p.seed = 3
            return p
        }())
    }

    @Test func theDefaultMinLeafIsOnePointFiveCubeRootsOfTheRowsAsDocumented() {
        #expect(ForestParameters().minSamplesLeaf == 0, "automatic by default")
        // the values docs/forest.md and the doc comment quote
        let documented = [(10, 5), (1_000, 15), (18_000, 39), (96_000, 69), (633_000, 129), (8_260_000, 303)]
        for (rows, leaf) in documented {
            #expect(ForestParameters.automaticMinSamplesLeaf(rowCount: rows) == leaf, "\(rows) rows")
            let resolved = ForestParameters().resolved(rowCount: rows)
            #expect(resolved.minSamplesLeaf == leaf && resolved.minSamplesLeafIsAutomatic)
        }
        #expect(ForestParameters(minSamplesLeaf: -1).problem() != nil)
    }

    @Test func aTrainedModelSavesTheResolvedMinLeafAndRespectsIt() throws {
        let (matrix, y) = ToyData.discrete(rows: 3000, features: 4, distinct: 40, missingRate: 0.05, seed: 6)
        let options = TrainingOptions(trainedAt: "2024-06-01T00:00:00Z")
        let model = try RandomForest.train(features: matrix, target: y, parameters: ForestParameters(treeCount: 2, seed: 1), options: options).model
        #expect(model.parameters.minSamplesLeaf == 22 && model.parameters.minSamplesLeafIsAutomatic)
        let loaded = try ForestModel(serialized: model.serialized(), expectedSchema: nil)
        #expect(loaded.parameters == model.parameters && loaded.version == model.version)
        let explicit = try RandomForest.train(features: matrix, target: y, parameters: ForestParameters(treeCount: 2, minSamplesLeaf: 22, seed: 1),
                                              options: options).model
        #expect(explicit.trees == model.trees, "automatic = the same number given explicitly")
        #expect(explicit.version != model.version, "the version records that the number was automatic")
        #expect(!String(decoding: explicit.serialized(), as: UTF8.self).contains("minSamplesLeafIsAutomatic"), "explicit models keep their bytes")
    }

    @Test func partsWithAnAutomaticMinLeafMergeWhateverTheirRows() throws {
        var a = ForestParameters().resolved(rowCount: 18_000), b = ForestParameters().resolved(rowCount: 96_000)
        #expect(a.minSamplesLeaf != b.minSamplesLeaf)
        #expect(ForestMerge.parameterDifference(a, b) == nil)
        a.minSamplesLeafIsAutomatic = false
        #expect(ForestMerge.parameterDifference(a, b) == "minSamplesLeaf 39 vs 69")
        b = ForestParameters(minSamplesLeaf: 39)
        #expect(ForestMerge.parameterDifference(a, b) == nil)
    }
}
