/// Aisle and department of each product, indexed by product id (0 where the id is unknown).
public struct ProductAttributes: Sendable {
    public let aisleID: [Int32]
    public let departmentID: [Int32]

    public init(_ products: ProductTable) {
        self.init(productID: products.productID, aisleID: products.aisleID, departmentID: products.departmentID)
    }

    public init(productID: [Int32], aisleID: [Int32], departmentID: [Int32]) {
        let limit = Int(productID.max() ?? 0) + 1
        var aisles = [Int32](repeating: 0, count: limit)
        var departments = [Int32](repeating: 0, count: limit)
        for i in productID.indices {
            aisles[Int(productID[i])] = aisleID[i]
            departments[Int(productID[i])] = departmentID[i]
        }
        self.aisleID = aisles
        self.departmentID = departments
    }
}
