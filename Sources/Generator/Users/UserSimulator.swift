#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tabular

/// Simulates one user at a time (CALIBRATION.md §4.2, a port of proto_generator.py `gen_user`).
///
/// Per user: cadence mu_u and calendar (`OrderCalendar`), favourite day, hour centre c_u, basket scale
/// lambda_u, repeat propensity c_u and department affinity a_u ~ Dirichlet. Per order t:
/// * hour: w.p. `hourHabit` round(c_u + sd z) mod 24, else the global hour pmf;
/// * size n_t = 1 + NegBin(mean lambda_u e^{e_t} s(G_t) - 1, size phi), e_t an AR(1), w.p.
///   `singleItemProbability` n_t = 1;
/// * repeats R_t ~ Binomial(n_t, rho_t), logit rho_t = c_u + g L + g2 L^2 + sd xi (L = ln(t - 1)),
///   capped at the history size, chosen without replacement with weights
///   w = h k^alpha (r^-beta + rediscover) need_tau(D) e^{-D/decay} (Plackett-Luce, drawn as an exponential race:
///   the R smallest E_i / w_i, E_i ~ Exp(1), which is the Gumbel top-k of ln w), tau the pair's
///   consumption cycle (`needScaleSD`);
/// * new items fill the other slots: department ~ a_u, product ~ w_p within it, products the user
///   already bought are redrawn; each new pair gets habit e^{b_p}(floor + e^{sd z}), x oneShotMultiplier
///   w.p. sigmoid(c - b b_p);
/// * cart order: decreasing 0.45 reordered + 0.15 ln w + N(0, 1);
/// * after the order every habit is multiplied by `driftMultiplier` w.p. `driftProbability`, and each
///   pair's preference level is redrawn w.p. `switchProbability` (changing tastes).
///
/// Everything is drawn from the user's `userLife` stream, so a user's history does not depend on which
/// thread simulates it. Not thread-safe: one simulator per worker. Cost per order O(H log R) for a
/// history of H products (one logarithm per product) plus O(n_t log P) for new items.
public final class UserSimulator {
    /// Baskets are capped here (the real maximum is 145 items).
    public static let maxBasketSize = 1000

    private let parameters: GenerationParameters
    private let seed: UInt64
    private var calendar: OrderCalendar
    private var history = PurchaseHistory()
    /// stamp[p] == currentStamp when the current user has bought product p.
    private let stamp: UnsafeMutablePointer<UInt32>
    private var currentStamp: UInt32 = 0
    private let productCount: Int
    /// Catalog columns flattened for the hot loop.
    private let reorderability: UnsafeMutablePointer<Double>
    private let departmentStart: [Int]
    private let departmentCumulative: UnsafeMutablePointer<Double>
    private let departmentProducts: UnsafeMutablePointer<Int32>
    /// k^alpha, r^-beta, need(D) e^{-D/decay} (one row of `needTableSize` days per cycle class) and
    /// s(G) tables.
    private let countFactor: [Double]
    private let recencyFactor: [Double]
    private let needFactor: [Double]
    private let sizeFactor: [Double]
    private let dowPMF: [Double]
    private let dowTable: CumulativeTable
    private let hourTable: CumulativeTable
    private let affinityPrior: [Double]
    // Basket scratch.
    private var basketProduct: [Int32] = []
    private var basketRepeat: [UInt8] = []
    private var basketKey: [Double] = []
    private let heapKey: UnsafeMutablePointer<Double>
    private let heapSlot: UnsafeMutablePointer<Int32>

