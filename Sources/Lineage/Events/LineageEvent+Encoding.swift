import Foundation

/// The wire form: the spec's key names, optionals left out, keys sorted, one line of UTF-8 JSON.
extension LineageEvent: Encodable {
    /// The event as compact JSON with sorted keys (the same event always gives the same bytes),
    /// slashes unescaped, no trailing newline. Cost: O(size of the event).
    public func jsonData() throws(LineageError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw LineageError(kind: .encodingFailed, destination: "", message: "\(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var event = encoder.container(keyedBy: WireKey.self)
        try event.encode(eventType.rawValue, forKey: "eventType")
        try event.encode(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(eventTime), forKey: "eventTime")
        try event.encode(producer, forKey: "producer")
        try event.encode(Self.schemaURL, forKey: "schemaURL")

        var run = event.nestedContainer(keyedBy: WireKey.self, forKey: "run")
        try run.encode(runId.uuidString.lowercased(), forKey: "runId")
        if !runFacets.isEmpty {
            var facets = run.nestedContainer(keyedBy: WireKey.self, forKey: "facets")
            if let error = runFacets.errorMessage {
                var facet = try facets.facet("errorMessage", producer: producer, schemaURL: FacetSchemaURL.errorMessage)
                try facet.encode(error.message, forKey: "message")
                try facet.encode(error.programmingLanguage, forKey: "programmingLanguage")
                try facet.encodeIfPresent(error.stackTrace, forKey: "stackTrace")
            }
            if let model = runFacets.model {
                var facet = try facets.facet("restock_model", producer: producer,
                                             schemaURL: FacetSchemaURL.restockModel(producer: producer))
                try facet.encode(model.version, forKey: "version")
                try facet.encode(model.parameters, forKey: "parameters")
            }
        }

        var job = event.nestedContainer(keyedBy: WireKey.self, forKey: "job")
        try job.encode(self.job.namespace, forKey: "namespace")
        try job.encode(self.job.name, forKey: "name")

        var inputList = event.nestedUnkeyedContainer(forKey: "inputs")
        for dataset in inputs { try encode(dataset, isOutput: false, into: &inputList) }
        var outputList = event.nestedUnkeyedContainer(forKey: "outputs")
        for dataset in outputs { try encode(dataset, isOutput: true, into: &outputList) }
    }

    private func encode(_ dataset: LineageDataset, isOutput: Bool, into list: inout UnkeyedEncodingContainer) throws {
        var object = list.nestedContainer(keyedBy: WireKey.self)
        try object.encode(dataset.namespace, forKey: "namespace")
        try object.encode(dataset.name, forKey: "name")
        if dataset.schema != nil || dataset.version != nil {
            var facets = object.nestedContainer(keyedBy: WireKey.self, forKey: "facets")
            if let fields = dataset.schema {
                var facet = try facets.facet("schema", producer: producer, schemaURL: FacetSchemaURL.schema)
                var list = facet.nestedUnkeyedContainer(forKey: "fields")
                for field in fields {
                    var entry = list.nestedContainer(keyedBy: WireKey.self)
                    try entry.encode(field.name, forKey: "name")
                    try entry.encode(field.type, forKey: "type")
                }
            }
            if let version = dataset.version {
                var facet = try facets.facet("version", producer: producer, schemaURL: FacetSchemaURL.datasetVersion)
                try facet.encode(version, forKey: "datasetVersion")
            }
        }
        if let statistics = dataset.statistics {
            var facets = object.nestedContainer(keyedBy: WireKey.self, forKey: isOutput ? "outputFacets" : "inputFacets")
            var facet = try facets.facet(isOutput ? "outputStatistics" : "inputStatistics", producer: producer,
                                         schemaURL: isOutput ? FacetSchemaURL.outputStatistics : FacetSchemaURL.inputStatistics)
            try facet.encodeIfPresent(statistics.rowCount, forKey: "rowCount")
            try facet.encodeIfPresent(statistics.size, forKey: "size")
            try facet.encodeIfPresent(statistics.fileCount, forKey: "fileCount")
        }
    }
}

/// A JSON object key given as a string literal.
struct WireKey: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

extension KeyedEncodingContainer<WireKey> {
    /// Opens facet `name` with the two fields every facet carries (spec `BaseFacet`).
    fileprivate mutating func facet(_ name: String, producer: String, schemaURL: String) throws -> KeyedEncodingContainer<WireKey> {
        var facet = nestedContainer(keyedBy: WireKey.self, forKey: WireKey(stringValue: name))
        try facet.encode(producer, forKey: "_producer")
        try facet.encode(schemaURL, forKey: "_schemaURL")
        return facet
    }
}
