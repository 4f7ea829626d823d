/// The run facets Restock emits; each present one becomes an object under `run.facets` carrying
/// `_producer` (the event's producer) and `_schemaURL`.
public struct LineageRunFacets: Sendable, Equatable {
    /// The spec's `errorMessage` facet (ErrorMessageRunFacet), set on FAIL events.
    public struct ErrorMessage: Sendable, Equatable {
        public var message: String
        /// Always `swift` for Restock.
        public var programmingLanguage: String
        public var stackTrace: String?

        public init(message: String, programmingLanguage: String = "swift", stackTrace: String? = nil) {
            self.message = message
            self.programmingLanguage = programmingLanguage
            self.stackTrace = stackTrace
        }
    }

    /// Restock's custom `restock_model` facet: the model version a run trained or used and the
    /// run's parameters as strings (hyperparameters, seeds, policy settings). Its `_schemaURL` is
    /// `<producer>/docs/lineage-facets.json#/$defs/RestockModelRunFacet`.
    public struct Model: Sendable, Equatable {
        public var version: String
        public var parameters: [String: String]

        public init(version: String, parameters: [String: String] = [:]) {
            self.version = version
            self.parameters = parameters
        }
    }

    public var errorMessage: ErrorMessage?
    public var model: Model?

    public init(errorMessage: ErrorMessage? = nil, model: Model? = nil) {
        self.errorMessage = errorMessage
        self.model = model
    }

    public var isEmpty: Bool { errorMessage == nil && model == nil }
}
