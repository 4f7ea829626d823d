/// Published statistics of the full Instacart Market Basket dataset (CALIBRATION.md §2), shown
/// beside a folder's own numbers by `restock stats`.
///
/// Sources, as collected in CALIBRATION.md §2: counts, eval sets, rows, reorder ratios and top
/// products from the archd3sai notebook, the "BigData Analysis - Instacart" Hive README and a SQL
/// exercise's output; the full days_since_prior and hour-of-day value counts from the Instacart
/// dashboard API README. Derived values are computed from those counts here:
/// basket means = rows / orders; days mean 11.115, sd 9.207, shares of 0 / 7 / 30 days over the
/// 3,214,874 orders with a value; hour pmf = hour counts / 3,421,083; top-10 row share = the ten
/// listed prior-row counts / 32,434,489 = 0.0716 (CALIBRATION.md and calibrate.py state 0.0735 from a
/// sum mistyped as 2,383,158; the listed counts add up to 2,323,158). Values marked approximate
/// (`approximate`) are inferred rather than published.
public enum PublishedInstacartStatistics {
    public static let users = 206_209
    public static let orders = 3_421_083
    public static let priorOrders = 3_214_874
    public static let trainOrders = 131_209
    public static let testOrders = 75_000
    public static let products = 49_688
    public static let aisles = 134
    public static let departments = 21
    public static let priorRows = 32_434_489
    public static let trainRows = 1_384_617

    public static let ordersPerUserMean = 3_421_083.0 / 206_209
    /// Inferred in CALIBRATION.md §2 from the order_number distribution (approximate).
    public static let ordersPerUserSD = 16.6
    public static let ordersPerUserMin = 4.0
    public static let ordersPerUserMax = 100.0

    /// Over prior and train orders.
    public static let basketMean = 33_819_106.0 / 3_346_083
    public static let basketMedian = 8.0
    public static let basketMax = 145.0
    public static let basketMeanPrior = 32_434_489.0 / 3_214_874
    public static let basketMeanTrain = 1_384_617.0 / 131_209

    public static let reorderRatioPrior = 0.5897
    public static let reorderRatioTrain = 0.5986

    public static let daysMean = 11.114836
    public static let daysSD = 9.206737
    public static let daysMedian = 7.0
    public static let daysShare0 = 67_755.0 / 3_214_874
    public static let daysShare7 = 320_608.0 / 3_214_874
    public static let daysShare30 = 369_323.0 / 3_214_874

    static let dowCounts = [600_905, 587_478, 467_260, 436_972, 426_339, 453_368, 448_761]
    public static let dowPMF = dowCounts.map { Double($0) / 3_421_083 }
    static let hourCounts = [
        22_758, 12_398, 7_539, 5_474, 5_527, 9_569, 30_529, 91_868, 178_201, 257_812, 288_418, 284_728,
        272_841, 277_999, 283_042, 283_639, 272_553, 228_795, 182_912, 140_569, 104_292, 78_109, 61_468, 40_043,
    ]
    public static let hourPMF = hourCounts.map { Double($0) / 3_421_083 }

    /// Top products by prior rows: name and rows.
    public static let topProducts: [(name: String, priorRows: Int)] = [
        ("Banana", 472_565), ("Bag of Organic Bananas", 379_450), ("Organic Strawberries", 264_683),
        ("Organic Baby Spinach", 241_921), ("Organic Hass Avocado", 213_584), ("Organic Avocado", 176_815),
        ("Large Lemon", 152_657), ("Strawberries", 142_951), ("Limes", 140_627), ("Organic Whole Milk", 137_905),
    ]
    public static let top10RowShare = 2_323_158.0 / 32_434_489

    public static let testUserShare = 75_000.0 / 206_209
}
