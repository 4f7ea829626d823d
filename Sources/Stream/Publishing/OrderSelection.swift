import Features

/// Which orders of a data folder `OrderFeed` turns into events (`restock publish --orders`).
public enum OrderSelection: String, CaseIterable, Sendable {
    /// Every order (prior, train and test).
    case all
    case prior
    case train
    case test

    /// True when an order of `evalSet` is selected.
    public func includes(_ evalSet: EvalSet) -> Bool {
        switch self {
        case .all: true
        case .prior: evalSet == .prior
        case .train: evalSet == .train
        case .test: evalSet == .test
        }
    }
}
