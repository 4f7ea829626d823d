/// The calibrated parameters of the generative model (CALIBRATION.md §4), one for one the `P` dict of
/// the Python reference `proto_generator.py` (its key is named in each comment). Defaults are the
/// calibrated values; tests and calibration runs may change them.
public struct GenerationParameters: Sendable, Equatable {
    // MARK: Orders per user: N = min(maxOrders, minOrders + NegBin(mean, size))
    /// `n_nb_mean`: mean of the negative binomial part of the order count.
    public var orderCountMean = 12.44
    /// `n_nb_size`: its size (dispersion).
    public var orderCountSize = 0.504
    /// `n_min`, `n_max`: the Kaggle data has 4..100 orders per user.
    public var minOrders = 4
    public var maxOrders = 100

    // MARK: Cadence: ln mu_u = gapIntercept + gapSlope ln(N - 1) + gapSD z
    /// `gap_a`, `gap_b`, `gap_sd`.
    public var gapIntercept = 4.45
    public var gapSlope = -0.56
    public var gapSD = 0.45
    /// `gap_shape`: true gap G = 1 + floor(Gamma(shape, mean mu - 1)).
    public var gapShape = 1.5
    /// `gap_max`: largest true gap (days) in the gap law.
    public var maxGap = 120
    /// `p_same_day`: P(G = 0).
    public var sameDayProbability = 0.022
    /// `week_snap`: share of the gap mass moved to the nearest multiple of 7 (>= 7).
    public var weekSnap = 0.08
    /// `window_days`, `window_fill`: a history spans at most ~1 year; mu is capped at
    /// windowFill * windowDays / (N - 1) and timelines longer than windowDays are redrawn.
    public var windowDays = 365
    public var windowFill = 0.95
    /// Redraws of a timeline longer than `windowDays` before the last one is kept (proto: 20).
    public var timelineAttempts = 20

    // MARK: Day of week and hour
    /// `dow_global`: full-data order_dow pmf (0..6).
    public var dowPMF = [0.1756, 0.1717, 0.1366, 0.1277, 0.1246, 0.1325, 0.1312]
    /// `dow_eta`: exponent on the global pmf inside the user's preference omega_u.
    public var dowExponent = 1.0
    /// `dow_fav_boost`: log-boost of the user's favourite day.
    public var favouriteDayBoost = 0.6
    /// `hour_global`: full-data order_hour_of_day pmf (0..23).
    public var hourPMF = [
        0.0067, 0.0036, 0.0022, 0.0016, 0.0016, 0.0028, 0.0089, 0.0269, 0.0521, 0.0754, 0.0843, 0.0832,
        0.0798, 0.0813, 0.0827, 0.0829, 0.0797, 0.0669, 0.0535, 0.0411, 0.0305, 0.0228, 0.0180, 0.0117,
    ]
    /// `hour_habit`, `hour_habit_sd`: w.p. hourHabit the hour is round(c_u + hourHabitSD z) mod 24.
    public var hourHabit = 0.55
    public var hourHabitSD = 1.6

    // MARK: Basket size: n = 1 + NegBin(mean lambda_u e^{e_t} s(G) - 1, size basketSize)
    /// `size_logmu`, `size_logsd_lo`, `size_logsd_hi`: ln lambda_u = mu + z * (lo if z < 0 else hi).
    public var basketLogMean = 2.31
    public var basketLogSDLow = 0.70
    public var basketLogSDHigh = 0.46
    /// `size_phi`: negative binomial size of the within-user basket law.
    public var basketDispersion = 14.0
    /// `size_ar`, `size_ar_sd`: AR(1) e_t = ar e_{t-1} + sqrt(1 - ar^2) sd xi.
    public var basketAutocorrelation = 0.35
    public var basketAutocorrelationSD = 0.20
    /// `p_single_item`: extra probability of a 1-item order.
    public var singleItemProbability = 0.015
    /// `size_gap_a`, `size_gap_tau`: s(G) = 1 - a exp(-(G / tau)^1.5).
    public var shortGapShrink = 0.45
    public var shortGapScale = 2.5

    // MARK: Repeat share: logit rho = c_u + g L + g2 L^2 + sd xi (+ shift on the last order)
    /// `rep_c0`, `rep_sc`: c_u ~ N(c0, sc).
    public var repeatIntercept = -0.84
    public var repeatUserSD = 0.70
    /// `rep_g`, `rep_g2`: coefficients of L = ln(t - 1) and L^2.
    public var repeatSlope = 0.80
    public var repeatCurvature = -0.04
    /// `rep_order_sd`: per-order noise on the logit.
    public var repeatOrderSD = 0.7
    /// `last_order_rep_shift`: shift of the logit on the user's last order.
    public var lastOrderRepeatShift = -0.2
    /// `last_order_size_mult`: basket-size multiplier on the last order.
    public var lastOrderSizeMultiplier = 1.0

