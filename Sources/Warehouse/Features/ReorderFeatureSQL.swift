import ClickHouse
import Features

/// The SQL that computes `ReorderFeature.all` inside ClickHouse from the tables of
/// `InstacartSchema`, written for ClickHouse 18.16 and later: one JOIN per SELECT with explicit
/// strictness (`ALL INNER`, `ANY LEFT`), every joined subquery aliased, no CTE tables, no window
/// functions, no alias equal to a column name (CLICKHOUSE.md §4, §8.5).
///
/// Every value is computed the way `ReorderFeatureBuilder` computes it, so that the two paths agree
/// bit for bit: counts and sums are integers; ratios and means are one Float64 division of those
/// (`a / b` in ClickHouse is IEEE Float64 division, as `Double(a) / Double(b)` in Swift); the day
/// calendar is a sequential Float64 running sum (`arrayCumSum` over each user's gaps in
/// order_number order, as the builder's loop); every column is rounded once, by `toFloat32`, from
/// the same Float64. Relies on TASK.md's contract (checked by `InstacartReader` before `ingest`
/// sends anything): a user's orders are numbered 1…N and only order N is train or test, so the
/// position of a prior order in time is its order_number.
///
/// A (user, product) pair travels as one UInt64 `key` = user_id · 2³² + product_id: 18.16 groups,
/// joins and sorts one UInt64 column about twice as fast as two UInt32 columns (server CPU 8 s
/// against 19 s for the full-scale GROUP BY), and ordering by `key` is ordering by (user_id,
/// product_id) because ids are below 2³¹.
///
/// Intermediate results are Memory tables named `<prefix>_<step>` in the data's database:
/// - `uo`: per user: its prior orders as arrays sorted by order_number (ids, numbers, running day),
///   N, the days sum and count, day(N), and the header of its train/test order (`has_target`);
/// - `ord`: per prior order (ARRAY JOIN of `uo`): order_id, user_id, order_number, day;
/// - `up`: per (user, product) over every user's prior rows: row count, the distinct order_numbers
///   holding it (descending), first and last of them, their days, cart and reordered sums;
/// - `upf`: `up` of users with a target joined with their N, day(N) and t_days: the user × product
///   features;
/// - `usr`: per user with a target: the user features (sums over `upf`, joined with `uo`);
/// - `prod`: per product: the product features (sums over `up`, joined with `products`);
/// - `lbl`: the keys of the (user, product) pairs of train orders.
/// The final SELECT joins `upf` with `lbl`, `prod` and `usr` (one JOIN per level, the narrowest
/// first) and orders the rows by key.
///
/// On a shard of a cluster (`globalProductSums`, see `ReorderMatrix.build(shards:database:)`) the
/// same statements run on each shard, whose users are complete there, except that `prod` reads
/// the product sums over every shard from the table `psum` (`productSumsCreate`), which the client
/// fills between the `usr` and `prod` steps with the exact sum of every shard's `productSums`.
public struct ReorderFeatureSQL: Sendable {
    public let database: String
    /// Stem of the intermediate table names (unquoted), e.g. `restock_tmp_1a2b3c4d`.
    public let prefix: String
    /// True on a shard: `prod` reads the global sums from `psum` instead of summing `up`.
    public let globalProductSums: Bool

    public init(database: String, prefix: String, globalProductSums: Bool = false) {
        self.database = database
        self.prefix = prefix
        self.globalProductSums = globalProductSums
    }

    /// The intermediate steps in the order they run.
    public static let steps = ["uo", "ord", "up", "upf", "usr", "prod", "lbl"]
    /// The steps that need nothing but the server's own users (all but the product features).
    public static let userSteps = ["uo", "ord", "up", "upf", "usr"]
    /// The steps after the global product sums are loaded (on a shard).
    public static let productSteps = ["prod", "lbl"]
    /// The table of global product sums on a shard.
    public static let productSumsStep = "psum"
    /// The columns of `productSums` and of `psum`: product_id UInt32, then the UInt64 sums.
    public static let productSumColumns = ["product_id", "p_rows", "p_reorder_sum", "p_cart_sum", "p_user_count", "p_repeat"]

    /// `CREATE TABLE psum (product_id UInt32, p_rows UInt64, ...) ENGINE = Memory`.
    public var productSumsCreate: String {
        let columns = Self.productSumColumns.enumerated().map { "\($1) \($0 == 0 ? "UInt32" : "UInt64")" }
        return "CREATE TABLE \(temp(Self.productSumsStep)) (\(columns.joined(separator: ", "))) ENGINE = Memory"
    }

