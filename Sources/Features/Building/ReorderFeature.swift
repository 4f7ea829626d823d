/// The columns of the reorder matrix, in order: the task's 26 features, then the extras (docs/features.md
/// lists them from these comments).
/// Notation for user u, product p, target order T (u's `train` or `test` order): prior orders are
/// numbered 1…N (N = u_orders), `days(t)` = days_since_prior_order of order t, and
/// `day(t)` = Σ days(2…t), the calendar the gaps imply. k = up_orders.
public enum ReorderFeature: String, CaseIterable, Sendable {
    // User
    /// N, the number of prior orders.
    case uOrders = "u_orders"
    /// Prior order-product rows of the user.
    case uItems = "u_items"
    /// Distinct products in the user's prior orders.
    case uDistinct = "u_distinct"
    /// Mean `reordered` over the user's prior rows in orders with order_number > 1 (NaN if none).
    case uReorderRatio = "u_reorder_ratio"
    /// u_items / u_orders.
    case uBasketMean = "u_basket_mean"
    /// Mean days_since_prior_order over the prior orders that have one (NaN if none).
    case uDaysMean = "u_days_mean"
    /// days_since_prior_order of T (NaN if empty).
    case tDays = "t_days"
    /// order_dow of T.
    case tDow = "t_dow"
    /// order_hour_of_day of T.
    case tHour = "t_hour"
    // Product, over all users' prior rows
    /// Prior rows of the product.
    case pOrders = "p_orders"
    /// Σ reordered over the product's prior rows.
    case pReorders = "p_reorders"
    /// p_reorders / p_orders.
    case pReorderRatio = "p_reorder_ratio"
    /// Distinct users who bought the product in a prior order.
    case pUsers = "p_users"
    /// Share of p_users who bought it in two or more prior orders.
    case pRepeatUsersRatio = "p_repeat_users_ratio"
    /// Mean add_to_cart_order of the product's prior rows.
    case pCartMean = "p_cart_mean"
    case aisleID = "aisle_id"
    case departmentID = "department_id"
    // User × product
    /// k: the user's prior orders holding the product.
    case upOrders = "up_orders"
    /// order_number of the first of them.
    case upFirst = "up_first"
    /// order_number of the last of them.
    case upLast = "up_last"
    /// Mean add_to_cart_order over the user's prior rows of the product.
    case upCartMean = "up_cart_mean"
    /// k / N.
    case upRate = "up_rate"
    /// N − up_last.
    case upOrdersSinceLast = "up_orders_since_last"
    /// k / (N − up_first + 1).
    case upRateSinceFirst = "up_rate_since_first"
    /// day(N) − day(up_last) + t_days: days from the last prior order holding it to T (NaN if t_days is).
    case upDaysSinceLast = "up_days_since_last"
    /// How many of the user's last 5 prior orders hold it.
    case upInLast5 = "up_in_last5"
    // Extras (CALIBRATION.md §3.1)
    /// Items in the user's last prior order (order N).
    case uBasketLast = "u_basket_last"
    /// Consecutive most recent prior orders holding the product (0 if order N does not).
    case upStreak = "up_streak"
    /// Mean days between the user's consecutive purchases of it: (day(up_last) − day(up_first)) / (k − 1); NaN if k = 1.
    case upIntervalMean = "up_interval_mean"
    /// up_days_since_last / up_interval_mean: > 1 when the product is overdue (NaN if either is, or the interval is 0).
    case upDueRatio = "up_due_ratio"

    /// TASK.md's 26 features, in its order.
    public static let required: [ReorderFeature] = Array(allCases.prefix(26))
    /// Every feature the builder computes, in column order.
    public static let all: [ReorderFeature] = allCases

    public static var names: [String] { all.map(\.rawValue) }
}
