import ClickHouse

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
/// Intermediate results are Memory tables named `<prefix>_<step>` in the data's database:
/// - `uo`: one row per user: its prior orders as arrays sorted by order_number (ids, numbers, running
///   day), N, the days sum and count, day(N), and the header of its train/test order;
/// - `ord`: one row per prior order (ARRAY JOIN of `uo`): order_id, user_id, order_number, day, N;
/// - `up`: one row per (user, product) over every user's prior rows: rows, distinct orders k, first
///   and last order_number and day, cart and reordered sums, in-last-5 and streak counts;
/// - `usr`: per user with a target: sums of `up`, joined with `uo`;
/// - `prod`: per product: sums of `up`, joined with products for aisle and department;
/// - `lbl`: the (user, product) pairs of train orders.
/// The final SELECT joins `up` with `usr`, `prod` and `lbl` (one level each) and orders the rows
/// by (user_id, product_id).
public struct ReorderFeatureSQL: Sendable {
    public let database: String
    /// Stem of the intermediate table names (unquoted), e.g. `restock_tmp_1a2b3c4d`.
    public let prefix: String

    public init(database: String, prefix: String) {
        self.database = database
        self.prefix = prefix
    }

    /// The intermediate steps in the order they run.
    public static let steps = ["uo", "ord", "up", "usr", "prod", "lbl"]

    func table(_ name: String) -> String { SQLLiteral.qualifiedName(database, name) }
    func temp(_ step: String) -> String { table("\(prefix)_\(step)") }

    /// `CREATE TABLE ... ENGINE = Memory AS SELECT ...` for each step, in order.
    public var createStatements: [(step: String, sql: String)] {
        Self.steps.map { ($0, "CREATE TABLE \(temp($0)) ENGINE = Memory AS\n" + select($0)) }
    }

    /// `DROP TABLE IF EXISTS` for each intermediate table.
    public var dropStatements: [String] { Self.steps.map { "DROP TABLE IF EXISTS \(temp($0))" } }

    /// The number of rows the final SELECT returns.
    public var countStatement: String { "SELECT sum(distinct_products) FROM \(temp("usr"))" }

    func select(_ step: String) -> String {
        switch step {
        case "uo": userOrders
        case "ord": priorOrders
        case "up": userProducts
        case "usr": users
        case "prod": productTotals
        default: labels
        }
    }

    /// Per user: prior orders sorted by order_number; day(t) = Σ days(2…t) (empty days count 0);
    /// the train/test order's header. Users without such an order have `has_target = 0`.
    var userOrders: String {
        """
        SELECT user_id, ids, numbers, day_cum, n, days_sum, days_count, day_n, has_target, is_test, t_days, t_dow, t_hour
        FROM
        (
            SELECT user_id,
                groupArrayIf(order_id, eval_set = 'prior') AS ids_raw,
                groupArrayIf(order_number, eval_set = 'prior') AS numbers_raw,
                groupArrayIf(ifNull(toFloat64(days_since_prior_order), nan), eval_set = 'prior') AS days_raw,
                arraySort((x, k) -> k, ids_raw, numbers_raw) AS ids,
                arraySort(numbers_raw) AS numbers,
                arraySort((x, k) -> k, days_raw, numbers_raw) AS days_sorted,
                arrayCumSum(arrayMap((d, i) -> if(i > 1 AND NOT isNaN(d), d, 0.), days_sorted, arrayEnumerate(days_sorted))) AS day_cum,
                length(ids) AS n,
                arraySum(arrayFilter(d -> NOT isNaN(d), days_sorted)) AS days_sum,
                arrayCount(d -> NOT isNaN(d), days_sorted) AS days_count,
                if(n > 0, day_cum[n], 0.) AS day_n,
                countIf(eval_set != 'prior') > 0 AS has_target,
                anyIf(eval_set = 'test', eval_set != 'prior') AS is_test,
                anyIf(ifNull(toFloat64(days_since_prior_order), nan), eval_set != 'prior') AS t_days,
                anyIf(order_dow, eval_set != 'prior') AS t_dow,
                anyIf(order_hour_of_day, eval_set != 'prior') AS t_hour
            FROM \(table(InstacartSchema.orders.name))
            GROUP BY user_id
        ) AS grouped
        """
    }