    // MARK: Habits and repeat choice
    /// `oneshot_c`, `oneshot_b`, `oneshot_mult`: P(one-shot pair) = sigmoid(c - b * b_p); a one-shot
    /// pair's habit is multiplied by oneShotMultiplier.
    public var oneShotIntercept = -2.0
    public var oneShotSlope = 1.0
    public var oneShotMultiplier = 0.02
    /// `habit_sd`, `habit_floor`: h = e^{b_p} (floor + e^{sd z}).
    public var habitSD = 0.9
    public var habitFloor = 0.15
    /// `alpha`, `beta`: repeat weight k^alpha (r^-beta + rediscover). The proto's alpha 0.10, beta 0.40
    /// made recency too informative (slice logit coefficient of ln r -0.60 vs real -0.52, GBM AUC
    /// +0.02..0.03, the residual of CALIBRATION.md §4.4). With the rediscovery floor below, beta 0.45
    /// gives -0.49..-0.51; alpha 0.15 keeps staples as sticky as in the real slice (docs/generator.md
    /// has the calibration runs).
    public var countExponent = 0.15
    public var recencyExponent = 0.45
    /// `rediscover`: rediscovery. The recency factor is r^-beta + rediscover, so a product not bought
    /// for many orders keeps a floor of weight instead of fading as a power of r: real users go back
    /// to items they bought once months ago more often than a power law says (real P(y | r = 21+)
    /// 0.010, k = 1 and r = 11-20 0.018). 0 (the proto) is the pure power.
    public var recencyFloor = 0.4
    /// `need_a`, `need_tau`, `need_same_day`, `need_week`: need(D) = 1 - a e^{-D/tau} (D >= 1),
    /// need(0) = sameDay, x (1 + week) when D is 7, 14, 21 or 28.
    public var needDepth = 0.92
    public var needScale = 3.5
    public var needSameDay = 3.5
    public var needWeekly = 0.3
    /// `need_tau_sd`: spread of the consumption cycle between pairs. Each (user, product) pair draws its
    /// own tau = needScale e^{sd z} at its first purchase (z ~ N(0, 1), rounded to quarters and
    /// clipped at +-4, so that need(D) stays a table lookup), in place of one tau for every pair: some
    /// items are rebought within days, others only after weeks, so days and orders since the last
    /// purchase say less about the next order. 0 (the proto) gives every pair needScale.
    public var needScaleSD = 0.0
    /// `decay_days`: slow forgetting e^{-D / decayDays}.
    public var forgettingDays = 1000.0
    /// `drift`, `drift_mult`: after every order each habit is multiplied by driftMultiplier w.p. drift.
    public var driftProbability = 0.02
    public var driftMultiplier = 0.1
    /// `habit_switch`, `habit_switch_sd`: changing tastes. After every order each pair's preference level
    /// x is redrawn w.p. switchProbability: x = sd z - sd^2 / 2 (mean e^x = 1), and h is multiplied by
    /// e^{x_new - x_old} (x = 0 at the first purchase). A pair's past rate then predicts its present
    /// weight less well: a staple may become occasional and an occasional item a staple. 0 (the proto)
    /// keeps every habit fixed apart from `drift`.
    public var switchProbability = 0.0
    public var switchSD = 0.0

    // MARK: Catalog and new items
    /// Product reorderability b_p = scale (logit(clip(r_a, lo, hi)) - logit(centre)) + sd e_p +
    /// coupling z_p, r_a the aisle's reorder ratio (proto: 1.2, 0.666, clip 0.2..0.9).
    public var reorderabilityScale = 1.2
    public var reorderabilityCentre = 0.666
    public var reorderabilityClip = 0.2...0.9
    /// `prod_b_sd`: product reorderability noise (proto 0.5; 0.35 since issue 16: the product effect was
    /// too strong, sd of ln(observed / expected) across products 0.44 vs real 0.41, and it made the
    /// 20-feature model's AUC too high; docs/generator.md).
    public var reorderabilitySD = 0.35
    /// `pop_b`: coupling of reorderability to within-aisle popularity z.
    public var reorderabilityPopularity = 0.25
    /// `pop_sd_mult`: multiplier on each aisle's fitted popularity spread.
    public var popularitySpreadMultiplier = 1.25
    /// Within-aisle popularity z_p: the aisle's normal quantiles in random order (stratified) instead of
    /// independent N(0, 1) draws (proto). Same law; the catalog's head no longer swings with the seed.
    public var stratifiedPopularity = true
    /// `head_n`, `head_boost`: the largest new-item weights are multiplied by headBoost (proto 1.8 with
    /// independent z; with stratified z, 1.2 puts the top product in 14.3-14.9 % of prior orders and
    /// the top 10 at 7.0-7.3 % of rows over 8 seeds, published 14.7 % and 7.35 %).
    public var headCount = 10
    public var headBoost = 1.2
    /// Scale of the reorderability noise e_p of the head products (1 in the proto; 0 pins their
    /// habit strength to the aisle's level so that the head does not swing with the seed).
    public var headNoiseScale = 0.0
    /// `pop_floor`: share of new-item mass spread uniformly over all products.
    public var popularityFloor = 0.03
    /// `dept_conc`: Dirichlet concentration of the user's department affinity.
    public var departmentConcentration = 12.0
    /// Attempts per basket slot to find a product the user has not bought yet (proto: 50).
    public var newItemAttemptsPerSlot = 50

    // MARK: Cart order: key = cartRepeat * reordered + cartWeight * ln w + N(0, 1)
    /// `cart_rep`, `cart_w`.
    public var cartRepeat = 0.45
    public var cartWeight = 0.15

    public init() {}
}
