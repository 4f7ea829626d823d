#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the first, cheap pass decides about a user before anything is simulated: the number of orders
/// N = min(maxOrders, minOrders + NegBin(mean, size)) (CALIBRATION.md §4.2 step 1) and whether the last
/// order is a `test` order (probability `testFraction`) or a `train` one.
///
/// Drawn from the user's own `userPlan` stream, so that order ids can be assigned to every order before
/// the users are simulated in parallel. Cost O(1) per user.
public struct UserPlan: Sendable, Equatable {
    /// Total orders of the user, the last (train/test) one included.
    public var orderCount: Int
    /// True when the last order is a `test` order (no products written).
    public var isTest: Bool

    public init(orderCount: Int, isTest: Bool) {
        self.orderCount = orderCount
        self.isTest = isTest
    }

    /// The plan of user `userID` (1-based) under `seed`.
    public static func draw(
        userID: Int, seed: UInt64, testFraction: Double, parameters p: GenerationParameters
    ) -> UserPlan {
        var random = RandomSource(master: seed, stream: RandomStream.userPlan.rawValue, index: UInt64(userID))
        let extra = random.negativeBinomial(mean: p.orderCountMean, size: p.orderCountSize)
        let count = min(p.maxOrders, p.minOrders + extra)
        let isTest = random.uniform() < testFraction
        return UserPlan(orderCount: max(2, count), isTest: isTest)
    }
}
