import Foundation

/// Department names for a notebook's captions, from `departments.csv` of a data folder
/// (`department_id,department`). Decoration only: an unreadable file or line gives no name, and
/// the notebook shows the id. Cost O(file size).
enum DepartmentNames {
    static func read(folder: String) -> [Int32: String] {
        guard let text = try? String(contentsOfFile: folder + "/departments.csv", encoding: .utf8) else { return [:] }
        var names: [Int32: String] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            guard let comma = line.firstIndex(of: ","), let id = Int32(line[..<comma]) else { continue }
            var name = String(line[line.index(after: comma)...])
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
                name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
            }
            names[id] = name
        }
        return names
    }
}
