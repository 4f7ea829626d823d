// live-forecast-bench DATA MODEL [--hold-out K] [--batch N] [--threads T] [--limit EVENTS] [--check]
//
// Reads the data folder D, holds out each user's last K prior orders (H = D minus them, as in the
// "live equals batch" tests), builds a LiveForecast on H, applies the held-out orders as events in
// batches of N (in order_number order, users interleaved), refreshes, and prints: load and init
// times, apply throughput (events/s), refresh time, and the process's RSS at each stage
// (/proc/self/status VmRSS, VmHWM). With --check, also scores D in batch and compares μ and the stock.
import Decisions
import Features
import Forest
import Foundation
import Stream
import Tabular

/// glibc's malloc_trim: gives freed heap back to the system so that RSS shows what is live.
@_silgen_name("malloc_trim") func mallocTrim(_ pad: Int) -> Int32

func memory() -> String {
    _ = mallocTrim(0)
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let wanted = status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
    return wanted.map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        .joined(separator: " / ")
}

var arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
    arguments.removeSubrange(i...(i + 1))
    return v
}
let k = option("--hold-out", 2), batchSize = option("--batch", 1), threads = option("--threads", 2)
let limit = option("--limit", Int.max)
let check = arguments.contains("--check")
arguments.removeAll { $0 == "--check" }
guard arguments.count == 2 else {
    print("usage: live-forecast-bench DATA MODEL [--hold-out K] [--batch N] [--threads T] [--check]")
    exit(2)
}
let clock = ContinuousClock()
func seconds(_ d: Duration) -> String { String(format: "%.3f", Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) }

print("start: \(memory())")
var start = clock.now
var full: InstacartData? = try InstacartReader.read(directory: arguments[0], threads: threads)
print("read \(full!.orders.count) orders, \(full!.priorProducts.count) prior rows in \(seconds(clock.now - start)) s; \(memory())")
let model = try ForestModel.load(from: arguments[1])

// H and the held-out orders as events.
start = clock.now
var events: [OrderEvent] = []
var history: InstacartData
do {
    let d = full!
    let o = d.orders
    var priorByUser: [Int32: [Int]] = [:]
    for r in 0..<o.count where o.evalSet(atRow: r) == .prior { priorByUser[o.userID[r], default: []].append(r) }
    var drop = Set<Int>()
    for (_, rows) in priorByUser { for r in rows.sorted(by: { o.orderNumber[$0] < o.orderNumber[$1] }).suffix(k) { drop.insert(r) } }
    var kept = OrderTable()
    for r in 0..<o.count where !drop.contains(r) {
        kept.append(orderID: o.orderID[r], userID: o.userID[r], evalSet: o.evalSet(atRow: r), orderNumber: o.orderNumber[r],
                    dow: o.dow[r], hour: o.hour[r], daysSincePrior: o.daysSincePrior[r])
    }
    let rowOf = Dictionary(uniqueKeysWithValues: drop.map { (o.orderID[$0], $0) })
    var lines: [Int: [OrderLine]] = [:]
    var prior = OrderProductTable()
    let p = d.priorProducts
    for i in 0..<p.count {
        if let r = rowOf[p.orderID[i]] {
            lines[r, default: []].append(OrderLine(productID: p.productID[i], addToCartOrder: p.addToCartOrder[i], reordered: p.reordered[i] == 1))
        } else {
            prior.append(orderID: p.orderID[i], productID: p.productID[i], addToCartOrder: p.addToCartOrder[i], reordered: p.reordered[i])
        }
    }
    for r in drop.sorted(by: { (o.orderNumber[$0], o.userID[$0]) < (o.orderNumber[$1], o.userID[$1]) }) {
        events.append(OrderEvent(orderID: o.orderID[r], userID: o.userID[r], orderNumber: o.orderNumber[r], dow: o.dow[r], hour: o.hour[r],
                                 daysSincePrior: o.daysSincePrior[r].isNaN ? nil : o.daysSincePrior[r], lines: lines[r] ?? []))
    }
    history = InstacartData(aisles: d.aisles, departments: d.departments, products: d.products, orders: kept, priorProducts: prior,
                            trainProducts: d.trainProducts)
}
if events.count > limit { events.removeLast(events.count - limit) }
if !check { full = nil }
print("held out \(events.count) orders (\(events.reduce(0) { $0 + $1.lines.count }) lines) in \(seconds(clock.now - start)) s; \(memory())")

start = clock.now
let live = try LiveForecast(data: history, model: model, threads: threads)
let users = live.userCount, rowsInHistory = history.priorProducts.count
history = InstacartData()
print("LiveForecast of \(users) users, \(rowsInHistory) prior rows, \(live.candidateRowCount) candidate rows built and scored in "
      + "\(seconds(clock.now - start)) s; \(memory())")

start = clock.now
var scored = 0
var i = 0
while i < events.count {
    let end = min(i + batchSize, events.count)
    scored += try live.apply(Array(events[i..<end])).rowsScored
    i = end
}
let applySeconds = Double((clock.now - start).components.seconds) + Double((clock.now - start).components.attoseconds) * 1e-18
print(String(format: "apply: %d events in batches of %d in %.3f s: %.0f events/s, %d rows re-scored", events.count, batchSize, applySeconds,
             Double(events.count) / applySeconds, scored))
start = clock.now
let refresh = try live.refresh()
print("refresh: \(refresh.changedProducts) changed products, \(refresh.usersRescored) users, \(refresh.rowsScored) rows in "
      + "\(seconds(clock.now - start)) s; \(memory())")

if check, let d = full {
    let (matrix, _) = ReorderMatrix.build(d)
    let p = try ForestPredictor(model).predict(matrix.features, threads: threads)
    var demand = DemandAccumulator()
    demand.add(products: matrix.keys.columns[1], probabilities: p)
    let batch = Dictionary(uniqueKeysWithValues: demand.totals.map { ($0.product, $0) })
    let policy = StockPolicy(serviceLevel: 0.95)
    var worst = 0.0, stockDiffers = 0
    let rows = live.stock()
    for row in rows {
        guard let b = batch[row.productID] else { stockDiffers += 1; continue }
        worst = max(worst, abs(row.expectedDemand - b.expectedDemand) / max(b.expectedDemand, 1e-300))
        if row.recommendedStock != policy.recommendedStock(expectedDemand: b.expectedDemand, variance: b.variance) { stockDiffers += 1 }
    }
    print("check against batch: \(rows.count) live products, \(batch.count) batch; largest relative μ difference \(worst); "
          + "\(stockDiffers) products with another stock")
}
