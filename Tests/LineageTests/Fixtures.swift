import Foundation
import Lineage

/// A run with a fixed id, producer and times, and its three kinds of events.
enum Fixtures {
    static let producer = "https://github.com/restock/restock/tree/0.9.0"
    static let runId = UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301")!
    static let run = LineageRun(job: LineageJob(namespace: "restock", name: "restock.train"), producer: producer, runId: runId)
    static let startTime = Date(timeIntervalSince1970: 1_714_564_800.25)       // 2024-05-01T12:00:00.250Z
    static let endTime = Date(timeIntervalSince1970: 1_714_564_861)            // 2024-05-01T12:01:01.000Z

    static let input = LineageDataset.file(path: "/data/instacart/orders.csv")
        .with(schema: [.init(name: "order_id", type: "UInt32"), .init(name: "user_id", type: "UInt32")])
    static let output = LineageDataset.file(path: "/models/forest.model")
        .with(statistics: .init(rowCount: 1200, size: 48_213))
    static let model = LineageRunFacets.Model(version: "forest-2024-05-01", parameters: ["treeCount": "100", "seed": "7"])

    static var start: LineageEvent { run.start(inputs: [input], facets: .init(model: model), at: startTime) }
    static var complete: LineageEvent { run.complete(inputs: [input], outputs: [output], facets: .init(model: model), at: endTime) }
    static var fail: LineageEvent { run.fail(message: "orders.csv:12: bad user_id 'x'", inputs: [input], at: endTime) }

    /// The event as `JSONSerialization` decodes it.
    static func decoded(_ event: LineageEvent) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: event.jsonData()) as! [String: Any]
    }

    static func text(_ event: LineageEvent) throws -> String {
        String(decoding: try event.jsonData(), as: UTF8.self)
    }
}
