/// Aisle and department of each product of products.csv, looked up by product id through an
/// `IDIndex` (dense for Instacart's small ids, binary search for large ones), so memory follows the
/// number of products, not the largest id.
public struct ProductAttributes: Sendable {
    let row: IDIndex
    let aisleIDs: [Int32]
    let departmentIDs: [Int32]
    /// Per row of products.csv: its aisle's and its department's dense number (0..<aisleCount, 0..<departmentCount,
    /// in order of first appearance), for per-user tallies by aisle and department.
    let aisleSlots: [Int32]
    let departmentSlots: [Int32]
    public let aisleCount: Int
    public let departmentCount: Int

    public init(_ products: ProductTable) {
        self.init(productID: products.productID, aisleID: products.aisleID, departmentID: products.departmentID)
    }

    public init(productID: [Int32], aisleID: [Int32], departmentID: [Int32]) {
        row = IDIndex(ids: productID)
        aisleIDs = aisleID
        departmentIDs = departmentID
        (aisleSlots, aisleCount) = Self.denseSlots(aisleID)
        (departmentSlots, departmentCount) = Self.denseSlots(departmentID)
    }

    /// Each id's dense number (in order of first appearance) and how many distinct ids there are.
    private static func denseSlots(_ ids: [Int32]) -> ([Int32], Int) {
        var slot: [Int32: Int32] = [:]
        let slots = ids.map { id in
            if let known = slot[id] { return known }
            let next = Int32(slot.count)
            slot[id] = next
            return next
        }
        return (slots, slot.count)
    }

    /// The dense aisle and department numbers of `product` (see `aisleSlots`), nil when products.csv does not list it.
    func groupSlots(of product: Int32) -> (aisle: Int32, department: Int32)? {
        row.row(of: product).map { (aisleSlots[$0], departmentSlots[$0]) }
    }

    /// The aisle and department of `product`, nil when products.csv does not list it.
    public func attributes(of product: Int32) -> (aisleID: Int32, departmentID: Int32)? {
        row.row(of: product).map { (aisleIDs[$0], departmentIDs[$0]) }
    }
}
