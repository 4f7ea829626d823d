import ArgumentParser
import Foundation
import Tabular

/// Runs one job: installs the SIGINT/SIGTERM clean-up (`Interruption`), emits the lineage START
/// event, refuses outputs that are inputs (`OutputOverlap`, exit 64), executes the job, then prints its one-line summary
/// on stderr (unless --quiet), its JSON summary on stdout (with --json), emits COMPLETE, and exits 0;
/// or, when the job throws, prints "restock COMMAND: error: ..." on stderr, emits FAIL with the
/// message, prints the failure object (with --json), and exits with `ExitStatus.of(error)`.
/// Lineage problems are warnings: they never fail a job. Everything on stdout goes through
/// `StandardOutput`, so a failed write there (`> /dev/full`) is an error (exit 74), never a silent loss.
struct JobRunner {
    let command: String
    let options: JobOptions
    var environment = ProcessInfo.processInfo.environment

    func run<J: Job>(_ job: J) throws {
        let started = ContinuousClock.now
        let runID = UUID().uuidString.lowercased()
        if !job.handlesSignals { Interruption.install(command: command) }
        let context = JobContext(command: command, quiet: options.quiet, verbose: options.verbose, json: options.json)
        if options.json && job.writesToStandardOutput {
            Log.stderr("restock \(command): error: --json prints the summary on standard output, which --out - already uses")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        let lineage = JobLineage(command: command, runID: runID, options: options, environment: environment, context: context)
        lineage.start(inputs: job.plannedInputs)
        let report: JobReport
        do {
            try OutputOverlap.check(inputs: job.plannedInputs, outputs: job.plannedOutputs)
            report = try job.execute(context)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let status = ExitStatus.of(error)
            let message = context.presentable("\(error)")
            Log.stderr("restock \(command): error: \(message)")
            lineage.fail(message: message, inputs: job.plannedInputs)
            if options.json {
                // Already failing: a failed write of the failure object changes nothing.
                try? StandardOutput.print(JobReport.failureJSON(command: command, runID: runID, status: status, message: message,
                                                                totalSeconds: Elapsed.seconds(since: started), warnings: context.warnings).text)
            }
            throw ExitCode(status.rawValue)
        }
        var finished = report
        if finished.inputs.isEmpty { finished.inputs = job.plannedInputs }
        finished.outputs = finished.outputs.map { $0.measured() }
        finished.inputs = finished.inputs.map { $0.measured() }
        lineage.complete(finished)
        let total = Elapsed.seconds(since: started)
        if !options.quiet { Log.stderr("\(command): \(finished.summary) (\(Elapsed.format(total)) s)") }
        if options.json {
            do {
                try StandardOutput.print(finished.json(command: command, runID: runID, totalSeconds: total, warnings: context.warnings).text)
            } catch {
                Log.stderr("restock \(command): error: \(error)")
                throw ExitCode(ExitStatus.of(error).rawValue)
            }
        }
    }
}