    public init(catalog: Catalog, seed: UInt64, parameters p: GenerationParameters = GenerationParameters()) {
        parameters = p
        self.seed = seed
        calendar = OrderCalendar(parameters: p)
        heapKey = .allocate(capacity: UserSimulator.maxBasketSize + 1)
        heapSlot = .allocate(capacity: UserSimulator.maxBasketSize + 1)
        productCount = catalog.productCount
        stamp = .allocate(capacity: productCount + 1)
        stamp.initialize(repeating: 0, count: productCount + 1)
        reorderability = .allocate(capacity: productCount + 1)
        reorderability[0] = 0
        for i in 0..<productCount { reorderability[i + 1] = catalog.reorderability[i] }
        var starts = [0]
        for ids in catalog.departmentProducts { starts.append(starts[starts.count - 1] + ids.count) }
        departmentStart = starts
        departmentCumulative = .allocate(capacity: max(1, starts[starts.count - 1]))
        departmentProducts = .allocate(capacity: max(1, starts[starts.count - 1]))
        for (d, ids) in catalog.departmentProducts.enumerated() {
            for (j, id) in ids.enumerated() {
                departmentProducts[starts[d] + j] = id
                departmentCumulative[starts[d] + j] = catalog.departmentTables[d].cumulative[j]
            }
        }
        let maxOrders = max(p.maxOrders, 2) + 1
        countFactor = (0...maxOrders).map { pow(Double(max($0, 1)), p.countExponent) }
        recencyFactor = (0...maxOrders).map { pow(Double(max($0, 1)), -p.recencyExponent) + p.recencyFloor }
        needFactor = (0..<UserSimulator.cycleClassCount(p)).flatMap { c in
            (0..<UserSimulator.needTableSize).map {
                UserSimulator.need(days: $0, scale: UserSimulator.cycleScale(class: c, parameters: p), parameters: p)
            }
        }
        sizeFactor = (0...p.maxGap).map { 1 - p.shortGapShrink * exp(-pow(Double($0) / p.shortGapScale, 1.5)) }
        let dowTotal = p.dowPMF.reduce(0, +)
        dowPMF = p.dowPMF.map { $0 / dowTotal }
        dowTable = CumulativeTable(weights: dowPMF)
        hourTable = CumulativeTable(weights: p.hourPMF)
        let shares = InstacartTaxonomy.departmentNewItemShare
        let shareTotal = shares.reduce(0, +)
        affinityPrior = shares.map { p.departmentConcentration * $0 / shareTotal + 1e-3 }
    }

    deinit {
        history.deallocate()
        stamp.deallocate()
        reorderability.deallocate()
        departmentCumulative.deallocate()
        departmentProducts.deallocate()
        heapKey.deallocate()
        heapSlot.deallocate()
    }

    static let needTableSize = 4096
    /// Cycle classes when `needScaleSD` > 0: ln tau = ln needScale + sd c / 4 for c in -16...16.
    static let cycleClassesPerSide = 16

    static func cycleClassCount(_ p: GenerationParameters) -> Int {
        p.needScaleSD > 0 ? 2 * cycleClassesPerSide + 1 : 1
    }

    /// tau of cycle class `c` (the only class, 0, is needScale when `needScaleSD` is 0).
    static func cycleScale(class c: Int, parameters p: GenerationParameters) -> Double {
        p.needScaleSD > 0 ? p.needScale * exp(p.needScaleSD * Double(c - cycleClassesPerSide) / 4) : p.needScale
    }

    /// need(D) e^{-D/decay} for a cycle of `scale` days: the consumption cycle (just-bought items are
    /// skipped, same-day orders copy the previous cart, a weekly bump at 7, 14, 21, 28 days) times
    /// slow forgetting.
    static func need(days d: Int, scale: Double, parameters p: GenerationParameters) -> Double {
        let x = Double(d)
        var value = d == 0 ? p.needSameDay : 1 - p.needDepth * exp(-x / scale)
        value *= exp(-x / p.forgettingDays)
        if d > 0 && d <= 28 && d % 7 == 0 { value *= 1 + p.needWeekly }
        return value
    }

