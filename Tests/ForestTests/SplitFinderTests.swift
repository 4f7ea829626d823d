import Testing
import Tabular
import TestSupport
@testable import Forest

/// A random node: a subset of rows with bootstrap-like weights.
private func randomNode(rows: Int, seed: UInt64, target: [Float]) -> [Sample] {
    var rng = TestRandom(seed: seed)
    var samples: [Sample] = []
    for r in 0..<rows where rng.next() % 3 != 0 {
        samples.append(Sample(row: UInt32(r), weight: UInt32(1 + rng.next() % 3), target: target[r]))
    }
    return samples
}

private func totals(_ samples: [Sample]) -> NodeTotals {
    NodeTotals(sum: samples.reduce(0) { $0 + Double($1.target) * Double($1.weight) },
               weight: samples.reduce(0) { $0 + UInt64($1.weight) }, count: samples.count)
}

/// Best split per feature with the fast histogram builder and the dense scan.
private func histogramBest(_ samples: [Sample], binned: BinnedMatrix, mapper: BinMapper, features: [Int], minLeaf: Int,
                           sparse: Bool = false) -> SplitCandidate? {
    let p = binned.featureCount
    var best: SplitCandidate?
    let total = totals(samples)
    var cells = [HistogramCell](repeating: .zero, count: 256 * features.count)
    var touched = [UInt8](repeating: 0, count: 256)
    let featureIndices = features.map { Int32($0) }
    samples.withUnsafeBufferPointer { s in
        binned.codes.withUnsafeBufferPointer { codes in
            cells.withUnsafeMutableBufferPointer { c in
                featureIndices.withUnsafeBufferPointer { f in
                    touched.withUnsafeMutableBufferPointer { t in
                        if sparse {
                            for feature in features {
                                let distinct = HistogramBuilder.buildSparse(samples: s.baseAddress!, count: s.count, codes: codes.baseAddress!,
                                                                            featureCount: p, feature: feature, into: c.baseAddress!,
                                                                            touched: t.baseAddress!)
                                _ = SplitFinder.scanSparse(c.baseAddress!, touched: t.baseAddress!, distinct: distinct, feature: feature,
                                                           total: total, minLeaf: minLeaf, best: &best)
                            }
                        } else {
                            HistogramBuilder.build(samples: s.baseAddress!, count: s.count, codes: codes.baseAddress!, featureCount: p,
                                                   features: f.baseAddress!, batch: features.count, into: c.baseAddress!)
                            for (k, feature) in features.enumerated() {
                                _ = SplitFinder.scanDense(c.baseAddress! + k * 256, valueBins: mapper.valueBinCount(feature),
                                                          feature: feature, total: total, minLeaf: minLeaf, best: &best)
                            }
                        }
                    }
                }
            }
        }
    }
    return best
}

@Test func fastAndNaiveHistogramBuildersAgree() {
    let (matrix, y) = ToyData.discrete(rows: 700, features: 6, distinct: 40, missingRate: 0.1, seed: 3)
    let mapper = BinMapper.fit(matrix, maxBins: 255, seed: 0)
    let binned = BinnedMatrix(matrix, mapper: mapper, threads: 2)
    let samples = randomNode(rows: 700, seed: 9, target: y)
    let features = [4, 0, 2, 5]
    let naive = HistogramBuilder.naive(samples: samples, codes: binned.codes, featureCount: 6, features: features)
    var cells = [HistogramCell](repeating: .zero, count: 256 * features.count)
    let indices = features.map { Int32($0) }
    samples.withUnsafeBufferPointer { s in
        binned.codes.withUnsafeBufferPointer { codes in
            cells.withUnsafeMutableBufferPointer { c in
                indices.withUnsafeBufferPointer { f in
                    HistogramBuilder.build(samples: s.baseAddress!, count: s.count, codes: codes.baseAddress!, featureCount: 6,
                                           features: f.baseAddress!, batch: features.count, into: c.baseAddress!)
                }
            }
        }
    }
    for k in features.indices {
        #expect(Array(cells[(k * 256)..<(k * 256 + 256)]) == naive[k], "feature \(features[k])")
    }
    #expect(naive[0][255].count > 0, "the test data has missing values")
}

@Test func exactAndHistogramSplitFindersAgreeBelow255DistinctValues() throws {
    for seed in UInt64(1)...12 {
        let (matrix, y) = ToyData.discrete(rows: 400, features: 5, distinct: Int(20 + seed * 15), missingRate: seed % 3 == 0 ? 0 : 0.08,
                                           seed: seed)
        let mapper = BinMapper.fit(matrix, maxBins: 255, seed: 0)
        let binned = BinnedMatrix(matrix, mapper: mapper)
        let samples = randomNode(rows: 400, seed: seed * 31, target: y)
        for features in [[0], [1], [3, 1, 4], [0, 1, 2, 3, 4]] {
            let minLeaf = Int(1 + seed % 6)
            let exact = try #require(ExactSplitFinder.best(samples: samples, features: features, minLeaf: minLeaf) { j in
                Array(matrix.column(j))
            })
            for sparse in [false, true] {
                let histogram = try #require(histogramBest(samples, binned: binned, mapper: mapper, features: features,
                                                           minLeaf: minLeaf, sparse: sparse))
                #expect(histogram.feature == exact.feature, "seed \(seed) features \(features)")
                #expect(histogram.missingLeft == exact.missingLeft, "seed \(seed) features \(features)")
                #expect(isClose(histogram.score, exact.score, tolerance: 1e-9 * abs(exact.score)))
                // the same partition of the node's rows
                let threshold = mapper.threshold(feature: histogram.feature, bin: histogram.bin)
                for s in samples {
                    let x = matrix[Int(s.row), exact.feature]
                    if x.isNaN { continue }
                    #expect((x <= exact.lastLeftValue) == (x <= threshold))
                }
            }
        }
    }
}

@Test func binCodesAgreeWithFloatThresholds() {
    let (matrix, _) = ToyData.step(rows: 3000, features: 3, distinct: 0, seed: 5)
    let mapper = BinMapper.fit(matrix, maxBins: 32, seed: 0)
    let binned = BinnedMatrix(matrix, mapper: mapper, threads: 2)
    for j in 0..<3 {
        #expect(mapper.valueBinCount(j) <= 32)
        #expect(mapper.valueBinCount(j) >= 16, "quantile bins should use most of the budget")
        for r in stride(from: 0, to: 3000, by: 7) {
            let x = matrix[r, j], code = binned.codes[r * 3 + j]
            #expect(code == mapper.code(x, feature: j))
            for t in 0..<mapper.valueBinCount(j) {
                #expect((Int(code) <= t) == (x <= mapper.threshold(feature: j, bin: t)))
            }
        }
    }
    #expect(BinnedMatrix.code(.nan, paddedEdges: [Float](repeating: .infinity, count: 256)) == BinMapper.missingBin)
}
