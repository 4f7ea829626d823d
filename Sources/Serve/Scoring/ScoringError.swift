import Tabular

/// Why an input cannot be scored by a model. Problems inside the input itself (a malformed line)
/// are `MatrixFileError`s with the line number; problems of files are `FileError`s.
public enum ScoringError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The input's feature columns are not the model's (names or order); `difference` is
    /// `FeatureSchema.difference(from:)` of the input against the model.
    case schemaMismatch(input: String, difference: String)
    /// The input lacks a key column the output needs.
    case missingKey(input: String, name: String)

    public var description: String {
        switch self {
        case .schemaMismatch(let input, let difference):
            "\(input): the model was trained on other features: \(difference)"
        case .missingKey(let input, let name):
            "\(input): no \(name) column (the scores are written per user_id and product_id)"
        }
    }
}
