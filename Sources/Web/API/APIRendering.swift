import Decisions
import Serve

/// The JSON bodies of the API's answers (docs/api.md), snake_case, from a `ServeState`.
/// Each is O(size of the answer).
enum APIRendering {
    static func model(_ state: ServeState) -> String {
        let m = state.model
        var json = JSONText()
        json.object { o in
            o.field("model_version", m.version)
            o.field("path", m.path)
            o.field("target", m.targetName)
            o.field("trees", m.trees)
            o.field("nodes", m.nodes)
            o.field("training_rows", m.trainingRows)
            o.field("trained_at", m.trainedAt)
            o.key("out_of_bag_r_squared")
            if let r2 = m.outOfBagRSquared { o.number(r2) } else { o.null() }
            o.key("parameters"); o.raw(m.parametersJSON)
            o.key("origin")
            if let origin = m.originJSON { o.raw(origin) } else { o.null() }
            o.array("features") { a in for f in m.features { a.string(f) } }
            o.array("importances") { a in
                for i in m.importances {
                    a.object { e in
                        e.field("feature", i.feature)
                        e.field("impurity", i.impurity)
                        e.key("permutation")
                        if let p = i.permutation { e.number(p) } else { e.null() }
                    }
                }
            }
            o.field("service_level", state.serviceLevel)
            o.field("candidate_rows", state.candidateRows)
        }
        return json.text
    }

    static func kpis(_ state: ServeState) -> String {
        let k = state.kpis
        var json = JSONText()
        json.object { o in
            o.field("orders", k.orders)
            o.field("users", k.users)
            o.field("products", k.products)
            o.field("order_lines", k.orderLines)
            o.field("average_basket_size", k.averageBasketSize)
            o.field("reorder_rate", k.reorderRate)
            o.field("forecast_users", state.users.count)
            o.field("candidate_rows", state.candidateRows)
            o.field("expected_units", state.recommendations.reduce(0) { $0 + $1.expectedDemand })
            o.field("recommended_stock", state.recommendations.reduce(0) { $0 + $1.recommendedStock })
            if let live = state.live {
                o.field("orders_per_minute", live.ordersPerMinute)
                o.field("orders_since_start", live.ordersSinceStart)
                o.field("live_orders", live.orders)
                o.field("live_products", live.liveProducts)
                if let lag = live.streamLagSeconds { o.field("stream_lag_seconds", lag) } else { o.key("stream_lag_seconds"); o.null() }
                if let at = live.streamUpdatedAt { o.field("stream_updated_at", at) } else { o.key("stream_updated_at"); o.null() }
            } else {
                o.key("orders_per_minute"); o.null()
            }
            o.array("top_products") { a in
                for t in k.topProducts {
                    a.object { e in e.field("product_id", Int(t.productID)); e.field("product_name", t.name); e.field("orders", t.orders) }
                }
            }
            o.array("orders_by_hour") { a in for n in k.ordersByHour { a.int(n) } }
            o.array("orders_by_day_of_week") { a in for n in k.ordersByDayOfWeek { a.int(n) } }
            o.field("model_version", state.model.version)
        }
        return json.text
    }

    static func departments(_ state: ServeState) -> String {
        var json = JSONText()
        json.object { o in
            o.array("departments") { a in
                for d in state.departments {
                    a.object { e in
                        e.field("department", d.name)
                        e.field("expected_demand", d.expectedDemand)
                        e.field("stddev", d.variance.squareRoot())
                        e.field("recommended_stock", d.recommendedStock)
                        e.field("products", d.products)
                    }
                }
            }
        }
        return json.text
    }

    static func recommendation(_ r: StockRecommendation, into o: inout JSONText) {
        o.field("product_id", Int(r.productID))
        o.field("product_name", r.product.name)
        o.field("aisle", r.product.aisle)
        o.field("department", r.product.department)
        o.field("expected_demand", r.expectedDemand)
        o.field("stddev", r.standardDeviation)
        o.field("recommended_stock", r.recommendedStock)
        o.field("service_level", r.serviceLevel)
        o.field("candidates", r.candidates)
        o.field("model_version", r.modelVersion)
    }

    static func recommendations(_ state: ServeState, _ query: RecommendationQuery) -> String {
        let (total, rows) = state.recommendations(query)
        var json = JSONText()
        json.object { o in
            o.field("model_version", state.model.version)
            o.field("service_level", query.serviceLevel ?? state.serviceLevel)
            o.field("total", total)
            o.field("offset", query.offset)
            o.array("recommendations") { a in
                for r in rows { a.object { recommendation(r, into: &$0) } }
            }
        }
        return json.text
    }

    static func product(_ r: StockRecommendation, _ state: ServeState) -> String {
        var json = JSONText()
        json.object { recommendation(r, into: &$0) }
        return json.text
    }

    static func basket(_ user: UserForecast, _ state: ServeState, candidates: Int) -> String {
        var json = JSONText()
        json.object { o in
            o.field("user_id", Int(user.userID))
            o.key("order_id")
            if let order = user.orderID { o.int(order) } else { o.null() }
            o.field("model_version", state.model.version)
            o.field("expected_f1", user.basket.expectedF1)
            o.field("includes_none", user.basket.includesNone)
            o.field("products_text", user.basket.productsText)
            o.array("basket") { a in
                for (k, id) in user.basket.products.enumerated() {
                    // the expected-F1 basket is a most-probable prefix of the candidates: look there first
                    let at = k < user.products.count && user.products[k] == id ? k : user.products.firstIndex(of: id)
                    let p = at.map { Double(user.probabilities[$0]) } ?? 0
                    a.object { e in
                        e.field("product_id", Int(id))
                        e.field("product_name", state.catalog[id]?.name ?? "")
                        e.field("probability", p)
                    }
                }
            }
            o.field("candidate_count", user.products.count)
            o.array("candidates") { a in
                for i in 0..<min(candidates, user.products.count) {
                    a.rawObject(members: state.productJSON.members(user.products[i]), "probability", Double(user.probabilities[i]))
                }
            }
        }
        return json.text
    }

    static func scores(users: [Int32], products: [Int32], probabilities: [Float], version: String) -> String {
        var json = JSONText()
        json.object { o in
            o.field("model_version", version)
            o.field("rows", users.count)
            o.array("scores") { a in
                for i in users.indices {
                    a.object { e in
                        e.field("user_id", Int(users[i]))
                        e.field("product_id", Int(products[i]))
                        e.field("probability", Double(probabilities[i]))
                    }
                }
            }
        }
        return json.text
    }
}
