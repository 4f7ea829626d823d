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

/// The codes of `samples` in sample order (sample i's row at i · rowStride), as the grower keeps them.
private func alignedCodes(_ samples: [Sample], _ binned: BinnedMatrix) -> [UInt8] {
    samples.flatMap { binned.codes[Int($0.row) * binned.rowStride..<(Int($0.row) + 1) * binned.rowStride] }
}

private func offsets(_ binned: BinnedMatrix) -> [Int32] {
    var out: [Int32] = [], offset = 0
    for nb in binned.valueBinCounts {
        out.append(Int32(offset))
        offset += nb + 1
    }
    return out
}

private enum Builder: CaseIterable {
    case all, drawn, sparse
}

/// Best split over `features` with one of the fast histogram builders and the matching scan.
private func histogramBest(_ samples: [Sample], binned: BinnedMatrix, features: [Int], minLeaf: Int,
                           builder: Builder) -> SplitCandidate? {
    let p = binned.featureCount
    var best: SplitCandidate?
    let total = totals(samples)
    let starts = offsets(binned)
    var cells = [HistogramCell](repeating: .zero, count: Int(starts.last!) + binned.valueBinCounts.last! + 1)
    var sparse = [HistogramCell](repeating: .zero, count: 256 * features.count)
    var seen = [UInt64](repeating: 0, count: 4 * features.count)
    let featureIndices = features.map { Int32($0) }
    samples.withUnsafeBufferPointer { s in
        alignedCodes(samples, binned).withUnsafeBufferPointer { codes in
            cells.withUnsafeMutableBufferPointer { c in
                featureIndices.withUnsafeBufferPointer { f in
                    starts.withUnsafeBufferPointer { o in
                        seen.withUnsafeMutableBufferPointer { t in
                            sparse.withUnsafeMutableBufferPointer { sc in
                                switch builder {
                                case .sparse:
                                    HistogramBuilder.buildSparse(samples: s.baseAddress!, count: s.count,
                                                                 codes: codes.baseAddress!, rowStride: binned.rowStride,
                                                                 features: f.baseAddress!, batch: features.count,
                                                                 into: sc.baseAddress!, seen: t.baseAddress!)
                                    for (k, feature) in features.enumerated() {
                                        _ = SplitFinder.scanSparse(sc.baseAddress! + 256 * k, seen: t.baseAddress! + 4 * k,
                                                                   valueBins: binned.valueBinCounts[feature], feature: feature,
                                                                   total: total, minLeaf: minLeaf, best: &best)
                                    }
                                    return
                                case .all:
                                    HistogramBuilder.buildAll(samples: s.baseAddress!, count: s.count, codes: codes.baseAddress!,
                                                              rowStride: binned.rowStride, featureCount: p, offsets: o.baseAddress!, into: c.baseAddress!)
                                case .drawn:
                                    HistogramBuilder.buildDrawn(samples: s.baseAddress!, count: s.count, codes: codes.baseAddress!,
                                                                rowStride: binned.rowStride, features: f.baseAddress!, batch: features.count,
                                                                offsets: o.baseAddress!, into: c.baseAddress!)
                                }
                                for feature in features {
                                    _ = SplitFinder.scanDense(c.baseAddress! + Int(o[feature]), valueBins: binned.valueBinCounts[feature],
                                                              feature: feature, total: total, minLeaf: minLeaf, best: &best)
                                }
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
    let starts = offsets(binned)
    let cellCount = Int(starts.last!) + binned.valueBinCounts.last! + 1
    let naive = HistogramBuilder.naive(samples: samples, codes: binned.codes, rowStride: binned.rowStride, valueBins: binned.valueBinCounts,
                                       features: Array(0..<6))
    for drawnOnly in [false, true] {
        let features: [Int32] = drawnOnly ? [4, 0, 2] : Array(0..<6)
        var cells = [HistogramCell](repeating: .zero, count: cellCount)
        samples.withUnsafeBufferPointer { s in
            alignedCodes(samples, binned).withUnsafeBufferPointer { codes in
                cells.withUnsafeMutableBufferPointer { c in
                    features.withUnsafeBufferPointer { f in
                        starts.withUnsafeBufferPointer { o in
                            if drawnOnly {
                                HistogramBuilder.buildDrawn(samples: s.baseAddress!, count: s.count, codes: codes.baseAddress!,
                                                            rowStride: binned.rowStride, features: f.baseAddress!, batch: f.count,
                                                            offsets: o.baseAddress!, into: c.baseAddress!)
                            } else {
                                HistogramBuilder.buildAll(samples: s.baseAddress!, count: s.count, codes: codes.baseAddress!,
                                                          rowStride: binned.rowStride, featureCount: 6, offsets: o.baseAddress!, into: c.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        for j in 0..<6 {
            let slice = Array(cells[Int(starts[j])..<(Int(starts[j]) + binned.valueBinCounts[j] + 1)])
            if features.contains(Int32(j)) {
                #expect(slice == naive[j], "feature \(j)")
            } else {
                #expect(slice.allSatisfy { $0 == .zero }, "feature \(j) was not drawn")
            }
        }
    }
    #expect(naive[0].last!.count > 0, "the test data has missing values")
    // subtraction: parent − left child = right child
    let half = samples.count / 2
    let left = HistogramBuilder.naive(samples: Array(samples[..<half]), codes: binned.codes, rowStride: binned.rowStride,
                                      valueBins: binned.valueBinCounts, features: [1])[0]
    let right = HistogramBuilder.naive(samples: Array(samples[half...]), codes: binned.codes, rowStride: binned.rowStride,
                                       valueBins: binned.valueBinCounts, features: [1])[0]
    var parent = naive[1]
    left.withUnsafeBufferPointer { l in
        parent.withUnsafeMutableBufferPointer { HistogramBuilder.subtract(l.baseAddress!, from: $0.baseAddress!, cells: l.count) }
    }
    for b in parent.indices {
        #expect(parent[b].weightAndCount == right[b].weightAndCount)
        #expect(isClose(parent[b].sum, right[b].sum, tolerance: 1e-9))
    }
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
            for builder in Builder.allCases {
                let histogram = try #require(histogramBest(samples, binned: binned, features: features,
                                                           minLeaf: minLeaf, builder: builder))
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
                // the gap after the chosen bin: bins bin+1...gapEnd are empty in the node, gapEnd+1 is not
                let codes = Set(samples.map { Int(binned.codes[Int($0.row) * binned.rowStride + histogram.feature]) })
                let valueBins = binned.valueBinCounts[histogram.feature]
                #expect(histogram.gapEnd >= histogram.bin && histogram.gapEnd < valueBins)
                #expect(codes.allSatisfy { !($0 > histogram.bin && $0 <= histogram.gapEnd) }, "seed \(seed)")
                #expect(histogram.gapEnd == valueBins - 1 || codes.contains(histogram.gapEnd + 1), "seed \(seed)")
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
            let x = matrix[r, j], code = binned.codes[r * binned.rowStride + j]
            #expect(code == mapper.code(x, feature: j))
            for t in 0..<mapper.valueBinCount(j) {
                #expect((Int(code) <= t) == (x <= mapper.threshold(feature: j, bin: t)))
            }
        }
    }
    #expect(BinnedMatrix.code(.nan, paddedEdges: [Float](repeating: .infinity, count: 256), missingCode: 9) == 9)
}

@Test func centredBinIsTheMiddleOfTheEmptyBins() {
    // left side ends at bin 3, next non-empty bin is 7: bins 3...6 give the same partition
    #expect(SplitFinder.centredBin(bin: 3, gapEnd: 6, valueBins: 20) == 5)
    #expect(SplitFinder.centredBin(bin: 3, gapEnd: 5, valueBins: 20) == 4)
    // adjacent non-empty bins: no choice
    #expect(SplitFinder.centredBin(bin: 3, gapEnd: 3, valueBins: 20) == 3)
    // no value bin follows (missing rows alone on the right): every non-missing value goes left
    #expect(SplitFinder.centredBin(bin: 3, gapEnd: 19, valueBins: 20) == 19)
    #expect(SplitFinder.centredBin(bin: 0, gapEnd: 1, valueBins: 2) == 1)
}
