import ClickHouse
import Decisions
import Features
import Forest
import Foundation
import Serve
import Tabular
import TabularIO

/// `restock recommend --clickhouse`: stock recommendations from the Instacart tables in
/// ClickHouse, in bounded memory, into a table of the same server (published atomically per model
/// version) or into the same CSV as `RecommendationRun`.
///
/// The candidate rows are computed by the server and streamed out in chunks
/// (`ReorderMatrix.stream`), each chunk is scored by the forest, and only the horizon's rows are
/// added to per-product sums (`DemandAccumulator`: μ = Σ p, σ² = Σ p(1 − p), one entry per product).
/// The rows come in the order of the files' matrix, so the sums, and hence every output value, are
/// bit for bit those of `recommend --data` on the same data. Names, aisles and departments are read
/// from ClickHouse (`ProductCatalog.load(clickhouse:)`). To a table: `ModelVersionTable.
/// stockRecommendations` (product_id, product_name, aisle, department, expected_demand, stddev,
/// recommended_stock, service_level, model_version), loaded into the run's load table,
/// count-checked and swapped in with one RENAME, the other versions carried over
/// (`ModelVersionTable`); re-running a version replaces its rows (whatever the service level or
/// horizon), other versions stay, and no server restart undoes it.
///
/// With `basketsPath`, each user's expected-F1 basket is chosen as soon as the user's rows end (the
/// stream is ordered by user) and written out (`BasketStream`): the same file as `--data` gives.
/// The output files are renamed into place together at the end; a failure leaves neither.
///
/// With `cluster` (`recommend --cluster NAME`), the candidate rows come from every shard: the
/// cluster's feature steps run per shard, one stream per shard is read and scored by the forest in
/// parallel (each shard's chunks on its reader's thread, `threads / N` forest threads each), and the
/// scored rows are merged by (user_id, product_id) on the client (`ReorderMatrix.stream(shards:
/// perShard:)`): only the per-product sums are on the initiator. The rows, and hence
/// the per-product sums μ = Σp and σ² = Σp(1 − p) (added in the single-node order: a shard's sums
/// are never rounded separately), every recommendation and every basket are bit for bit those of
/// the single-node run. Baskets need each user's next order: read from every shard. A table output
/// is published on every node (the recommendations are per product, like the catalog, which every
/// shard holds whole): all load tables are filled before any is swapped in.
///
/// Memory: one chunk (as `ClickHouseScoringRun`), the sums (24 bytes per product id up to the
/// largest), the users seen (for the count), one user's rows, each user's next order id (with
/// baskets) and the catalog; never the candidate matrix.
public struct ClickHouseRecommendationRun: Sendable {
    public typealias Output = ClickHouseRunOutput

    public var modelPath: String
    public var client: ClickHouseClient
    public var database: String
    public var output: Output
    /// Also write each user's expected-F1 basket to this CSV (as `RecommendationRun`).
    public var basketsPath: String?
    public var serviceLevel: Double
    /// φ: the stock's variance is φ·Σ p(1 − p) (`StockPolicy`); 1 is the independent-orders rule.
    public var dispersion: Double = 1
    /// The model's relative error on μ, c: σ² = φ·Σ p(1 − p) + (c·μ)² (`StockPolicy`).
    public var meanError: Double = 0
    /// `discrete` (default) or `normal` (`StockPolicy.Rule`).
    public var stockRule = StockPolicy.Rule.standard
    public var horizon: RecommendationRun.Horizon
    public var threads: Int
    public var chunkRows: Int
    /// Called at each `PublishStep` of a table output (fault tests).
    public var fault: PublishFaultHook?
    /// Seconds to wait for another run publishing into the same table (`PublishLock`).
    public var lockWait = 120.0
    /// Who runs; nil: this process with a fresh run id.
    public var owner: RunOwner?
    /// Read the candidates from every shard of this cluster (and publish on every node) instead of `client` alone.
    public var cluster: ClickHouseCluster?

    public init(modelPath: String, client: ClickHouseClient, database: String, output: Output, serviceLevel: Double = 0.95,
                horizon: RecommendationRun.Horizon = .all, threads: Int = 1, chunkRows: Int = 65_536) {
        self.modelPath = modelPath
        self.client = client
        self.database = database
        self.output = output
        self.serviceLevel = serviceLevel
        self.horizon = horizon
        self.threads = threads
        self.chunkRows = chunkRows
    }

