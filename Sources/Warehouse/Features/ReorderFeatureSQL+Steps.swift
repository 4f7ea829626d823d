/// The SELECT of each intermediate step of `ReorderFeatureSQL` (see its documentation).
extension ReorderFeatureSQL {
    /// `key` = user_id · 2³² + product_id of the row.
    static let pairKey = "bitOr(bitShiftLeft(toUInt64(user_id), 32), toUInt64(product_id))"

    /// Per user: prior orders sorted by order_number; day(t) = Σ days(2…t) (empty days count 0);
    /// the train/test order's header. Users without such an order have `has_target = 0`.
    var userOrders: String {
        """
        SELECT user_id, ids, numbers, day_cum, n, days_sum, days_count, day_n, has_target, is_test,
            target_days, target_dow, target_hour
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
                anyIf(ifNull(toFloat64(days_since_prior_order), nan), eval_set != 'prior') AS target_days,
                anyIf(order_dow, eval_set != 'prior') AS target_dow,
                anyIf(order_hour_of_day, eval_set != 'prior') AS target_hour
            FROM \(table(InstacartSchema.orders.name))
            GROUP BY user_id
        ) AS grouped
        """
    }

    /// One row per prior order with its day.
    var priorOrders: String {
        """
        SELECT order_id, user_id, order_number, day
        FROM
        (
            SELECT user_id, ids, numbers, day_cum FROM \(temp("uo"))
        ) AS per_user
        ARRAY JOIN ids AS order_id, numbers AS order_number, day_cum AS day
        """
    }

    /// Per (user, product) over every user's prior rows. Each row is packed into one UInt64,
    /// order_number · 2³² + add_to_cart_order · 2 + reordered (exact: the reader keeps order_number
    /// and add_to_cart_order below 2¹⁵ and reordered in {0, 1}), and the group keeps one array of
    /// those, sorted descending (one groupArray instead of three sums: 22 s instead of 28 s of
    /// server CPU at full scale). From it: `numbers_desc` (order_numbers, descending), `nums` = its
    /// distinct values (first occurrences, by `arrayEnumerateUniq`), k = length(nums), up_last =
    /// nums[1], up_first = nums[-1], `top_rows` = the rows of its last order (2 if it is there
    /// twice), and the cart and reordered sums. day(t) never decreases (gaps are ≥ 0), so the days
    /// of the first and last order holding it are min(day) and max(day).
    var userProducts: String {
        """
        SELECT key, toUInt32(bitShiftRight(key, 32)) AS user_id, toUInt32(bitAnd(key, 4294967295)) AS product_id,
            rows_n, nums, k, first_number, last_number, top_rows, cart_sum, reorder_sum, late_reorders, late_rows, first_day, last_day
        FROM
        (
            SELECT \(Self.pairKey) AS key,
                arrayReverseSort(groupArray(bitOr(bitOr(bitShiftLeft(toUInt64(order_number), 32),
                    bitShiftLeft(toUInt64(add_to_cart_order), 1)), toUInt64(reordered)))) AS packed,
                arrayMap(x -> bitShiftRight(x, 32), packed) AS numbers_desc,
                arrayFilter((x, u) -> u = 1, numbers_desc, arrayEnumerateUniq(numbers_desc)) AS nums,
                length(numbers_desc) AS rows_n,
                length(nums) AS k,
                nums[-1] AS first_number,
                nums[1] AS last_number,
                arrayCount(x -> x = last_number, numbers_desc) AS top_rows,
                arrayCount(x -> x > 1, numbers_desc) AS late_rows,
                arraySum(arrayMap(x -> bitAnd(bitShiftRight(x, 1), 65535), packed)) AS cart_sum,
                arraySum(arrayMap(x -> bitAnd(x, 1), packed)) AS reorder_sum,
                arraySum(arrayMap(x -> bitAnd(x, 1) * (bitShiftRight(x, 32) > 1), packed)) AS late_reorders,
                min(day) AS first_day,
                max(day) AS last_day
            FROM
            (
                SELECT order_id, product_id, add_to_cart_order, reordered FROM \(table(InstacartSchema.priorProducts.name))
            ) AS op
            ALL INNER JOIN
            (
                SELECT order_id, user_id, order_number, day FROM \(temp("ord"))
            ) AS o USING (order_id)
            GROUP BY key
        ) AS grouped
        """
    }

