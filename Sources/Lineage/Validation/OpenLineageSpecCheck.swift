import Foundation

/// Checks decoded JSON (as `JSONSerialization` returns it) against OpenLineage 2-0-2's RunEvent:
/// the required fields and their types and formats (`date-time`, `uri`, `uuid`), the eventType enum,
/// datasets' `namespace`/`name`, every facet's `_producer` and `_schemaURL`, and the fields of the
/// facets Restock emits (`schema`, `outputStatistics`, `inputStatistics`, `errorMessage`). Pure; the
/// result is a list of readable lines such as `event 3: run.runId 'x' is not a UUID` (empty: valid).
/// Cost: O(size of the event). `violations(ofJSONLines:)` also checks runs (see
/// `OpenLineageSpecCheck+Runs.swift`).
public enum OpenLineageSpecCheck {
    /// The event types of the spec's enum.
    static let eventTypes = Set(LineageEvent.EventType.allCases.map(\.rawValue))

    /// Every violation of one decoded event, each line starting with `label`.
    public static func violations(ofEvent event: Any, label: String = "event") -> [String] {
        var check = Check(label: label)
        check.event(event)
        return check.problems
    }

    /// The problems found so far and where in the event they are.
    struct Check {
        let label: String
        var problems: [String] = []

        mutating func report(_ path: String, _ problem: String) {
            problems.append("\(label): \(path) \(problem)")
        }

        mutating func event(_ value: Any) {
            guard let event = value as? [String: Any] else { return report("the event", "is not a JSON object") }
            string(event, "eventTime", in: "", format: .dateTime, required: true)
            string(event, "producer", in: "", format: .uri, required: true)
            string(event, "schemaURL", in: "", format: .uri, required: true)
            if let type = event["eventType"] {
                if let text = type as? String {
                    if !OpenLineageSpecCheck.eventTypes.contains(text) {
                        report("eventType", "'\(text)' is not one of \(LineageEvent.EventType.allCases.map(\.rawValue).joined(separator: "|"))")
                    }
                } else {
                    report("eventType", "is not a string")
                }
            }
            if let run = object(event, "run", in: "", required: true) {
                string(run, "runId", in: "run.", format: .uuid, required: true)
                facets(run, "facets", in: "run.")
            }
            if let job = object(event, "job", in: "", required: true) {
                string(job, "namespace", in: "job.", format: nil, required: true)
                string(job, "name", in: "job.", format: nil, required: true)
                facets(job, "facets", in: "job.")
            }
            datasets(event, "inputs", extraFacets: "inputFacets")
            datasets(event, "outputs", extraFacets: "outputFacets")
        }

        mutating func datasets(_ event: [String: Any], _ key: String, extraFacets: String) {
            guard let value = event[key] else { return }
            guard let list = value as? [Any] else { return report(key, "is not an array") }
            for (index, item) in list.enumerated() {
                let path = "\(key)[\(index)]"
                guard let dataset = item as? [String: Any] else {
                    report(path, "is not an object")
                    continue
                }
                string(dataset, "namespace", in: path + ".", format: nil, required: true)
                string(dataset, "name", in: path + ".", format: nil, required: true)
                facets(dataset, "facets", in: path + ".")
                facets(dataset, extraFacets, in: path + ".")
            }
        }

        /// A facets object: each member a facet with `_producer` and `_schemaURL`, and the known
        /// facets' own fields.
        mutating func facets(_ parent: [String: Any], _ key: String, in prefix: String) {
            guard let facets = object(parent, key, in: prefix, required: false) else { return }
            for name in facets.keys.sorted() {
                let path = "\(prefix)\(key).\(name)"
                guard let facet = facets[name] as? [String: Any] else {
                    report(path, "is not an object")
                    continue
                }
                string(facet, "_producer", in: path + ".", format: .uri, required: true)
                string(facet, "_schemaURL", in: path + ".", format: .uri, required: true)
                if let deleted = facet["_deleted"], !OpenLineageSpecCheck.isBoolean(deleted) {
                    report(path + "._deleted", "is not a boolean")
                }
                switch name {
                case "schema": schemaFields(facet, "fields", in: path + ".")
                case "outputStatistics", "inputStatistics":
                    for field in ["rowCount", "size", "fileCount"] { integer(facet, field, in: path + ".") }
                case "version": string(facet, "datasetVersion", in: path + ".", format: nil, required: true)
                case "errorMessage":
                    string(facet, "message", in: path + ".", format: nil, required: true)
                    string(facet, "programmingLanguage", in: path + ".", format: nil, required: true)
                    string(facet, "stackTrace", in: path + ".", format: nil, required: false)
                default: break
                }
            }
        }

        /// SchemaDatasetFacet fields: objects with a string `name`, an optional string `type` and
        /// optional nested `fields`.
        mutating func schemaFields(_ parent: [String: Any], _ key: String, in prefix: String) {
            guard let value = parent[key] else { return }
            guard let list = value as? [Any] else { return report(prefix + key, "is not an array") }
            for (index, item) in list.enumerated() {
                let path = "\(prefix)\(key)[\(index)]"
                guard let field = item as? [String: Any] else {
                    report(path, "is not an object")
                    continue
                }
                string(field, "name", in: path + ".", format: nil, required: true)
                string(field, "type", in: path + ".", format: nil, required: false)
                string(field, "description", in: path + ".", format: nil, required: false)
                integer(field, "ordinal_position", in: path + ".")
                schemaFields(field, "fields", in: path + ".")
            }
        }

        mutating func object(_ parent: [String: Any], _ key: String, in prefix: String, required: Bool) -> [String: Any]? {
            guard let value = parent[key] else {
                if required { report(prefix + key, "is missing") }
                return nil
            }
            guard let object = value as? [String: Any] else {
                report(prefix + key, "is not an object")
                return nil
            }
            return object
        }

        mutating func string(_ parent: [String: Any], _ key: String, in prefix: String, format: Format?, required: Bool) {
            guard let value = parent[key] else {
                if required { report(prefix + key, "is missing") }
                return
            }
            guard let text = value as? String else { return report(prefix + key, "is not a string") }
            if let format, !format.accepts(text) { report(prefix + key, "'\(text)' is not \(format.name)") }
        }

        mutating func integer(_ parent: [String: Any], _ key: String, in prefix: String) {
            guard let value = parent[key] else { return }
            if OpenLineageSpecCheck.isBoolean(value) {
                report(prefix + key, "is a boolean, not an integer")
            } else if !OpenLineageSpecCheck.isInteger(value) {
                report(prefix + key, "'\(value)' is not an integer")
            }
        }
    }
}
