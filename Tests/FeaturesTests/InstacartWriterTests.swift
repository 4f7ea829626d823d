@testable import Features
import Foundation
import TabularIO
import TestSupport
import Testing

@Test func writeThenReadGivesEqualData() throws {
    let data = RandomInstacart.make(users: 200, seed: 1)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try InstacartWriter.write(data, to: dir.path)
    #expect(try InstacartReader.read(directory: dir.path) == data)
}

@Test func writesTheFixtureByteForByte() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try InstacartWriter.write(InstacartFixture.expected, to: dir.path)
    for (name, text) in InstacartFixture.files {
        #expect(try String(contentsOfFile: dir.file(name), encoding: .utf8) == text, "\(name)")
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".partial") }
    #expect(leftovers.isEmpty)
}

@Test func failedWriteLeavesNoCompleteLookingFolder() throws {
    // the last file cannot be written (a folder is in its way): nothing may be renamed into place
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try FileManager.default.createDirectory(
        atPath: dir.file("order_products__train.csv"), withIntermediateDirectories: false)
    #expect(throws: FileError.self) { try InstacartWriter.write(InstacartFixture.expected, to: dir.path) }
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(names == ["order_products__train.csv"])
}
