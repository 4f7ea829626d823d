import ClickHouse
import Testing

@Test func stringLiteralsEscapeQuotesBackslashesAndControlBytes() {
    #expect(SQLLiteral.string("it's") == "'it\\'s'")
    #expect(SQLLiteral.string("a\\b") == "'a\\\\b'")
    #expect(SQLLiteral.string("x'; DROP TABLE t; --") == "'x\\'; DROP TABLE t; --'")
    #expect(SQLLiteral.string("l1\nl2\tt\r\0\u{1}\u{7f}") == "'l1\\nl2\\tt\\r\\0\\x01\\x7F'")
    #expect(SQLLiteral.string("日本 🙂") == "'日本 🙂'")
    #expect(SQLLiteral.string("\\'") == "'\\\\\\''", "a backslash before a quote cannot unescape it")
}

@Test func identifiersAreAlwaysBackquoted() {
    #expect(SQLLiteral.identifier("orders") == "`orders`")
    #expect(SQLLiteral.identifier("we`ird") == "`we\\`ird`")
    #expect(SQLLiteral.identifier("select") == "`select`")
    #expect(SQLLiteral.qualifiedName("db", "t\\x") == "`db`.`t\\\\x`")
}

@Test func numbersPrintAsClickHouseReadsThem() {
    #expect(SQLLiteral.integer(-9_223_372_036_854_775_808 as Int64) == "-9223372036854775808")
    #expect(SQLLiteral.integer(UInt64.max) == "18446744073709551615")
    #expect(SQLLiteral.float(0.1) == "0.1")
    #expect(SQLLiteral.float(1e-5) == "1e-05")
    #expect(SQLLiteral.float(.nan) == "nan")
    #expect(SQLLiteral.float(-.infinity) == "-inf")
    #expect(SQLLiteral.stringList(["a", "b'c"]) == "('a', 'b\\'c')")
}
