import Features
import Forest
import Foundation
import Generator
import Serve
@testable import Stream
import TestSupport

/// A generated folder D, a small forest trained on it with `TrainingRun`, the batch recommendation
/// of D, and the split H = D minus each user's last `k` prior orders (`HistorySplit`), with the
/// removed orders as events: the "live equals batch" setting of issue 13.
final class LiveFixture: @unchecked Sendable {
    let dir: TemporaryDirectory
    let dataPath: String
    let modelPath: String
    let data: InstacartData
    let model: ForestModel
    let split: HistorySplit
    let batch: RecommendationRun.Result

    init(users: Int = 400, seed: UInt64 = 31, lastPriorOrders k: Int = 2, trees: Int = 8) throws {
        dir = try TemporaryDirectory(prefix: "restock-live")
        dataPath = dir.file("data")
        _ = try InstacartGenerator.generate(GeneratorConfiguration(users: users, seed: seed, threads: 2), to: dataPath)
        data = try InstacartReader.read(directory: dataPath)
        let (matrix, _) = ReorderMatrix.build(data)
        modelPath = dir.file("model.rf")
        var parameters = ForestParameters(treeCount: trees, seed: 5)
        parameters.maxDepth = 10
        _ = try TrainingRun(modelPath: modelPath, parameters: parameters, threads: 2, permutationRows: 0,
                            trainedAt: "2026-12-05T00:00:00Z").run(matrix)
        model = try ForestModel.load(from: modelPath)
        split = HistorySplit(data, lastPriorOrders: k)
        batch = try RecommendationRun(.init(modelPath: modelPath, dataDirectory: dataPath, outPath: dir.file("batch.csv"),
                                            threads: 2)).run()
    }

    deinit { dir.remove() }

    /// The removed orders as events, in feed order.
    var events: [OrderEvent] {
        let o = data.orders, p = data.priorProducts
        return split.removed.map { r in
            OrderEvent(orderID: o.orderID[r], userID: o.userID[r], evalSet: o.evalSet(atRow: r), orderNumber: o.orderNumber[r],
                       dow: o.dow[r], hour: o.hour[r], daysSincePrior: o.daysSincePrior[r].isNaN ? nil : o.daysSincePrior[r],
                       lines: (split.removedLines[r] ?? []).map {
                           OrderLine(productID: p.productID[$0], addToCartOrder: p.addToCartOrder[$0], reordered: p.reordered[$0] == 1)
                       })
        }
    }

    /// Differences between a live forecast and the batch recommendation of D: μ beyond 1e-6
    /// relative, σ beyond 1e-6 relative, a different stock or candidate count, a product on one side only.
    func differences(_ live: [LiveForecast.Row]) -> [String] {
        var problems: [String] = []
        let expected = Dictionary(uniqueKeysWithValues: batch.recommendations.map { ($0.productID, $0) })
        if live.count != expected.count { problems.append("\(live.count) live products, \(expected.count) batch") }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(abs(a), abs(b)) || abs(a - b) < 1e-12 }
        for row in live {
            guard let b = expected[row.productID] else {
                problems.append("product \(row.productID) only live")
                continue
            }
            if !close(row.expectedDemand, b.expectedDemand) || !close(row.standardDeviation, b.standardDeviation)
                || row.recommendedStock != b.recommendedStock || row.candidates != b.candidates {
                problems.append("product \(row.productID): live μ \(row.expectedDemand) σ \(row.standardDeviation) stock "
                    + "\(row.recommendedStock) n \(row.candidates), batch μ \(b.expectedDemand) σ \(b.standardDeviation) "
                    + "stock \(b.recommendedStock) n \(b.candidates)")
            }
        }
        return problems
    }
}
