/// Wall-clock durations as the numbers that summaries and progress lines print: one home for the
/// conversion that every job needs. Cost: a few arithmetic operations.
public enum Elapsed {
    /// `d` in seconds, with its sub-second part.
    @inlinable
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Seconds from `start` to now on the continuous clock.
    public static func seconds(since start: ContinuousClock.Instant) -> Double {
        seconds(ContinuousClock.now - start)
    }

    /// `s` rounded to two decimals, as "12.34" (no Foundation needed).
    public static func format(_ s: Double) -> String {
        let scaled = (s * 100).rounded()
        let whole = Int(scaled / 100), frac = Int(scaled.truncatingRemainder(dividingBy: 100))
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}