    /// The per-server product sums (`productSums`), ordered by product_id.
    public var productSumsSelect: String { productSums + "\nORDER BY product_id" }

    /// The unquoted name of the `psum` table.
    public var productSumsTableName: String { "\(prefix)_\(Self.productSumsStep)" }

    func table(_ name: String) -> String { SQLLiteral.qualifiedName(database, name) }
    func temp(_ step: String) -> String { table("\(prefix)_\(step)") }

    /// `CREATE TABLE ... ENGINE = Memory AS SELECT ...` for each step, in order.
    public var createStatements: [(step: String, sql: String)] { createStatements(Self.steps) }

    /// `CREATE TABLE ... ENGINE = Memory AS SELECT ...` for each of `steps`.
    public func createStatements(_ steps: [String]) -> [(step: String, sql: String)] {
        steps.map { ($0, "CREATE TABLE \(temp($0)) ENGINE = Memory AS\n" + select($0)) }
    }

    /// `DROP TABLE IF EXISTS` for each intermediate table (and `psum` on a shard).
    public var dropStatements: [String] {
        (Self.steps + (globalProductSums ? [Self.productSumsStep] : [])).map { "DROP TABLE IF EXISTS \(temp($0))" }
    }

    /// The number of rows the final SELECT returns.
    public var countStatement: String { "SELECT sum(distinct_products) FROM \(temp("usr"))" }

    /// Every statement of a build as one script (`;`-terminated, for reading or for clickhouse-client).
    public var script: String {
        (createStatements.map(\.sql) + [countStatement, matrixSelect] + dropStatements).map { $0 + ";\n" }.joined(separator: "\n")
    }

    func select(_ step: String) -> String {
        switch step {
        case "uo": userOrders
        case "ord": priorOrders
        case "up": userProducts
        case "upf": userProductFeatures
        case "usr": users
        case "prod": productTotals
        default: labels
        }
    }

    /// The columns computed by each step.
    static let userFeatures: [ReorderFeature] = [.uOrders, .uItems, .uDistinct, .uReorderRatio, .uBasketMean, .uDaysMean,
                                                 .tDays, .tDow, .tHour, .uBasketLast]
    static let productFeatures: [ReorderFeature] = [.pOrders, .pReorders, .pReorderRatio, .pUsers, .pRepeatUsersRatio,
                                                    .pCartMean, .aisleID, .departmentID]
    static let userProductFeatures: [ReorderFeature] = ReorderFeature.all.filter {
        !userFeatures.contains($0) && !productFeatures.contains($0)
    }

    static func list(_ features: [ReorderFeature]) -> String { features.map(\.rawValue).joined(separator: ", ") }

    /// The matrix rows: user_id, product_id (UInt32), the features of `ReorderFeature.all` in order
    /// and y (Float32 each; NaN = missing, y NaN for a test order), by user_id then product_id.
    public var matrixSelect: String { matrixSelect(ordered: true) }

    /// The matrix rows, by user_id then product_id when `ordered`, else in whatever order the
    /// server produces them (then it streams from the first block instead of sorting every row
    /// first: at full scale the first row comes after 1 s instead of 9 s, and the whole result
    /// 4 to 5 s sooner on 18.16).
    public func matrixSelect(ordered: Bool) -> String {
        """
        SELECT user_id, product_id, \(Self.list(ReorderFeature.all)),
            toFloat32(if(is_test, nan, toFloat64(label))) AS y
        FROM
        (
            SELECT *
            FROM
            (
                SELECT *
                FROM
                (
                    SELECT key, user_id, product_id, \(Self.list(Self.userProductFeatures)) FROM \(temp("upf"))
                ) AS up
                ANY LEFT JOIN
                (
                    SELECT key, 1 AS label FROM \(temp("lbl"))
                ) AS l USING (key)
            ) AS up_label
            ALL INNER JOIN
            (
                SELECT product_id, \(Self.list(Self.productFeatures)) FROM \(temp("prod"))
            ) AS p USING (product_id)
        ) AS up_label_product
        ALL INNER JOIN
        (
            SELECT user_id, is_test, \(Self.list(Self.userFeatures)) FROM \(temp("usr"))
        ) AS u USING (user_id)
        """ + (ordered ? "\nORDER BY key" : "")
    }
}
