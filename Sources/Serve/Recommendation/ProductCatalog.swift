import Features

/// What a recommendation shows about a product: its name, aisle and department, looked up by
/// product_id in a data folder's products, aisles and departments tables. Unknown ids give empty
/// text. Building costs O(products + aisles + departments); a lookup is O(1) plus the text.
public struct ProductCatalog: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var aisle: String
        public var department: String

        public init(name: String, aisle: String, department: String) {
            self.name = name
            self.aisle = aisle
            self.department = department
        }
    }

    private let products: ProductTable
    private let aisles: CategoryTable
    private let departments: CategoryTable
    private let productRows: IDIndex
    private let aisleRows: IDIndex
    private let departmentRows: IDIndex

    public init(products: ProductTable, aisles: CategoryTable, departments: CategoryTable) {
        self.products = products
        self.aisles = aisles
        self.departments = departments
        productRows = products.rowIndex()
        aisleRows = aisles.rowIndex()
        departmentRows = departments.rowIndex()
    }

    public init(_ data: InstacartData) {
        self.init(products: data.products, aisles: data.aisles, departments: data.departments)
    }

    /// The product's name, aisle and department.
    public func entry(productID: Int32) -> Entry {
        guard let row = productRows.row(of: productID) else { return Entry(name: "", aisle: "", department: "") }
        let aisle = aisleRows.row(of: products.aisleID[row]).map { aisles.name.string(at: $0) } ?? ""
        let department = departmentRows.row(of: products.departmentID[row]).map { departments.name.string(at: $0) } ?? ""
        return Entry(name: products.productName(atRow: row), aisle: aisle, department: department)
    }
}
