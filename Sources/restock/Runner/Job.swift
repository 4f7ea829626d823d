import ArgumentParser

/// A command that runs as a job: it parses and validates its options (swift-argument-parser), then
/// `execute` calls one library run type and describes the outcome in a `JobReport`. The runner
/// gives every job the same progress, summary line, `--json`, `--quiet`/`--verbose`, exit codes and
/// OpenLineage events (`JobRunner`).
protocol Job: ParsableCommand {
    /// The shared options (`@OptionGroup var job: JobOptions`).
    var job: JobOptions { get }

    /// The datasets the job will read, known from its options (the lineage START event lists them).
    var plannedInputs: [JobDataset] { get }

    /// The files the job will write, known from its options, each with the option that named it.
    /// The runner refuses a run where one of them is an input or another output (`OutputOverlap`).
    var plannedOutputs: [JobDataset] { get }

    /// True when the job writes its data to standard output (`--out -`): then `--json` is refused.
    var writesToStandardOutput: Bool { get }

    /// True when the job maps SIGINT and SIGTERM itself (a server shutting down gracefully);
    /// otherwise the runner installs `Interruption`.
    var handlesSignals: Bool { get }

    /// Runs the job's library call. Throws what the library throws; the runner reports it.
    func execute(_ context: JobContext) throws -> JobReport
}

extension Job {
    var plannedInputs: [JobDataset] { [] }
    var plannedOutputs: [JobDataset] { [] }
    var writesToStandardOutput: Bool { false }
    var handlesSignals: Bool { false }

    /// "generate", "features", ...: the command's name, and the lineage job name's suffix.
    static var jobName: String { configuration.commandName ?? "\(Self.self)" }

    func run() throws {
        try JobRunner(command: Self.jobName, options: job).run(self)
    }
}
