import TabularIO

/// `restock stats` output: a table (statistic, value, real Instacart) or one JSON object.
extension InstacartStatistics {
    /// One line of the report.
    public struct Row: Sendable {
        public enum Format: Sendable { case count, decimal, share }
        /// Stable identifier, used as the JSON key.
        public let key: String
        public let label: String
        public let value: Double
        public let real: Double?
        /// Printed before the real value: `~` when it is inferred rather than published.
        public let realNote: String
        /// Free text beside the real value (the published top product's name).
        public let realText: String?
        public let format: Format
    }

    /// The report lines, in print order.
    public func rows() -> [Row] {
        typealias P = PublishedInstacartStatistics
        var rows: [Row] = []
        func add(_ key: String, _ label: String, _ value: Double, _ real: Double?, _ format: Row.Format,
                 note: String = "", text: String? = nil) {
            rows.append(Row(key: key, label: label, value: value, real: real, realNote: note, realText: text, format: format))
        }
        func count(_ key: String, _ label: String, _ value: Int, _ real: Int?) {
            add(key, label, Double(value), real.map(Double.init), .count)
        }
        count("users", "users", users, P.users)
        count("orders", "orders", orders, P.orders)
        count("orders_prior", "orders prior", priorOrders, P.priorOrders)
        count("orders_train", "orders train", trainOrders, P.trainOrders)
        count("orders_test", "orders test", testOrders, P.testOrders)
        count("products", "products", products, P.products)
        count("aisles", "aisles", aisles, P.aisles)
        count("departments", "departments", departments, P.departments)
        count("rows_prior", "rows order_products__prior", priorRows, P.priorRows)
        count("rows_train", "rows order_products__train", trainRows, P.trainRows)

        let u = ordersPerUser
        add("orders_per_user.mean", "orders per user: mean", u.mean, P.ordersPerUserMean, .decimal)
        add("orders_per_user.sd", "orders per user: sd", u.sd, P.ordersPerUserSD, .decimal, note: "~")
        add("orders_per_user.min", "orders per user: min", u.min, P.ordersPerUserMin, .decimal)
        add("orders_per_user.q05", "orders per user: q05", u.q05, nil, .decimal)
        add("orders_per_user.q25", "orders per user: q25", u.q25, nil, .decimal)
        add("orders_per_user.median", "orders per user: median", u.median, nil, .decimal)
        add("orders_per_user.q75", "orders per user: q75", u.q75, nil, .decimal)
        add("orders_per_user.q95", "orders per user: q95", u.q95, nil, .decimal)
        add("orders_per_user.max", "orders per user: max", u.max, P.ordersPerUserMax, .decimal)

        let b = basketSize
        add("basket.mean", "basket size (prior+train orders): mean", b.mean, P.basketMean, .decimal)
        add("basket.sd", "basket size: sd", b.sd, nil, .decimal)
        add("basket.median", "basket size: median", b.median, P.basketMedian, .decimal)
        add("basket.max", "basket size: max", b.max, P.basketMax, .decimal)
        add("basket.share_one_item", "basket size: share of 1-item orders", basketSizeShareOne, nil, .share)
        add("basket.mean_prior", "basket size: mean over prior orders", basketMeanPrior, P.basketMeanPrior, .decimal)
        add("basket.mean_train", "basket size: mean over train orders", basketMeanTrain, P.basketMeanTrain, .decimal)

        add("reorder_ratio.prior", "reorder ratio: prior rows", reorderRatioPrior, P.reorderRatioPrior, .share)
        add("reorder_ratio.train", "reorder ratio: train rows", reorderRatioTrain, P.reorderRatioTrain, .share)
        add("reorder_ratio.prior_excluding_first", "reorder ratio: prior rows, order_number > 1",
            reorderRatioPriorExcludingFirst, nil, .share)

        let d = daysSincePrior
        add("days_since_prior.mean", "days_since_prior: mean", d.mean, P.daysMean, .decimal)
        add("days_since_prior.sd", "days_since_prior: sd", d.sd, P.daysSD, .decimal)
        add("days_since_prior.median", "days_since_prior: median", d.median, P.daysMedian, .decimal)
        add("days_since_prior.share_0", "days_since_prior: share 0", daysShare0, P.daysShare0, .share)
        add("days_since_prior.share_7", "days_since_prior: share 7", daysShare7, P.daysShare7, .share)
        add("days_since_prior.share_30", "days_since_prior: share 30", daysShare30, P.daysShare30, .share)

        for (i, v) in dowPMF.enumerated() {
            add("dow_pmf.\(i)", "order_dow pmf: \(i)", v, P.dowPMF[i], .share)
        }
        for (i, v) in hourPMF.enumerated() {
            add("hour_pmf.\(i)", "order_hour_of_day pmf: \(i)", v, P.hourPMF[i], .share)
        }

        for (i, t) in topProducts.enumerated() {
            let real = i < P.topProducts.count ? P.topProducts[i] : nil
            add("top_products.\(i + 1).prior_rows", "top \(i + 1): \(t.name) (\(t.productID)), prior rows",
                Double(t.priorRows), real.map { Double($0.priorRows) }, .count, text: real?.name)
            add("top_products.\(i + 1).share_of_prior_orders", "top \(i + 1): share of prior orders",
                t.shareOfPriorOrders, real.map { Double($0.priorRows) / Double(P.priorOrders) }, .share)
        }
        add("popularity.top10_row_share", "top-10 products' share of prior rows", top10RowShare, P.top10RowShare, .share)
        add("popularity.top100_row_share", "top-100 products' share of prior rows", top100RowShare, nil, .share)
        add("test_user_share", "share of users whose last order is test", testUserShare, P.testUserShare, .share)
        return rows
    }