    /// One row per prior order with its user's N and its day.
    var priorOrders: String {
        """
        SELECT order_id, user_id, order_number, day, n
        FROM
        (
            SELECT user_id, n, ids, numbers, day_cum FROM \(temp("uo"))
        ) AS per_user
        ARRAY JOIN ids AS order_id, numbers AS order_number, day_cum AS day
        """
    }

    /// Per (user, product) over every user's prior rows. `nums` = the distinct order_numbers holding
    /// the product, so k = length(nums); in the last 5 = x > N − 5; the streak is the number of
    /// i with nums↓[i] = N − i + 1 (nums sorted descending, distinct: exactly the run ending at N).
    var userProducts: String {
        """
        SELECT user_id, product_id, rows_n, k, first_number, last_number, cart_sum, reorder_sum, late_reorders, late_rows,
            first_day, last_day, last_rows, in_last5, streak
        FROM
        (
            SELECT user_id, product_id,
                count() AS rows_n,
                groupUniqArray(order_number) AS nums,
                length(nums) AS k,
                min(order_number) AS first_number,
                max(order_number) AS last_number,
                sum(add_to_cart_order) AS cart_sum,
                sum(reordered) AS reorder_sum,
                sumIf(reordered, order_number > 1) AS late_reorders,
                countIf(order_number > 1) AS late_rows,
                argMin(day, order_number) AS first_day,
                argMax(day, order_number) AS last_day,
                any(n) AS user_n,
                countIf(order_number = n) AS last_rows,
                arrayCount(x -> x + 5 > user_n, nums) AS in_last5,
                arrayCount((x, i) -> x + i = user_n + 1, arrayReverseSort(nums), arrayEnumerate(nums)) AS streak
            FROM
            (
                SELECT order_id, product_id, add_to_cart_order, reordered FROM \(table(InstacartSchema.priorProducts.name))
            ) AS op
            ALL INNER JOIN
            (
                SELECT order_id, user_id, order_number, day, n FROM \(temp("ord"))
            ) AS o USING (order_id)
            GROUP BY user_id, product_id
        ) AS grouped
        """
    }

    /// Per user with a train or test order: sums over its products, and its order statistics.
    var users: String {
        """
        SELECT user_id, items, distinct_products, user_late_reorders, user_late_rows, basket_last,
            n, days_sum, days_count, day_n, is_test, t_days, t_dow, t_hour
        FROM
        (
            SELECT user_id, sum(rows_n) AS items, count() AS distinct_products, sum(late_reorders) AS user_late_reorders,
                sum(late_rows) AS user_late_rows, sum(last_rows) AS basket_last
            FROM \(temp("up"))
            GROUP BY user_id
        ) AS sums
        ALL INNER JOIN
        (
            SELECT user_id, n, days_sum, days_count, day_n, is_test, t_days, t_dow, t_hour FROM \(temp("uo")) WHERE has_target
        ) AS orders_of_user USING (user_id)
        """
    }

    /// Per product over every user's prior rows; p_users = users with the product, repeat = those with k ≥ 2.
    var productTotals: String {
        """
        SELECT product_id, p_rows, p_reorders, p_cart_sum, p_users, p_repeat, p_aisle, p_department
        FROM
        (
            SELECT product_id, sum(rows_n) AS p_rows, sum(reorder_sum) AS p_reorders, sum(cart_sum) AS p_cart_sum,
                count() AS p_users, countIf(k >= 2) AS p_repeat
            FROM \(temp("up"))
            GROUP BY product_id
        ) AS sums
        ANY LEFT JOIN
        (
            SELECT product_id, aisle_id AS p_aisle, department_id AS p_department FROM \(table(InstacartSchema.products.name))
        ) AS attributes USING (product_id)
        """
    }