    /// The recommendations and counts; `seconds.read` is the catalog read, `features` the feature
    /// SQL and the stream without the scoring, `predict` the forest, `write` the file or the publish.
    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> RecommendationRun.Result {
        let clock = ContinuousClock()
        var start = clock.now
        func lap() -> Double {
            let d = Elapsed.seconds(clock.now - start)
            start = clock.now
            return d
        }
        let (model, scorer) = try StreamingScorer.forClickHouseFeatures(modelPath: modelPath, threads: threads, chunkRows: chunkRows,
                                                                        probabilities: true)
        let version = model.version.description
        let nodes = cluster?.shards ?? [client]
        var loadCheck: (ClusterLoadCheck, String)?
        if let cluster {
            let check = ClusterLoadCheck(cluster: cluster, database: database)
            loadCheck = (check, try check.verify())
        } else {
            try ReorderMatrix.checkTablesExist(client, database: database)
        }
        var publications: [ModelVersionPublication] = []
        func abandonAll() {
            for (k, publication) in publications.enumerated() { publication.abandon(nodes[k]) }
        }
        if case .table(let name) = output {
            do {
                for node in nodes {
                    publications.append(try ModelVersionTable.stockRecommendations(database: database, name: name)
                        .begin(node, version: version, owner: owner, lockWait: lockWait, fault: fault, progress: progress))
                }
            } catch {
                abandonAll()
                throw error
            }
        }
        var writers: [AtomicFileWriter] = []
        do {
            _ = lap()
            var baskets: BasketStream?
            if let basketsPath {
                var nextOrder: [Int32: Int32] = [:]
                for node in nodes { nextOrder.merge(try Self.nextOrders(node, database: database)) { _, shard in shard } }
                let writer = try AtomicFileWriter.opening(basketsPath)
                writers.append(writer)
                baskets = try BasketStream(writer: writer, nextOrder: nextOrder)
            }
            var demand = DemandAccumulator()
            var users = Set<Int32>()
            var predict = 0.0
            let onlyTest = horizon == .test
            progress?("scoring the candidate rows computed in ClickHouse with model \(version)")
            // On a cluster each shard's chunks are scored on its reader's thread (`ShardScores`):
            // the merged chunks carry one column, the probability.
            let shardScores = cluster.map { ShardScores(predictor: scorer.predictor, threads: max(1, threads / $0.shards.count)) }
            let handle: (LabelledMatrix) throws -> Void = { chunk in
                let predictStart = clock.now
                let probabilities = shardScores != nil ? chunk.features.values : try scorer.predictor.predict(chunk.features, threads: threads)
                predict += Elapsed.seconds(clock.now - predictStart)
                let target = chunk.target, rowUsers = chunk.keys.columns[0], rowProducts = chunk.keys.columns[1]
                for r in 0..<chunk.rowCount where !onlyTest || target[r].isNaN {
                    demand.add(product: rowProducts[r], probability: probabilities[r])
                    users.insert(rowUsers[r])
                    try baskets?.add(user: rowUsers[r], product: rowProducts[r], probability: probabilities[r])
                }
            }
            let streamed: Double
            if let cluster {
                let timings = try ReorderMatrix.stream(shards: cluster.shards, database: database, chunkRows: chunkRows,
                                                       progress: progress, perShard: shardScores?.score, chunk: handle)
                predict += shardScores?.seconds ?? 0
                if let (check, run) = loadCheck, try check.verify() != run {
                    throw ReorderMatrixSourceError.changedDuringRead(database: database)
                }
                streamed = timings.total - timings.handler
            } else {
                let timings = try ReorderMatrix.stream(clickhouse: client, database: database, chunkRows: chunkRows,
                                                       progress: progress, chunk: handle)
                streamed = timings.total - timings.handler
            }
            try baskets?.flush()
            _ = lap()
            let catalog = try ProductCatalog.load(clickhouse: client, database: database)
            let read = lap()
            let recommender = StockRecommender(policy: StockPolicy(serviceLevel: serviceLevel, dispersion: dispersion, meanError: meanError, rule: stockRule), modelVersion: version)
            let recommendations = recommender.recommend(demand, catalog: catalog)
            switch output {
            case .file(let path):
                let writer = try AtomicFileWriter.opening(path)
                writers.insert(writer, at: 0)
                try RecommendationWriter.write(recommendations, to: writer)
            case .table:
                for (k, publication) in publications.enumerated() { try load(recommendations, into: publication, on: nodes[k]) }
                for (k, publication) in publications.enumerated() { try publication.publish(nodes[k], rowsSent: recommendations.count) }
            }
            for writer in writers { try writer.finishWithoutRename() }
            try AtomicFileWriter.renameAll(writers)
            let write = lap()
            return RecommendationRun.Result(
                recommendations: recommendations, baskets: baskets?.count ?? 0, users: users.count, candidateRows: demand.rowCount,
                modelVersion: version, seconds: (read, streamed, predict, write))
        } catch {
            for writer in writers { writer.abandon() }
            abandonAll()
            throw error
        }
    }