    /// A plain-text table: statistic, value, real Instacart (`-` where no published value exists).
    public func table() -> String {
        let rows = rows()
        let header = ("statistic", "value", "real Instacart")
        let cells = rows.map { r -> (String, String, String) in
            var real = r.real.map { r.realNote + Self.format($0, r.format) } ?? "-"
            if let text = r.realText { real += " \(text)" }
            return (r.label, Self.format(r.value, r.format), real)
        }
        let w0 = max(header.0.count, cells.map(\.0.count).max() ?? 0)
        let w1 = max(header.1.count, cells.map(\.1.count).max() ?? 0)
        func line(_ c: (String, String, String)) -> String {
            c.0 + String(repeating: " ", count: w0 - c.0.count) + "  "
                + String(repeating: " ", count: w1 - c.1.count) + c.1 + "  " + c.2
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n") + "\n"
    }

    /// One JSON object: `{"directory": ..., "statistics": {key: {"value": v, "real": r}}, "top_products": [...]}`
    /// (`real` omitted where no published value exists; NaN written as null).
    public func json(directory: String) -> String {
        var s = "{\"directory\":\(Self.jsonString(directory)),\"statistics\":{"
        s += rows().map { r in
            var entry = "\(Self.jsonString(r.key)):{\"value\":\(Self.jsonNumber(r.value))"
            if let real = r.real { entry += ",\"real\":\(Self.jsonNumber(real))" }
            return entry + "}"
        }.joined(separator: ",")
        s += "},\"top_products\":["
        s += topProducts.enumerated().map { i, t in
            "{\"rank\":\(i + 1),\"product_id\":\(t.productID),\"name\":\(Self.jsonString(t.name)),"
                + "\"prior_rows\":\(t.priorRows),\"share_of_prior_orders\":\(Self.jsonNumber(t.shareOfPriorOrders))}"
        }.joined(separator: ",")
        return s + "]}\n"
    }

    static func format(_ v: Double, _ format: Row.Format) -> String {
        guard v.isFinite else { return "-" }
        switch format {
        case .count: return String(Int(v.rounded()))
        case .decimal: return fixed(v, digits: 3)
        case .share: return fixed(v, digits: 4)
        }
    }

    /// `v` with exactly `digits` decimals (no Foundation).
    static func fixed(_ v: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(v) * scale).rounded()
        let whole = Int(scaled / scale)
        let frac = Int(scaled - Double(whole) * scale)
        var fracText = String(frac)
        fracText = String(repeating: "0", count: max(0, digits - fracText.count)) + fracText
        return (v < 0 && scaled > 0 ? "-" : "") + "\(whole).\(fracText)"
    }

    static func jsonNumber(_ v: Double) -> String {
        v.isFinite ? JSONText.number(v) : "null"
    }

    static func jsonString(_ s: String) -> String {
        JSONText.quoted(s)
    }
}
