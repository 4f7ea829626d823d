import Foundation

/// What to generate: `users` users from master seed `seed`; a share `testFraction` of them get a `test`
/// last order (the Kaggle data: 75,000 of 206,209 = 36.4 %). The output depends on `users`, `seed`,
/// `testFraction` and `parameters` only, never on `threads`.
public struct GeneratorConfiguration: Sendable, Equatable {
    /// Number of users (Kaggle full scale: 206,209).
    public var users: Int
    /// Master seed; every random stream is derived from it.
    public var seed: UInt64
    /// Probability that a user's last order is `test` (unlabelled) rather than `train`.
    public var testFraction: Double
    /// Worker threads (>= 1).
    public var threads: Int
    /// The generative model's parameters (defaults: the calibrated values).
    public var parameters: GenerationParameters
    /// Users simulated per parallel task (any value gives the same files).
    public var usersPerBlock: Int = 256
    /// Orders per temporary sort bucket (~10 rows per order; any value gives the same files).
    public var ordersPerBucket: Int = 100_000

    /// Kaggle's share of test users, 75,000 / 206,209.
    public static let kaggleTestFraction = 75_000.0 / 206_209.0

    public init(
        users: Int, seed: UInt64, testFraction: Double = GeneratorConfiguration.kaggleTestFraction,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        parameters: GenerationParameters = GenerationParameters()
    ) {
        self.users = users
        self.seed = seed
        self.testFraction = testFraction
        self.threads = threads
        self.parameters = parameters
    }

    /// Throws `GenerationError.invalidConfiguration` naming the first bad value.
    public func validate() throws {
        if users < 1 { throw GenerationError.invalidConfiguration("users must be at least 1, got \(users)") }
        if !(0...1).contains(testFraction) {
            throw GenerationError.invalidConfiguration("test fraction must be in 0...1, got \(testFraction)")
        }
        if threads < 1 { throw GenerationError.invalidConfiguration("threads must be at least 1, got \(threads)") }
        if usersPerBlock < 1 || ordersPerBucket < 1 {
            throw GenerationError.invalidConfiguration("block and bucket sizes must be positive")
        }
        if parameters.minOrders < 2 || parameters.maxOrders < parameters.minOrders || parameters.maxOrders > 4000 {
            let range = "\(parameters.minOrders)...\(parameters.maxOrders)"
            throw GenerationError.invalidConfiguration("orders per user must satisfy 2 <= min <= max <= 4000, got \(range)")
        }
    }
}

/// Counts of what `InstacartGenerator.generate` wrote.
public struct GenerationSummary: Sendable, Equatable {
    public var users = 0
    public var orders = 0
    public var testUsers = 0
    public var priorRows = 0
    public var trainRows = 0
    public var products = 0
    public var aisles = 0
    public var departments = 0

    public init() {}
}

/// Why generation failed.
public enum GenerationError: Error, CustomStringConvertible, Sendable {
    case invalidConfiguration(String)
    case tooManyOrders(Int)
    case cannotCreateFolder(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): "invalid generator configuration: \(message)"
        case .tooManyOrders(let n): "\(n) orders do not fit in 32-bit order ids"
        case .cannotCreateFolder(let path, let reason): "cannot create folder \(path): \(reason)"
        }
    }
}
