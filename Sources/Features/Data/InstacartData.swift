/// The six tables of an Instacart-layout data folder, held as compact columns (no `String` per
/// field, no array of structs). Rows keep file order.
///
/// Memory per row (see each table): order_products 11 bytes, orders 17 bytes, products 16 bytes plus
/// the name, aisles and departments 8 bytes plus the name. The full data (32.4M prior + 1.4M train
/// rows, 3.4M orders) takes about 430 MB.
///
/// The reader (`InstacartReader`) guarantees the contract of TASK.md: unique ids, every order_products
/// row pointing at a known order of its file's eval set and a known product, every product at a known
/// aisle and department, each user's orders numbered 1...N with only order N allowed to be train or
/// test. Values built by hand are not checked.
public struct InstacartData: Equatable, Sendable {
    public var aisles: CategoryTable
    public var departments: CategoryTable
    public var products: ProductTable
    public var orders: OrderTable
    /// order_products__prior.csv
    public var priorProducts: OrderProductTable
    /// order_products__train.csv
    public var trainProducts: OrderProductTable

    public init(
        aisles: CategoryTable = .init(), departments: CategoryTable = .init(), products: ProductTable = .init(),
        orders: OrderTable = .init(), priorProducts: OrderProductTable = .init(),
        trainProducts: OrderProductTable = .init()
    ) {
        self.aisles = aisles
        self.departments = departments
        self.products = products
        self.orders = orders
        self.priorProducts = priorProducts
        self.trainProducts = trainProducts
    }

    /// The order_products table of `evalSet` (`.test` has none: an empty table).
    public func orderProducts(_ evalSet: EvalSet) -> OrderProductTable {
        switch evalSet {
        case .prior: priorProducts
        case .train: trainProducts
        case .test: OrderProductTable()
        }
    }
}
