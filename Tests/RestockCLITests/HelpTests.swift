import Testing
import TestSupport

@Test func helpListsEverySubcommandWithAPurpose() throws {
    let result = try RestockProcess.run(["--help"])
    #expect(result.status == 0)
    for command in HelpCommands.all {
        let line = result.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(command + " ") }
        #expect(line != nil, "\(command) is not listed")
        #expect((line?.split(separator: " ").count ?? 0) > 2, "\(command) has no purpose line")
    }
}

@Test func everySubcommandHelpHasAnExample() throws {
    for command in HelpCommands.all {
        let result = try RestockProcess.run(["help", command])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"), "restock help \(command) has no example")
    }
}

@Test func unknownSubcommandFailsWithUsage() throws {
    let result = try RestockProcess.run(["frobnicate"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("frobnicate"))
}

enum HelpCommands {
    static let all = ["generate", "stats", "features", "train", "predict", "inspect", "evaluate", "sweep", "score", "recommend", "ingest"]
}
