/// File names and headers of an Instacart-layout data folder (TASK.md, "Data").
public enum InstacartLayout {
    public static let aisles = "aisles.csv"
    public static let departments = "departments.csv"
    public static let products = "products.csv"
    public static let orders = "orders.csv"
    public static let priorProducts = "order_products__prior.csv"
    public static let trainProducts = "order_products__train.csv"

    /// All six files, in the order the reader reads them.
    public static let files = [aisles, departments, products, orders, priorProducts, trainProducts]

    public static let aisleColumns = ["aisle_id", "aisle"]
    public static let departmentColumns = ["department_id", "department"]
    public static let productColumns = ["product_id", "product_name", "aisle_id", "department_id"]
    public static let orderColumns = [
        "order_id", "user_id", "eval_set", "order_number", "order_dow", "order_hour_of_day",
        "days_since_prior_order",
    ]
    public static let orderProductColumns = ["order_id", "product_id", "add_to_cart_order", "reordered"]

    /// The header of `file`.
    public static func columns(of file: String) -> [String] {
        switch file {
        case aisles: aisleColumns
        case departments: departmentColumns
        case products: productColumns
        case orders: orderColumns
        default: orderProductColumns
        }
    }

    /// Valid ids: positive 32-bit integers.
    public static let idRange: ClosedRange<Int64> = 1...Int64(Int32.max)
    public static let orderNumberRange: ClosedRange<Int64> = 1...Int64(Int16.max)
    public static let dowRange: ClosedRange<Int64> = 0...6
    public static let hourRange: ClosedRange<Int64> = 0...23
    public static let daysSincePriorRange: ClosedRange<Float> = 0...365
    public static let cartOrderRange: ClosedRange<Int64> = 1...Int64(Int16.max)
    public static let reorderedRange: ClosedRange<Int64> = 0...1
}
