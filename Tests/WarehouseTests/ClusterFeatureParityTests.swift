import ClickHouse
@testable import Features
import Foundation
import Tabular
import TestSupport
import Testing
@testable import Warehouse

/// The reorder matrix of a 2-shard cluster (users routed by user_id % 2, the catalog on both) equals
/// the single-node one and the one built from the files, bit for bit and in the same row order.
@Suite(.enabled(if: ThrowawayClickHouseServer.isAvailable, Comment(rawValue: ThrowawayClickHouseServer.skipReason)),
       .serialized)
struct ClusterFeatureParityTests {
    /// A 2-shard cluster of the test's own (`ThrowawayClickHouseCluster`), its shards discovered as
    /// the CLI does (`ClickHouseCluster.discover` through the first node).
    final class Shards {
        let servers: ThrowawayClickHouseCluster
        let cluster: ClickHouseCluster
        var clients: [ClickHouseClient] { cluster.shards }
        let database = "restock_cluster_\(UInt32.random(in: 0...UInt32.max))"

        init(count: Int = 2) throws {
            servers = try ThrowawayClickHouseCluster(shards: count)
            do {
                cluster = try ClickHouseCluster.discover(ClickHouseTestDatabase.client(servers.url), name: servers.name)
            } catch {
                servers.stop()
                throw error
            }
        }

        /// Ingests shard k of `data` (`ShardRouting.split`) into shard k with single-node ingests, all
        /// with one run owner (one load id on every shard, no cluster commit marker).
        func ingest(_ data: InstacartData, owner: RunOwner = .current()) throws {
            for (k, part) in ShardRouting.split(data, shardCount: clients.count).enumerated() {
                var ingest = InstacartIngest(client: clients[k], database: database)
                ingest.owner = owner
                _ = try ingest.run(part)
            }
        }

        func tableNames(_ k: Int) throws -> [String] {
            var names: [String] = []
            try clients[k].selectTabSeparated("SELECT name FROM system.tables WHERE database = \(SQLLiteral.string(database)) ORDER BY name") {
                if let name = $0.first ?? nil { names.append(name) }
            }
            return names
        }

        deinit { servers.stop() }
    }

    /// Generated users plus corner cases: users without a target order on either shard, a user whose
    /// only order is a test order, a product bought only by one user (so on one shard only), and a
    /// product nobody bought.
    static func dataWithCorners(users: Int, seed: UInt64) throws -> InstacartData {
        let (dir, _) = try GeneratedData.make(users: users, seed: seed)
        defer { dir.remove() }
        var data = try InstacartReader.read(directory: dir.path)
        let firstUser = (data.orders.userID.max() ?? 0) + 1
        var nextOrder = (data.orders.orderID.max() ?? 0) + 1
        let onlyOnOneShard = (data.products.productID.max() ?? 0) + 1
        let neverBought = onlyOnOneShard + 1
        data.products.append(productID: onlyOnOneShard, name: "bought by one user, \"quoted\"", aisleID: data.products.aisleID[0],
                             departmentID: data.products.departmentID[0])
        data.products.append(productID: neverBought, name: "never bought", aisleID: data.products.aisleID[0],
                             departmentID: data.products.departmentID[0])
        let common = data.priorProducts.productID[0]
        // Two users without a target order (one per shard): they count for p_users and p_repeat_users_ratio only.
        for user in [firstUser, firstUser + 1] {
            for k in 1...3 {
                data.orders.append(orderID: nextOrder, userID: user, evalSet: .prior, orderNumber: Int16(k), dow: 1, hour: 9,
                                   daysSincePrior: k == 1 ? .nan : 7)
                data.priorProducts.append(orderID: nextOrder, productID: common, addToCartOrder: 1, reordered: k > 1 ? 1 : 0)
                nextOrder += 1
            }
        }
        // A user with two prior orders holding the one-shard product, then a train order holding it.
        let buyer = firstUser + 2
        for k in 1...3 {
            data.orders.append(orderID: nextOrder, userID: buyer, evalSet: k == 3 ? .train : .prior, orderNumber: Int16(k), dow: 2,
                               hour: 10, daysSincePrior: k == 1 ? .nan : 3.5)
            if k < 3 {
                data.priorProducts.append(orderID: nextOrder, productID: onlyOnOneShard, addToCartOrder: 1, reordered: k > 1 ? 1 : 0)
                data.priorProducts.append(orderID: nextOrder, productID: common, addToCartOrder: 2, reordered: 0)
            } else {
                data.trainProducts.append(orderID: nextOrder, productID: onlyOnOneShard, addToCartOrder: 1, reordered: 1)
            }
            nextOrder += 1
        }
        // A user whose only order is a test order.
        data.orders.append(orderID: nextOrder, userID: firstUser + 3, evalSet: .test, orderNumber: 1, dow: 3, hour: 11, daysSincePrior: .nan)
        return data
    }