    /// The user × product features of users with a target, from `up` and the user's N, day(N) and
    /// t_days: up_days_since_last = (day(N) − day(up_last)) + t_days; the streak is the number of i
    /// with nums[i] = N − i + 1 (nums descending and distinct: exactly the run that ends at N).
    var userProductFeatures: String {
        """
        SELECT key, user_id, product_id, rows_n, late_reorders, late_rows, last_rows, \(Self.list(Self.userProductFeatures))
        FROM
        (
            SELECT key, user_id, product_id, rows_n, late_reorders, late_rows,
                if(last_number = n, top_rows, 0) AS last_rows,
                (day_n - last_day) + target_days AS days_since_last,
                if(k > 1, (last_day - first_day) / (k - 1), nan) AS interval_mean,
                toFloat32(k) AS up_orders,
                toFloat32(first_number) AS up_first,
                toFloat32(last_number) AS up_last,
                toFloat32(cart_sum / rows_n) AS up_cart_mean,
                toFloat32(k / n) AS up_rate,
                toFloat32(toFloat64(n) - toFloat64(last_number)) AS up_orders_since_last,
                toFloat32(k / ((toFloat64(n) - toFloat64(first_number)) + 1)) AS up_rate_since_first,
                toFloat32(days_since_last) AS up_days_since_last,
                toFloat32(arrayCount(x -> x + 5 > n, nums)) AS up_in_last5,
                toFloat32(arrayCount((x, i) -> x + i = n + 1, nums, arrayEnumerate(nums))) AS up_streak,
                toFloat32(interval_mean) AS up_interval_mean,
                toFloat32(if(interval_mean > 0 AND NOT isNaN(days_since_last), days_since_last / interval_mean, nan)) AS up_due_ratio
            FROM
            (
                SELECT key, user_id, product_id, rows_n, nums, k, first_number, last_number, top_rows, cart_sum,
                    late_reorders, late_rows, first_day, last_day
                FROM \(temp("up"))
            ) AS up
            ALL INNER JOIN
            (
                SELECT user_id, n, day_n, target_days FROM \(temp("uo")) WHERE has_target
            ) AS u USING (user_id)
        ) AS joined
        """
    }

    /// Per user with a train or test order: the user features from sums over its products and its orders.
    var users: String {
        """
        SELECT user_id, distinct_products, is_test, \(Self.list(Self.userFeatures))
        FROM
        (
            SELECT user_id, distinct_products, is_test,
                toFloat32(n) AS u_orders,
                toFloat32(items) AS u_items,
                toFloat32(distinct_products) AS u_distinct,
                toFloat32(if(user_late_rows > 0, user_late_reorders / user_late_rows, nan)) AS u_reorder_ratio,
                toFloat32(if(n > 0, items / n, nan)) AS u_basket_mean,
                toFloat32(if(days_count > 0, days_sum / days_count, nan)) AS u_days_mean,
                toFloat32(target_days) AS t_days,
                toFloat32(target_dow) AS t_dow,
                toFloat32(target_hour) AS t_hour,
                toFloat32(basket_last) AS u_basket_last
            FROM
            (
                SELECT user_id, sum(rows_n) AS items, count() AS distinct_products, sum(late_reorders) AS user_late_reorders,
                    sum(late_rows) AS user_late_rows, sum(last_rows) AS basket_last
                FROM \(temp("upf"))
                GROUP BY user_id
            ) AS sums
            ALL INNER JOIN
            (
                SELECT user_id, n, days_sum, days_count, is_test, target_days, target_dow, target_hour
                FROM \(temp("uo"))
                WHERE has_target
            ) AS orders_of_user USING (user_id)
        ) AS joined
        """
    }

    /// Per product over the users of this server's `up`: the integer sums the product features
    /// are made of (UInt64 each): p_rows = Σ rows_n, p_reorder_sum, p_cart_sum, p_user_count =
    /// users with the product, p_repeat = those with k ≥ 2. Sums over disjoint sets of users add up:
    /// on a cluster each shard's partial sums are added exactly by the client (`ProductSums`).
    var productSums: String {
        """
        SELECT product_id, sum(rows_n) AS p_rows, sum(reorder_sum) AS p_reorder_sum, sum(cart_sum) AS p_cart_sum,
            count() AS p_user_count, countIf(k >= 2) AS p_repeat
        FROM \(temp("up"))
        GROUP BY product_id
        """
    }

    /// Per product over every user's prior rows, from `productSums` (computed here on one server;
    /// on a shard of a cluster read from the `psum` table of global sums the client loaded, the
    /// same UInt64 columns, so the same divisions give the same bits).
    var productTotals: String {
        let sums = globalProductSums
            ? "SELECT \(Self.productSumColumns.joined(separator: ", ")) FROM \(temp(Self.productSumsStep))"
            : productSums
        return """
        SELECT product_id, \(Self.list(Self.productFeatures))
        FROM
        (
            SELECT product_id,
                toFloat32(p_rows) AS p_orders,
                toFloat32(p_reorder_sum) AS p_reorders,
                toFloat32(if(p_rows > 0, p_reorder_sum / p_rows, nan)) AS p_reorder_ratio,
                toFloat32(p_user_count) AS p_users,
                toFloat32(if(p_user_count > 0, p_repeat / p_user_count, nan)) AS p_repeat_users_ratio,
                toFloat32(if(p_rows > 0, p_cart_sum / p_rows, nan)) AS p_cart_mean,
                toFloat32(p_aisle) AS aisle_id,
                toFloat32(p_department) AS department_id
            FROM
            (
        \(sums)
            ) AS sums
            ANY LEFT JOIN
            (
                SELECT product_id, aisle_id AS p_aisle, department_id AS p_department FROM \(table(InstacartSchema.products.name))
            ) AS attributes USING (product_id)
        ) AS joined
        """
    }

    /// The keys of the (user, product) pairs of train orders: the label is 1 for these.
    var labels: String {
        """
        SELECT DISTINCT \(Self.pairKey) AS key
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
}