    /// Simulates user `userID` with the given plan into `out` (its previous content is replaced).
    public func simulate(userID: Int, plan: UserPlan, into out: inout SimulatedUser) {
        let p = parameters
        var random = RandomSource(master: seed, stream: RandomStream.userLife.rawValue, index: UInt64(userID))
        out.reset(userID: userID, plan: plan)
        let n = plan.orderCount

        // User-level draws.
        var mu = exp(p.gapIntercept + p.gapSlope * log(Double(n - 1)) + p.gapSD * random.normal())
        mu = min(mu, p.windowFill * Double(p.windowDays) / Double(n - 1))
        let favourite = dowTable.sample(&random)
        let omega = (0..<7).map { d in
            pow(dowPMF[d], p.dowExponent) * (d == favourite ? exp(p.favouriteDayBoost) : 1)
        }
        let hourCentre = Double(hourTable.sample(&random))
        let z = random.normal()
        let lambda = exp(p.basketLogMean + z * (z < 0 ? p.basketLogSDLow : p.basketLogSDHigh))
        let userRepeat = p.repeatIntercept + p.repeatUserSD * random.normal()
        let affinity = CumulativeTable(weights: random.dirichlet(affinityPrior))
        calendar.setMeanGap(mu)
        calendar.setDayPreference(omega)
        calendar.draw(
            orderCount: n, omega: CumulativeTable(weights: omega), dows: &out.dows, gaps: &out.gaps,
            random: &random)

        nextStamp()
        history.count = 0
        var day = 0
        var ar = 0.0
        let arScale = (1 - p.basketAutocorrelation * p.basketAutocorrelation).squareRoot() * p.basketAutocorrelationSD
        for t in 1...n {
            let gap = out.gaps[t - 1]
            if gap > 0 { day += gap }
            if random.uniform() < p.hourHabit {
                let h = Int((hourCentre + p.hourHabitSD * random.normal()).rounded())
                out.hours.append(((h % 24) + 24) % 24)
            } else {
                out.hours.append(hourTable.sample(&random))
            }
            ar = p.basketAutocorrelation * ar + arScale * random.normal()
            let gapFactor = gap < 0 ? 1 : sizeFactor[min(gap, sizeFactor.count - 1)]
            let mean = lambda * exp(ar) * gapFactor * (t == n ? p.lastOrderSizeMultiplier : 1)
            var size = 1 + (mean > 1 ? random.negativeBinomial(mean: mean - 1, size: p.basketDispersion) : 0)
            if random.uniform() < p.singleItemProbability { size = 1 }
            size = min(size, UserSimulator.maxBasketSize)
            if t == n && plan.isTest {
                out.basketEnds.append(out.products.count)
                break
            }
            fillBasket(
                order: t, lastOrder: n, size: size, day: day, userRepeat: userRepeat, affinity: affinity,
                random: &random)
            orderCart(random: &random)
            for j in basketProduct.indices {
                out.products.append(basketProduct[j])
                out.reordered.append(basketRepeat[j])
            }
            out.basketEnds.append(out.products.count)
            drift(random: &random)
        }
    }

    /// Chooses the repeats and the new items of order t into the basket scratch (cart keys hold
    /// ln w of repeats for `orderCart`).
    private func fillBasket(
        order t: Int, lastOrder n: Int, size: Int, day: Int, userRepeat: Double, affinity: CumulativeTable,
        random: inout RandomSource
    ) {
        let p = parameters
        basketProduct.removeAll(keepingCapacity: true)
        basketRepeat.removeAll(keepingCapacity: true)
        basketKey.removeAll(keepingCapacity: true)
        let h = history.count
        if t > 1 && h > 0 {
            let l = log(Double(t - 1))
            let x =
                userRepeat + p.repeatSlope * l + p.repeatCurvature * l * l + p.repeatOrderSD * random.normal()
                + (t == n ? p.lastOrderRepeatShift : 0)
            let rho = 1 / (1 + exp(-x))
            let repeats = min(random.binomial(count: size, probability: rho), h)
            if repeats > 0 { chooseRepeats(repeats, order: t, day: day, random: &random) }
        }
        var missing = size - basketProduct.count
        var tries = 0
        let maxTries = p.newItemAttemptsPerSlot * size
        while missing > 0 && tries < maxTries {
            tries += 1
            let d = affinity.sample(&random)
            let lo = departmentStart[d]
            let hi = departmentStart[d + 1]
            if hi == lo { continue }
            let cum = UnsafeBufferPointer(start: departmentCumulative + lo, count: hi - lo)
            let j = CumulativeTable.search(cum, random.uniform() * cum[hi - lo - 1])
            if addNewItem(departmentProducts[lo + j], order: t, day: day, random: &random) { missing -= 1 }
        }
        // An empty basket is possible only for a user who has bought nearly everything in the
        // departments they favour; fall back to any product they have not bought.
        var fallback = 0
        while basketProduct.isEmpty && fallback < 100_000 {
            fallback += 1
            _ = addNewItem(Int32(1 + random.integer(below: productCount)), order: t, day: day, random: &random)
        }
    }

    /// Adds `id` to the basket and the history as a first purchase unless the user bought it before.
    @inline(__always)
    private func addNewItem(_ id: Int32, order t: Int, day: Int, random: inout RandomSource) -> Bool {
        if stamp[Int(id)] == currentStamp { return false }
        stamp[Int(id)] = currentStamp
        let p = parameters
        let b = reorderability[Int(id)]
        let oneShot = random.uniform() < 1 / (1 + exp(-(p.oneShotIntercept - p.oneShotSlope * b)))
        let strength = exp(b) * (p.habitFloor + exp(p.habitSD * random.normal())) * (oneShot ? p.oneShotMultiplier : 1)
        var cycle = 0
        if p.needScaleSD > 0 {
            let side = UserSimulator.cycleClassesPerSide
            cycle = side + min(side, max(-side, Int((4 * random.normal()).rounded())))
        }
        _ = history.append(product: id, habit: strength, order: Int32(t), day: Int32(day), cycle: UInt8(cycle))
        basketProduct.append(id)
        basketRepeat.append(0)
        basketKey.append(0)
        return true
    }

