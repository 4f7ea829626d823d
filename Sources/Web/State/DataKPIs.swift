import Features
import Serve

/// The data's key figures for the dashboard's tiles and `GET /api/kpis`: order and user counts,
/// average basket size and reorder rate over the orders with lines (prior and train), the most
/// ordered products, and orders by hour of day and day of week. Cost O(orders + order lines).
public struct DataKPIs: Sendable, Equatable {
    public struct TopProduct: Sendable, Equatable {
        public var productID: Int32
        public var name: String
        public var orders: Int
    }

    public var orders: Int
    public var users: Int
    public var products: Int
    public var orderLines: Int
    public var averageBasketSize: Double
    public var reorderRate: Double
    public var topProducts: [TopProduct]
    /// Orders per hour of day, 24 entries.
    public var ordersByHour: [Int]
    /// Orders per day of week (0 = Sunday in the Instacart layout), 7 entries.
    public var ordersByDayOfWeek: [Int]

    public init(_ data: InstacartData, catalog: ProductCatalog, top: Int = 10) {
        orders = data.orders.count
        users = Set(data.orders.userID).count
        products = data.products.count
        var lines = 0, reordered = 0
        var basketOrders = Set<Int32>()
        var counts: [Int32: Int] = [:]
        for table in [data.priorProducts, data.trainProducts] {
            lines += table.count
            for i in 0..<table.count {
                reordered += Int(table.reordered[i])
                counts[table.productID[i], default: 0] += 1
            }
            basketOrders.formUnion(table.orderID)
        }
        orderLines = lines
        averageBasketSize = basketOrders.isEmpty ? 0 : Double(lines) / Double(basketOrders.count)
        reorderRate = lines == 0 ? 0 : Double(reordered) / Double(lines)
        topProducts = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top).map {
            TopProduct(productID: $0.key, name: catalog.entry(productID: $0.key).name, orders: $0.value)
        }
        var hours = [Int](repeating: 0, count: 24), days = [Int](repeating: 0, count: 7)
        for r in 0..<data.orders.count {
            hours[Int(min(data.orders.hour[r], 23))] += 1
            days[Int(min(data.orders.dow[r], 6))] += 1
        }
        ordersByHour = hours
        ordersByDayOfWeek = days
    }
}
