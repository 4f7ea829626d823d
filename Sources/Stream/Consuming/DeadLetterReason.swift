/// Why the stream refused an event. The event is published to the dead-letter subject with
/// `text` and its log position, acknowledged, and counted under `kind` in the summary; it never
/// stops the stream.
public struct DeadLetterReason: Sendable, Equatable, CustomStringConvertible {
    /// The counting category.
    public enum Kind: String, CaseIterable, Sendable {
        /// The payload is not a valid event (`OrderEventJSON.decode`'s reason).
        case malformed
        /// A product_id that is not in the `products` table.
        case unknownProduct = "unknown_product"
        /// An order_number not greater than the user's highest prior one, a prior order numbered at
        /// or after the user's train/test order, or a second train/test order of a user.
        case orderNumberOutOfSequence = "order_number_out_of_sequence"
        /// An order_id already stored (or earlier in the stream) with other content.
        case conflictingDuplicate = "conflicting_duplicate"
    }

    public let kind: Kind
    /// One line for a person: what is wrong, with the values.
    public let text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    public var description: String { "\(kind.rawValue): \(text)" }
}
