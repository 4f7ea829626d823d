import Foundation
import TestSupport
import Testing

/// Debian's headless Chromium (scripts/setup installs `chromium` with the server packages).
enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs chromium headless on `url` with `mode` (`--dump-dom` or `--screenshot=FILE`); its stdout and
    /// stderr (`--enable-logging=stderr --v=0` puts the page's console messages there, tagged CONSOLE).
    /// Each run has a profile folder of its own (removed after): two browsers on one profile (tests
    /// of different suites run in parallel) make the second exit without its output.
    static func run(_ mode: String, _ url: String, height: Int = 1400) throws -> (stdout: String, stderr: String) {
        let profile = "\(NSTemporaryDirectory())restock-chromium-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                             "--window-size=1280,\(height)", "--user-data-dir=\(profile)", mode, url]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var errText = Data()
        group.enter()
        DispatchQueue.global().async { errText = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outText = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (String(decoding: outText, as: UTF8.self), String(decoding: errText, as: UTF8.self))
    }

    /// The page's console lines (errors, warnings, logs): a healthy page has none.
    static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }.map(String.init)
    }

    /// The PNG's width and height from its IHDR chunk.
    static func pngSize(_ data: Data) -> (Int, Int)? {
        let bytes = [UInt8](data)
        guard bytes.count > 24, bytes[0..<8] == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] else { return nil }
        func be(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }
}

@Suite(.enabled(if: Chromium.path != nil, "chromium is not installed (scripts/setup installs it)"), .serialized)
struct DashboardBrowserTests {
    let demo = ServedDemo.shared

    /// Fails when the page is blank, a chart is missing or empty, or the browser logs a console message.
    func check(_ path: String, charts: [String], text: [String]) throws {
        let dom = try Chromium.run("--dump-dom", demo.base + path)
        #expect(Chromium.consoleLines(dom.stderr).isEmpty, "console: \(Chromium.consoleLines(dom.stderr))")
        #expect(dom.stdout.contains("</main>"), "blank or cut page: \(dom.stdout.prefix(200))")
        for chart in charts {
            let start = try #require(dom.stdout.range(of: #"data-chart="\#(chart)""#), "chart \(chart) is missing")
            let svg = dom.stdout[start.upperBound...].prefix { _ in true }
            let end = svg.range(of: "</svg>")?.lowerBound ?? svg.endIndex
            #expect(svg[..<end].components(separatedBy: "<rect").count > 1, "chart \(chart) has no bar")
        }
        for t in text { #expect(dom.stdout.contains(t), "\(path) lacks \(t)") }

        let png = demo.dir.file("shot-\(path.filter { $0.isLetter || $0.isNumber }).png")
        let shot = try Chromium.run("--screenshot=\(png)", demo.base + path)
        #expect(Chromium.consoleLines(shot.stderr).isEmpty)
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(Chromium.pngSize(data).map { $0 == (1280, 1400) } == true)
        // a blank 1280×1400 page compresses to a few KB; charts, tiles and a table do not
        #expect(data.count > 40_000, "the screenshot looks blank (\(data.count) bytes)")
    }

    @Test func theDashboardRendersEveryChartInARealBrowser() throws {
        try check("/", charts: ["chart-top-products", "chart-departments", "chart-importances", "chart-hours"],
                  text: [#"<tr data-name="#, "Average basket", "Stock per product"])
    }

    @Test func aUsersPageRendersTheirBasket() throws {
        try check("/users/1", charts: ["chart-user-candidates"], text: ["Predicted basket", #"id="basket""#])
    }
}