    /// Draws `count` distinct repeats (Plackett-Luce without replacement) and updates their state.
    private func chooseRepeats(_ count: Int, order t: Int, day: Int, random: inout RandomSource) {
        let h = history.count
        let habit = history.habit
        let purchases = history.purchases
        let lastOrder = history.lastOrder
        let lastDay = history.lastDay
        let cycle = history.cycle
        let weights = history.keys
        let table = UserSimulator.needTableSize
        countFactor.withUnsafeBufferPointer { kf in
            recencyFactor.withUnsafeBufferPointer { rf in
                needFactor.withUnsafeBufferPointer { nf in
                    for i in 0..<h {
                        let d = day - Int(lastDay[i])
                        let c = Int(cycle[i])
                        let need =
                            d < table
                            ? nf[c &* table &+ d]
                            : UserSimulator.need(
                                days: d, scale: UserSimulator.cycleScale(class: c, parameters: parameters),
                                parameters: parameters)
                        weights[i] = habit[i] * kf[Int(purchases[i])] * rf[t - Int(lastOrder[i])] * need
                    }
                }
            }
        }
        let chosen = heapSlot
        let chosenCount = WeightedSampling.exponentialRace(
            weights: UnsafeBufferPointer(start: weights, count: h), take: count, keys: heapKey, chosen: chosen,
            random: &random)
        for c in 0..<chosenCount {
            let i = Int(chosen[c])
            basketProduct.append(history.product[i])
            basketRepeat.append(1)
            basketKey.append(log(weights[i]))
            purchases[i] += 1
            lastOrder[i] = Int32(t)
            lastDay[i] = Int32(day)
        }
    }

    /// Sorts the basket by decreasing cartRepeat * reordered + cartWeight * ln w + N(0, 1)
    /// (insertion sort: baskets are small).
    private func orderCart(random: inout RandomSource) {
        let p = parameters
        for j in basketKey.indices {
            basketKey[j] = p.cartRepeat * Double(basketRepeat[j]) + p.cartWeight * basketKey[j] + random.normal()
        }
        for i in 1..<max(1, basketKey.count) {
            let key = basketKey[i]
            let product = basketProduct[i]
            let flag = basketRepeat[i]
            var j = i - 1
            while j >= 0 && basketKey[j] < key {
                basketKey[j + 1] = basketKey[j]
                basketProduct[j + 1] = basketProduct[j]
                basketRepeat[j + 1] = basketRepeat[j]
                j -= 1
            }
            basketKey[j + 1] = key
            basketProduct[j + 1] = product
            basketRepeat[j + 1] = flag
        }
    }

    /// Multiplies each habit by `driftMultiplier` with probability `driftProbability`, then redraws
    /// each pair's preference level with probability `switchProbability`, visiting only the chosen
    /// pairs (geometric skips: O((drift + switch) * H) draws).
    private func drift(random: inout RandomSource) {
        wander(random: &random)
        let p = parameters
        guard p.driftProbability > 0 else { return }
        let h = history.count
        if p.driftProbability >= 1 {
            for i in 0..<h { history.habit[i] *= p.driftMultiplier }
            return
        }
        let logq = log(1 - p.driftProbability)
        var i = random.geometricFailures(logOneMinusP: logq)
        while i < h {
            history.habit[i] *= p.driftMultiplier
            i += 1 + random.geometricFailures(logOneMinusP: logq)
        }
    }

    /// Changing tastes: w.p. `switchProbability` a pair's level x is redrawn as sd z - sd^2 / 2 and its
    /// habit multiplied by e^{x_new - x_old}.
    private func wander(random: inout RandomSource) {
        let p = parameters
        guard p.switchProbability > 0 else { return }
        let h = history.count
        let shift = p.switchSD * p.switchSD / 2
        func redraw(_ i: Int) {
            let x = p.switchSD * random.normal() - shift
            history.habit[i] *= exp(x - history.level[i])
            history.level[i] = x
        }
        if p.switchProbability >= 1 {
            for i in 0..<h { redraw(i) }
            return
        }
        let logq = log(1 - p.switchProbability)
        var i = random.geometricFailures(logOneMinusP: logq)
        while i < h {
            redraw(i)
            i += 1 + random.geometricFailures(logOneMinusP: logq)
        }
    }

    private func nextStamp() {
        if currentStamp == UInt32.max {
            stamp.update(repeating: 0, count: productCount + 1)
            currentStamp = 0
        }
        currentStamp += 1
    }
}
