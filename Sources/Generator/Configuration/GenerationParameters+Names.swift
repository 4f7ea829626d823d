/// Setting parameters by their proto_generator.py name (`beta=0.35`), for calibration runs
/// (`restock generate --set beta=0.35`, like the prototype's `--set`).
extension GenerationParameters {
    /// The proto name of every numeric parameter and its key path.
    static var byName: [String: WritableKeyPath<GenerationParameters, Double>] {
        [
        "n_nb_mean": \.orderCountMean, "n_nb_size": \.orderCountSize,
        "gap_a": \.gapIntercept, "gap_b": \.gapSlope, "gap_sd": \.gapSD, "gap_shape": \.gapShape,
        "p_same_day": \.sameDayProbability, "week_snap": \.weekSnap, "window_fill": \.windowFill,
        "dow_eta": \.dowExponent, "dow_fav_boost": \.favouriteDayBoost,
        "hour_habit": \.hourHabit, "hour_habit_sd": \.hourHabitSD,
        "size_logmu": \.basketLogMean, "size_logsd_lo": \.basketLogSDLow, "size_logsd_hi": \.basketLogSDHigh,
        "size_phi": \.basketDispersion, "size_ar": \.basketAutocorrelation, "size_ar_sd": \.basketAutocorrelationSD,
        "p_single_item": \.singleItemProbability, "size_gap_a": \.shortGapShrink, "size_gap_tau": \.shortGapScale,
        "rep_c0": \.repeatIntercept, "rep_sc": \.repeatUserSD, "rep_g": \.repeatSlope,
        "rep_g2": \.repeatCurvature, "rep_order_sd": \.repeatOrderSD,
        "last_order_rep_shift": \.lastOrderRepeatShift, "last_order_size_mult": \.lastOrderSizeMultiplier,
        "oneshot_c": \.oneShotIntercept, "oneshot_b": \.oneShotSlope, "oneshot_mult": \.oneShotMultiplier,
        "habit_sd": \.habitSD, "habit_floor": \.habitFloor, "alpha": \.countExponent, "beta": \.recencyExponent,
        "need_a": \.needDepth, "need_tau": \.needScale, "need_same_day": \.needSameDay, "need_week": \.needWeekly,
        "decay_days": \.forgettingDays, "drift": \.driftProbability, "drift_mult": \.driftMultiplier,
        "rediscover": \.recencyFloor, "need_tau_sd": \.needScaleSD, "habit_switch": \.switchProbability, "habit_switch_sd": \.switchSD,
        "prod_b_sd": \.reorderabilitySD, "pop_b": \.reorderabilityPopularity,
        "pop_sd_mult": \.popularitySpreadMultiplier, "head_boost": \.headBoost, "head_noise": \.headNoiseScale,
        "pop_floor": \.popularityFloor,
        "dept_conc": \.departmentConcentration, "cart_rep": \.cartRepeat, "cart_w": \.cartWeight,
        "b_scale": \.reorderabilityScale, "b_centre": \.reorderabilityCentre,
        ]
    }

    static var integersByName: [String: WritableKeyPath<GenerationParameters, Int>] {
        [
        "n_min": \.minOrders, "n_max": \.maxOrders, "gap_max": \.maxGap, "window_days": \.windowDays,
        "head_n": \.headCount, "timeline_attempts": \.timelineAttempts,
        ]
    }

    /// All names `setting(_:)` accepts.
    public static var names: [String] {
        (Array(byName.keys) + Array(integersByName.keys) + ["pop_stratified"]).sorted()
    }

    /// Applies `name=value`; throws `GenerationError.invalidConfiguration` for an unknown name or a
    /// value that is not a number.
    public mutating func apply(setting: String) throws {
        let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Double(parts[1]) else {
            throw GenerationError.invalidConfiguration("expected name=number, got '\(setting)'")
        }
        if let path = GenerationParameters.byName[parts[0]] {
            self[keyPath: path] = value
        } else if parts[0] == "pop_stratified" {
            stratifiedPopularity = value != 0
        } else if let path = GenerationParameters.integersByName[parts[0]], let n = Int(exactly: value) {
            self[keyPath: path] = n
        } else {
            throw GenerationError.invalidConfiguration(
                "unknown parameter '\(parts[0])' (known: \(GenerationParameters.names.joined(separator: ", ")))")
        }
    }
}
