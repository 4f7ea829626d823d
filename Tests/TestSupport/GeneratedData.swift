import Features
import Foundation
import Generator

/// Small helpers for the generator tests: generating into a temporary folder and reading the files
/// back with a minimal RFC 4180 splitter (the project's real CSV reader lives elsewhere).
public enum GeneratedData {
    /// Generates `users` users with `seed` into a fresh temporary folder.
    public static func make(
        users: Int, seed: UInt64, threads: Int = 2, usersPerBlock: Int = 256, ordersPerBucket: Int = 100_000,
        testFraction: Double = GeneratorConfiguration.kaggleTestFraction
    ) throws -> (TemporaryDirectory, GenerationSummary) {
        let dir = try TemporaryDirectory(prefix: "restock-gen")
        var config = GeneratorConfiguration(users: users, seed: seed, testFraction: testFraction, threads: threads)
        config.usersPerBlock = usersPerBlock
        config.ordersPerBucket = ordersPerBucket
        let summary = try InstacartGenerator.generate(config, to: dir.path)
        return (dir, summary)
    }

    public static func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// The lines of a file (without the final newline), split into fields; quoted fields are unquoted.
    public static func rows(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var rows: [[String]] = []
        var field = ""
        var row: [String] = []
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.unicodeScalars.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }

    /// The eval_set codes `integers` uses.
    public static let evalSetCodes = ["prior": 0, "train": 1, "test": 2]

    /// Integer columns of a CSV without quoted fields, read byte by byte (header skipped). An empty
    /// field is -1, `15.0` is 15, and an eval_set word is its code in `evalSetCodes` (-2 if unknown).
    public static func integers(_ path: String) throws -> (header: String, rows: [[Int]]) {
        let data = try bytes(path)
        var rows: [[Int]] = []
        var header = ""
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var i = 0
            while i < raw.count && raw[i] != 10 { i += 1 }
            header = String(decoding: raw[0..<i], as: UTF8.self)
            var row: [Int] = []
            var fieldStart = i + 1
            i += 1
            while i < raw.count {
                let b = raw[i]
                if b == 44 || b == 10 {
                    let field = raw[fieldStart..<i]
                    if field.isEmpty {
                        row.append(-1)
                    } else if let first = field.first, first >= 48 && first <= 57 {
                        var value = 0
                        for c in field {
                            if c == 46 { break }
                            value = value * 10 + Int(c - 48)
                        }
                        row.append(value)
                    } else {
                        row.append(evalSetCodes[String(decoding: field, as: UTF8.self)] ?? -2)
                    }
                    fieldStart = i + 1
                    if b == 10 {
                        rows.append(row)
                        row = []
                    }
                }
                i += 1
            }
        }
        return (header, rows)
    }
}
