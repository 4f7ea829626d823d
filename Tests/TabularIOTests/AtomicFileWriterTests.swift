@testable import Features
import Foundation
import TabularIO
import TestSupport
import Testing

@Test func writerLeavesNoFileUntilCommit() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("out.csv")
    let writer = try AtomicFileWriter(path: path, bufferSize: 64)
    try writer.write("a,b\n")
    try writer.write(int: -1234567)
    try writer.write(byte: UInt8(ascii: ","))
    try writer.write(oneDecimal: 15)
    try writer.write(byte: UInt8(ascii: ","))
    try writer.write(csvField: "Bread, \"Rye\"")
    try writer.flush()
    #expect(!FileManager.default.fileExists(atPath: path))
    #expect(FileManager.default.fileExists(atPath: writer.temporaryPath))
    #expect(dir.leftovers().count == 1 && dir.leftovers()[0].hasPrefix(".out.csv."), "\(dir.leftovers())")
    try writer.commit()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n-1234567,15.0,\"Bread, \"\"Rye\"\"\"")
    #expect(dir.leftovers().isEmpty)
}

@Test func abandonedWriterRemovesItsTemporaryFile() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("out.csv")
    do {
        let writer = try AtomicFileWriter(path: path)
        try writer.write("partial")
    }
    #expect(!FileManager.default.fileExists(atPath: path))
    #expect(dir.leftovers().isEmpty)
}
