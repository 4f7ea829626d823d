import ArgumentParser
import Features
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Generator

/// `restock generate`: writes a synthetic Instacart-layout dataset.
struct GenerateCommand: Job {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a synthetic dataset in the Instacart layout.",
        discussion: """
            Writes aisles.csv, departments.csv, products.csv, orders.csv, order_products__prior.csv and \
            order_products__train.csv into the output folder, from a generative model calibrated on the \
            real data. The same --users and --seed give byte-identical files whatever --threads is. \
            Files are written under temporary names and renamed only when all six are complete.

            Example: restock generate --users 206209 --seed 1 --out data/synthetic
            """
    )

    @Option(parsing: .unconditional, help: "Number of users (206209 is the size of the real dataset).")
    var users: Int

    @Option(parsing: .unconditional, help: "Master random seed.")
    var seed: UInt64 = 1

    @Option(help: "Output folder (created if missing).")
    var out: String

    @Option(parsing: .unconditional, help: "Share of users whose last order is a 'test' order (the rest get 'train').")
    var testFraction: Double = GeneratorConfiguration.kaggleTestFraction

    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threadsOption: Int?

    /// --threads, else every core of the machine the command runs on.
    var threads: Int { threadsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a model parameter by its prototype name (calibration work).", visibility: .hidden))
    var settings: [String] = []

    @OptionGroup var job: JobOptions

    func validate() throws {
        try OptionCheck.atLeast(1, users, "--users")
        try OptionCheck.within(0...1, testFraction, "--test-fraction")
        try OptionCheck.threads(threadsOption)
    }

    func execute(_ context: JobContext) throws -> JobReport {
        var config = GeneratorConfiguration(users: users, seed: seed, testFraction: testFraction, threads: threads)
        for setting in settings { try config.parameters.apply(setting: setting) }
        let reporter = context.progress("generate")
        let summary = try InstacartGenerator.generate(config, to: out, progress: reporter?.update)
        reporter?.finish()
        var report = JobReport(
            summary: "wrote \(out): \(summary.users) users (\(summary.testUsers) test), \(summary.orders) orders, "
                + "\(summary.priorRows) prior rows, \(summary.trainRows) train rows, \(summary.products) products")
        report.outputs = JobDataset.dataFolder(out)
        let rows = [summary.aisles, summary.departments, summary.products, summary.orders, summary.priorRows, summary.trainRows]
        for i in report.outputs.indices { report.outputs[i].rows = rows[i] }
        report.rows = ["users": summary.users, "test_users": summary.testUsers, "orders": summary.orders,
                       "prior_rows": summary.priorRows, "train_rows": summary.trainRows, "products": summary.products]
        return report
    }
}
