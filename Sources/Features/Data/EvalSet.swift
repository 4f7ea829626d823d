/// The `eval_set` of an order, stored as one byte: 0 = prior, 1 = train, 2 = test.
///
/// A user's orders 1..N-1 are `prior`; order N is `train` (its products are the labels, in
/// order_products__train.csv) or `test` (unlabelled, the order to forecast for).
public enum EvalSet: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case prior = 0
    case train = 1
    case test = 2

    /// The spelling in orders.csv.
    public var name: String {
        switch self {
        case .prior: "prior"
        case .train: "train"
        case .test: "test"
        }
    }

    public var description: String { name }
}
