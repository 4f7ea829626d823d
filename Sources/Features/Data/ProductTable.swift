/// products.csv as columns.
///
/// Memory per row: 12 bytes (product, aisle, department ids) + 4 bytes (name offset) + the name's
/// UTF-8 bytes (about 25 on Instacart: ~2 MB for 49,688 products).
public struct ProductTable: Equatable, Sendable {
    public private(set) var productID: [Int32]
    public private(set) var name: TextColumn
    public private(set) var aisleID: [Int32]
    public private(set) var departmentID: [Int32]

    public init() {
        productID = []
        name = TextColumn()
        aisleID = []
        departmentID = []
    }

    public init(productID: [Int32], name: TextColumn, aisleID: [Int32], departmentID: [Int32]) {
        precondition(
            productID.count == name.count && productID.count == aisleID.count
                && productID.count == departmentID.count, "column lengths differ")
        self.productID = productID
        self.name = name
        self.aisleID = aisleID
        self.departmentID = departmentID
    }

    public var count: Int { productID.count }

    public mutating func append(productID: Int32, name: String, aisleID: Int32, departmentID: Int32) {
        self.productID.append(productID)
        self.name.append(name)
        self.aisleID.append(aisleID)
        self.departmentID.append(departmentID)
    }

    /// The name of the product in row `row`, as a `String` (allocates).
    public func productName(atRow row: Int) -> String { name.string(at: row) }

    /// Dense index from product_id to row.
    public func rowIndex() -> IDIndex { IDIndex(ids: productID) }
}