    /// The (user, product) pairs of train orders: the label is 1 for these.
    var labels: String {
        """
        SELECT DISTINCT user_id, product_id
        FROM
        (
            SELECT order_id, product_id FROM \(table(InstacartSchema.trainProducts.name))
        ) AS op
        ALL INNER JOIN
        (
            SELECT order_id, user_id FROM \(table(InstacartSchema.orders.name)) WHERE eval_set = 'train'
        ) AS o USING (order_id)
        """
    }

    /// The matrix rows: user_id, product_id (UInt32), the features of `ReorderFeature.all` in order
    /// and y (Float32 each; NaN = missing, y NaN for a test order), by user_id then product_id.
    public var matrixSelect: String {
        let columns = ReorderFeature.all.map { "toFloat32(\(Self.expression($0))) AS \($0.rawValue)" }
        return """
            SELECT user_id, product_id,
                \(columns.joined(separator: ",\n    "))\(",")
                toFloat32(if(is_test, nan, toFloat64(label))) AS y
            FROM
            (
                SELECT *
                FROM
                (
                    SELECT *
                    FROM
                    (
                        SELECT * FROM \(temp("up"))
                    ) AS up
                    ALL INNER JOIN
                    (
                        SELECT * FROM \(temp("usr"))
                    ) AS u USING (user_id)
                ) AS up_user
                ALL INNER JOIN
                (
                    SELECT * FROM \(temp("prod"))
                ) AS p USING (product_id)
            ) AS up_user_product
            ANY LEFT JOIN
            (
                SELECT user_id, product_id, 1 AS label FROM \(temp("lbl"))
            ) AS l USING (user_id, product_id)
            ORDER BY user_id, product_id
            """
    }

    /// The Float64 expression of one feature over the joined columns (see `ReorderFeature`).
    static func expression(_ feature: ReorderFeature) -> String {
        let daysSinceLast = "(day_n - last_day) + t_days"
        let interval = "if(k > 1, (last_day - first_day) / (k - 1), nan)"
        switch feature {
        case .uOrders: return "n"
        case .uItems: return "items"
        case .uDistinct: return "distinct_products"
        case .uReorderRatio: return "if(user_late_rows > 0, user_late_reorders / user_late_rows, nan)"
        case .uBasketMean: return "if(n > 0, items / n, nan)"
        case .uDaysMean: return "if(days_count > 0, days_sum / days_count, nan)"
        case .tDays: return "t_days"
        case .tDow: return "t_dow"
        case .tHour: return "t_hour"
        case .pOrders: return "p_rows"
        case .pReorders: return "p_reorders"
        case .pReorderRatio: return "if(p_rows > 0, p_reorders / p_rows, nan)"
        case .pUsers: return "p_users"
        case .pRepeatUsersRatio: return "if(p_users > 0, p_repeat / p_users, nan)"
        case .pCartMean: return "if(p_rows > 0, p_cart_sum / p_rows, nan)"
        case .aisleID: return "p_aisle"
        case .departmentID: return "p_department"
        case .upOrders: return "k"
        case .upFirst: return "first_number"
        case .upLast: return "last_number"
        case .upCartMean: return "cart_sum / k"
        case .upRate: return "k / n"
        case .upOrdersSinceLast: return "toFloat64(n) - toFloat64(last_number)"
        case .upRateSinceFirst: return "k / ((toFloat64(n) - toFloat64(first_number)) + 1)"
        case .upDaysSinceLast: return daysSinceLast
        case .upInLast5: return "in_last5"
        case .uBasketLast: return "basket_last"
        case .upStreak: return "streak"
        case .upIntervalMean: return interval
        case .upDueRatio:
            return "if(\(interval) > 0 AND NOT isNaN(\(daysSinceLast)), (\(daysSinceLast)) / \(interval), nan)"
        }
    }
}