    /// Each user's train or test order id (`SELECT user_id, order_id FROM orders WHERE eval_set !=
    /// 'prior'`; the last one read wins, as in `RecommendationRun`).
    static func nextOrders(_ client: ClickHouseClient, database: String) throws -> [Int32: Int32] {
        var next: [Int32: Int32] = [:]
        try client.select("SELECT user_id, order_id FROM \(SQLLiteral.qualifiedName(database, InstacartSchema.orders.name)) "
                          + "WHERE eval_set != 'prior' ORDER BY user_id, order_number", columns: [.uint32, .uint32]) { row in
            next[Int32(bitPattern: try row.readUInt32())] = Int32(bitPattern: try row.readUInt32())
        }
        return next
    }

    /// Loads the recommendations into the run's load table on `client` and checks the count (the
    /// caller publishes once every node is loaded).
    private func load(_ recommendations: [StockRecommendation], into publication: ModelVersionPublication,
                      on client: ClickHouseClient) throws {
        var next = 0
        let fault = self.fault
        var loadStarted = false
        let sent = try client.insert(into: publication.loadTable, database: database, columns: publication.table.insertColumns) { w in
            let end = min(next + 4096, recommendations.count)
            while next < end {
                let r = recommendations[next]
                w.writeUInt32(UInt32(bitPattern: r.productID))
                w.writeString(r.product.name)
                w.writeString(r.product.aisle)
                w.writeString(r.product.department)
                w.writeFloat64(r.expectedDemand)
                w.writeFloat64(r.standardDeviation)
                w.writeUInt32(UInt32(clamping: r.recommendedStock))
                w.writeFloat64(r.serviceLevel)
                w.writeString(r.modelVersion)
                next += 1
            }
            if !loadStarted {
                loadStarted = true
                fault?(.midLoad)
            }
            return next < recommendations.count
        }.rows
        guard sent == recommendations.count else {
            throw PublishError.countMismatch(table: "\(database).\(publication.loadTable)", sent: recommendations.count, counted: sent)
        }
    }
}

/// The per-shard scoring of `recommend --cluster`: each chunk's features replaced by one column,
/// the forest's probability, on the calling (shard reader's) thread; the forest's seconds summed
/// over the shards (CPU seconds of the scoring, not wall).
final class ShardScores: @unchecked Sendable {
    let predictor: ForestPredictor
    let threads: Int
    private let lock = NSLock()
    private var total = 0.0

    init(predictor: ForestPredictor, threads: Int) {
        self.predictor = predictor
        self.threads = threads
    }

    var seconds: Double {
        lock.lock()
        defer { lock.unlock() }
        return total
    }

    @Sendable func score(_ chunk: LabelledMatrix) throws -> LabelledMatrix {
        let start = ContinuousClock.now
        let probabilities = try predictor.predict(chunk.features, threads: threads)
        let elapsed = Elapsed.seconds(ContinuousClock.now - start)
        lock.lock()
        total += elapsed
        lock.unlock()
        return LabelledMatrix(features: FeatureMatrix(rowCount: chunk.rowCount, schema: FeatureSchema(names: ["probability"]), values: probabilities),
                              keys: chunk.keys, target: chunk.target, targetName: chunk.targetName)
    }
}
