import Dispatch
import Foundation
import TabularIO

/// Writes a synthetic dataset in the Instacart Market Basket layout (TASK.md): aisles.csv,
/// departments.csv, products.csv, orders.csv, order_products__prior.csv, order_products__train.csv,
/// from the calibrated generative model of CALIBRATION.md §4.
///
/// Steps: (1) the catalog and the three reference files; (2) a cheap first pass draws every user's
/// order count and test flag (`UserPlan`), which fixes the number of orders, so (3) order ids can be a
/// uniform random permutation of 1...#orders assigned before simulating; (4) users are simulated in
/// parallel blocks, in waves: each block formats its orders.csv lines and packs its order_products rows
/// into its own slot, then the calling thread appends the wave's orders lines in user order and routes
/// the rows to temporary buckets by order-id range (`SpillBuckets`); (5) each bucket is read back,
/// counting-sorted by order id (stable, so add_to_cart_order stays in order), formatted in parallel
/// and appended to the prior/train files in bucket order. (6) All six files are written as
/// temporary files beside their names and renamed together at the end (`AtomicFileWriter`).
///
/// Determinism: user u draws only from streams derived from (seed, u), order ids from (seed), and the
/// files are assembled in a fixed order, so the output is byte-identical for any thread count, block
/// size or bucket size. Memory: O(users + orders) for plans and order ids (~18 MB at full scale) plus
/// one wave of blocks and one bucket per thread (~100 MB), independent of the number of rows.
public enum InstacartGenerator {
    public static let fileNames = [
        "aisles.csv", "departments.csv", "products.csv", "orders.csv", "order_products__prior.csv",
        "order_products__train.csv",
    ]