    @Test func twoShardsGiveTheSingleNodeAndFileMatrixBitForBit() throws {
        let data = try Self.dataWithCorners(users: 300, seed: 51)
        let shards = try Shards()
        _ = try InstacartClusterIngest(cluster: shards.cluster, database: shards.database).run(data)
        let single = try ClickHouseTestDatabase("restock_single", url: shards.servers.url)
        defer { single.drop() }
        _ = try InstacartIngest(client: single.client, database: single.name).run(data)

        let (fromCluster, timings) = try ReorderMatrix.build(cluster: shards.cluster, database: shards.database)
        let (fromNode, _) = try ReorderMatrix.build(clickhouse: single.client, database: single.name)
        let (fromFiles, _) = ReorderMatrix.build(data)
        #expect(fromFiles.rowCount > 10_000)
        ClickHouseFeatureParityTests.expectIdentical(fromCluster, fromFiles)
        ClickHouseFeatureParityTests.expectIdentical(fromCluster, fromNode)

        // Both shards contributed rows, and the corner cases are in the matrix as on one node.
        #expect(timings.shards.count == 2 && timings.shards.allSatisfy { $0.rows > 1000 })
        #expect(timings.rows == fromFiles.rowCount)
        let users = fromCluster.keys.column(named: "user_id")!, products = fromCluster.keys.column(named: "product_id")!
        let oneShardProduct = data.products.productID[data.products.count - 2], neverBought = data.products.productID[data.products.count - 1]
        #expect(products.filter { $0 == oneShardProduct }.count == 1)
        #expect(!products.contains(neverBought))
        #expect(timings.products == Set(data.priorProducts.productID).count, "the global sums cover every product bought")
        let firstUser = data.orders.userID.max()! - 3
        #expect(!users.contains(firstUser) && !users.contains(firstUser + 1), "users without a target have no rows")
        // The intermediate tables are gone from both shards.
        for k in 0..<2 { #expect(try shards.tableNames(k).allSatisfy { !$0.hasPrefix(ReservedNames.temporaryPrefix) }) }
    }

    /// The chunked stream hands out the same rows in the same order in chunks of `chunkRows`, the
    /// cut points falling anywhere in a user's rows and across the shards' reader chunks.
    @Test func chunkedClusterStreamGivesTheWholeMatrixInOrder() throws {
        let data = try Self.dataWithCorners(users: 160, seed: 53)
        let shards = try Shards()
        try shards.ingest(data)
        let (whole, _) = ReorderMatrix.build(data)
        var chunks: [LabelledMatrix] = []
        let timings = try ReorderMatrix.stream(shards: shards.clients, database: shards.database, chunkRows: 777) { chunks.append($0) }
        #expect(timings.rows == whole.rowCount && chunks.count == (whole.rowCount + 776) / 777)
        #expect(chunks.dropLast().allSatisfy { $0.rowCount == 777 })
        var start = 0
        for chunk in chunks {
            ClickHouseFeatureParityTests.expectIdentical(chunk, whole.selectingRows(Array(start..<(start + chunk.rowCount))))
            start += chunk.rowCount
        }
    }

    /// Shards loaded by two different ingests are refused before any step runs; a user on both
    /// shards (data not sharded by user) is refused by the merge instead of giving doubled rows.
    @Test func mixedIngestsAndOverlappingShardsAreRefused() throws {
        let data = RandomInstacart.make(users: 30, seed: 9)
        let shards = try Shards()
        for (k, part) in ShardRouting.split(data, shardCount: 2).enumerated() {
            _ = try InstacartIngest(client: shards.clients[k], database: shards.database).run(part)
        }
        #expect {
            try ReorderMatrix.build(shards: shards.clients, database: shards.database)
        } throws: { error in
            guard case .shardsOfDifferentIngests(_, let ids)? = error as? ReorderMatrixSourceError else { return false }
            return ids.count == 2 && ids[0].hasPrefix("shard 1: ") && ids[1].hasPrefix("shard 2: ")
        }
        #expect(try shards.tableNames(0).allSatisfy { !$0.hasPrefix(ReservedNames.temporaryPrefix) })

        // Every user on both shards, one load id.
        let owner = RunOwner.current()
        for client in shards.clients {
            var ingest = InstacartIngest(client: client, database: shards.database)
            ingest.owner = owner
            _ = try ingest.run(data)
        }
        #expect {
            try ReorderMatrix.build(shards: shards.clients, database: shards.database)
        } throws: { error in
            guard case .shardOverlap? = error as? ReorderMatrixSourceError else { return false }
            return true
        }
        for k in 0..<2 { #expect(try shards.tableNames(k) == InstacartSchema.tables.map(\.name).sorted()) }
    }

    /// Partial product sums of disjoint users add to the sums over all users, and `==` ignores order.
    @Test func productSumsAddExactly() {
        var a = ProductSums(), b = ProductSums()
        a.add(productID: 7, (3, 1, 9, 2, 1))
        a.add(productID: 2, (1, 0, 1, 1, 0))
        b.add(productID: 7, (UInt64(1) << 40, 2, 5, 1, 1))
        b.add(productID: 5, (4, 4, 4, 1, 1))
        var total = a
        total.add(b)
        #expect(total.count == 3)
        #expect(total[7].map { [$0.rows, $0.reorders, $0.cart, $0.users, $0.repeatUsers] } == [(UInt64(1) << 40) + 3, 3, 14, 3, 2])
        var other = b
        other.add(a)
        #expect(other == total)
        #expect(a != total)
    }
}
