import Features
import Forest
import Serve
import Tabular

/// The data behind a `ServeState` that does not depend on the model: the Instacart tables' catalog,
/// the candidate rows of every user's next order (`ReorderMatrix`), each user's next order id and
/// the KPIs. Read once at start; a model reload scores the same rows again without re-reading the
/// files. Memory: the candidate matrix (rows × features × 4 bytes) and the catalog.
public final class ServeInputs: Sendable {
    public let source: String
    public let matrix: LabelledMatrix
    public let nextOrder: [Int32: Int32]
    public let catalog: ProductCatalog
    public let catalogEntries: [Int32: ProductCatalog.Entry]
    public let kpis: DataKPIs

    public init(source: String, matrix: LabelledMatrix, nextOrder: [Int32: Int32], catalog: ProductCatalog,
                catalogEntries: [Int32: ProductCatalog.Entry], kpis: DataKPIs) {
        self.source = source
        self.matrix = matrix
        self.nextOrder = nextOrder
        self.catalog = catalog
        self.catalogEntries = catalogEntries
        self.kpis = kpis
    }

    /// Reads an Instacart-layout folder and builds its candidate rows (as `restock recommend --data`).
    public static func read(directory: String, threads: Int, progress: (@Sendable (String) -> Void)? = nil) throws -> ServeInputs {
        progress?("reading \(directory)")
        let data = try InstacartReader.read(directory: directory, threads: threads)
        progress?("building the candidate rows of \(Set(data.orders.userID).count) users")
        let (matrix, _) = ReorderMatrix.build(data, blocks: max(64, threads * 16))
        return from(data, matrix: matrix, source: directory)
    }

    /// The inputs of data already in memory and its candidate matrix.
    public static func from(_ data: InstacartData, matrix: LabelledMatrix, source: String) -> ServeInputs {
        var nextOrder: [Int32: Int32] = [:]
        for r in 0..<data.orders.count where data.orders.evalSet(atRow: r) != .prior {
            nextOrder[data.orders.userID[r]] = data.orders.orderID[r]
        }
        let catalog = ProductCatalog(data)
        var entries: [Int32: ProductCatalog.Entry] = [:]
        entries.reserveCapacity(data.products.count)
        for id in data.products.productID { entries[id] = catalog.entry(productID: id) }
        return ServeInputs(source: source, matrix: matrix, nextOrder: nextOrder, catalog: catalog, catalogEntries: entries,
                           kpis: DataKPIs(data, catalog: catalog))
    }
}
