/// Aisle and department of each product of products.csv, looked up by product id through an
/// `IDIndex` (dense for Instacart's small ids, binary search for large ones), so memory follows the
/// number of products, not the largest id.
public struct ProductAttributes: Sendable {
    let row: IDIndex
    let aisleIDs: [Int32]
    let departmentIDs: [Int32]

    public init(_ products: ProductTable) {
        self.init(productID: products.productID, aisleID: products.aisleID, departmentID: products.departmentID)
    }

    public init(productID: [Int32], aisleID: [Int32], departmentID: [Int32]) {
        row = IDIndex(ids: productID)
        aisleIDs = aisleID
        departmentIDs = departmentID
    }

    /// The aisle and department of `product`, nil when products.csv does not list it.
    public func attributes(of product: Int32) -> (aisleID: Int32, departmentID: Int32)? {
        row.row(of: product).map { (aisleIDs[$0], departmentIDs[$0]) }
    }
}