    /// Generates the dataset into `directory` (created if needed; files of the same names are replaced
    /// only at the very end). `progress` receives a fraction in 0...1 on the calling thread.
    public static func generate(
        _ config: GeneratorConfiguration, to directory: String, progress: ((Double) -> Void)? = nil
    ) throws -> GenerationSummary {
        try config.validate()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GenerationError.cannotCreateFolder(path: directory, reason: error.localizedDescription)
        }
        var writers: [AtomicFileWriter] = []
        do {
            let summary = try run(config, directory: directory, writers: &writers, progress: progress)
            try AtomicFileWriter.renameAll(writers)
            progress?(1)
            return summary
        } catch {
            for w in writers { w.abandon() }
            throw error
        }
    }

    private static func run(
        _ config: GeneratorConfiguration, directory: String, writers: inout [AtomicFileWriter],
        progress: ((Double) -> Void)?
    ) throws -> GenerationSummary {
        func open(_ name: String) throws -> AtomicFileWriter {
            let w = try AtomicFileWriter(path: directory + "/" + name)
            writers.append(w)
            return w
        }
        var summary = GenerationSummary()
        let p = config.parameters
        let catalog = Catalog(seed: config.seed, parameters: p)
        try writeReferenceFiles(catalog, open: open, summary: &summary)

        // First pass: plans, order offsets and the order-id permutation.
        let plans = (1...config.users).map {
            UserPlan.draw(userID: $0, seed: config.seed, testFraction: config.testFraction, parameters: p)
        }
        var firstOrder = [Int](repeating: 0, count: config.users + 1)
        for u in 0..<config.users { firstOrder[u + 1] = firstOrder[u] + plans[u].orderCount }
        let totalOrders = firstOrder[config.users]
        guard totalOrders < Int(UInt32.max) else { throw GenerationError.tooManyOrders(totalOrders) }
        var orderIDs = [UInt32](unsafeUninitializedCapacity: totalOrders) { buffer, count in
            for i in 0..<totalOrders { buffer[i] = UInt32(i + 1) }
            count = totalOrders
        }
        var idRandom = RandomSource(master: config.seed, stream: RandomStream.orderIDs.rawValue, index: 0)
        orderIDs.withUnsafeMutableBufferPointer { idRandom.shuffle($0) }
        summary.users = config.users
        summary.orders = totalOrders
        summary.testUsers = plans.reduce(0) { $0 + ($1.isTest ? 1 : 0) }

        let ordersPerBucket = config.ordersPerBucket
        let bucketCount = (totalOrders + ordersPerBucket - 1) / ordersPerBucket
        let spill = try SpillBuckets(
            directory: directory + "/.restock-generate-\(getpid()).spill", bucketCount: bucketCount)
        defer { spill.remove() }

        let orders = try open("orders.csv")
        try orders.write(
            "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\n")
        let prior = try open("order_products__prior.csv")
        let train = try open("order_products__train.csv")
        for w in [prior, train] { try w.write("order_id,product_id,add_to_cart_order,reordered\n") }

        // Simulation in waves of blocks.
        let threads = config.threads
        let simulators = (0..<threads).map { _ in UserSimulator(catalog: catalog, seed: config.seed, parameters: p) }
        let blockSize = config.usersPerBlock
        let blockCount = (config.users + blockSize - 1) / blockSize
        let blocksPerWave = threads * 8
        let simulationShare = 0.85
        var waveStart = 0
        while waveStart < blockCount {
            let n = min(blocksPerWave, blockCount - waveStart)
            let outputs = parallelMap(count: n, threads: threads) { worker, k in
                let block = waveStart + k
                let users = (block * blockSize + 1)...min(config.users, (block + 1) * blockSize)
                return simulateBlock(
                    users: users, plans: plans, firstOrder: firstOrder, orderIDs: orderIDs,
                    simulator: simulators[worker])
            }
            for output in outputs {
                try output.ordersText.withUnsafeBytes { try orders.write($0) }
                for row in output.rows {
                    try spill.append(row, to: (OrderProductRow.orderID(row) - 1) / ordersPerBucket)
                }
                summary.priorRows += output.priorRows
                summary.trainRows += output.trainRows
            }
            waveStart += n
            progress?(simulationShare * Double(waveStart) / Double(blockCount))
        }
        try spill.flushAll()

        // Sort and write the order_products files, bucket by bucket.
        var bucketStart = 0
        while bucketStart < bucketCount {
            let n = min(threads, bucketCount - bucketStart)
            let outputs = try parallelMap(count: n, threads: threads) { _, k in
                let bucket = bucketStart + k
                let lo = bucket * ordersPerBucket + 1
                let span = min(ordersPerBucket, totalOrders - bucket * ordersPerBucket)
                return Result { try formatBucket(spill.read(bucket), firstOrderID: lo, orderCount: span) }
            }.map { try $0.get() }
            for (priorText, trainText) in outputs {
                try priorText.withUnsafeBytes { try prior.write($0) }
                try trainText.withUnsafeBytes { try train.write($0) }
            }
            bucketStart += n
            progress?(simulationShare + (1 - simulationShare) * Double(bucketStart) / Double(bucketCount))
        }
        for w in [orders, prior, train] { try w.finishWithoutRename() }
        return summary
    }

    /// aisles.csv, departments.csv and products.csv.
    private static func writeReferenceFiles(
        _ catalog: Catalog, open: (String) throws -> AtomicFileWriter, summary: inout GenerationSummary
    ) throws {
        let aisles = try open("aisles.csv")
        try aisles.write("aisle_id,aisle\n")
        for a in InstacartTaxonomy.aisles {
            try aisles.write(int: a.id)
            try aisles.write(byte: UInt8(ascii: ","))
            try aisles.write(csvField: a.name)
            try aisles.write(byte: 10)
        }
        try aisles.finishWithoutRename()
        let departments = try open("departments.csv")
        try departments.write("department_id,department\n")
        for (i, name) in InstacartTaxonomy.departments.enumerated() {
            try departments.write(int: i + 1)
            try departments.write(byte: UInt8(ascii: ","))
            try departments.write(csvField: name)
            try departments.write(byte: 10)
        }
        try departments.finishWithoutRename()
        let products = try open("products.csv")
        try products.write("product_id,product_name,aisle_id,department_id\n")
        for i in 0..<catalog.productCount {
            try products.write(int: i + 1)
            try products.write(byte: UInt8(ascii: ","))
            try products.write(csvField: catalog.names[i])
            try products.write(byte: UInt8(ascii: ","))
            try products.write(int: Int(catalog.aisleIDs[i]))
            try products.write(byte: UInt8(ascii: ","))
            try products.write(int: Int(catalog.departmentIDs[i]))
            try products.write(byte: 10)
        }
        try products.finishWithoutRename()
        summary.products = catalog.productCount
        summary.aisles = InstacartTaxonomy.aisles.count
        summary.departments = InstacartTaxonomy.departments.count
    }
}
