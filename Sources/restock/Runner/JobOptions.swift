import ArgumentParser

/// The options every job shares (`@OptionGroup var job: JobOptions`): what it prints and where its
/// lineage goes. Lineage targets default to RESTOCK_LINEAGE_FILE and RESTOCK_LINEAGE_URL.
struct JobOptions: ParsableArguments {
    @Flag(help: "Print one JSON summary object on stdout (inputs, outputs, rows, seconds, model version, metrics).")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors and warnings.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print each step's details on stderr.")
    var verbose = false

    @Option(help: ArgumentHelp("Append one OpenLineage event per line to this file (default: RESTOCK_LINEAGE_FILE).", valueName: "file"))
    var lineage: String?

    @Option(help: ArgumentHelp("POST OpenLineage events to this endpoint, e.g. http://127.0.0.1:5000/api/v1/lineage (default: RESTOCK_LINEAGE_URL).",
                               valueName: "url"))
    var lineageURL: String?

    @Option(help: ArgumentHelp("OpenLineage job namespace.", valueName: "name"))
    var lineageNamespace = "restock"

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
        if let lineageURL, !(lineageURL.hasPrefix("http://") || lineageURL.hasPrefix("https://")) {
            throw ValidationError("--lineage-url must be an http:// or https:// URL, not '\(lineageURL)'")
        }
        if lineageNamespace.isEmpty { throw ValidationError("--lineage-namespace must not be empty") }
    }
}
