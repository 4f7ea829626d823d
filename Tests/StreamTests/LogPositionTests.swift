import Testing
@testable import Stream

@Suite struct LogPositionTests {
    @Test func positionsOrderByPartitionThenSequence() {
        #expect(LogPosition(partition: 0, sequence: 9) < LogPosition(partition: 1, sequence: 1))
        #expect(LogPosition(sequence: 2) < LogPosition(sequence: 10))
        #expect(LogPosition(partition: 3, sequence: 7).description == "3/7")
        #expect(LogPosition(sequence: 7).description == "7")
    }
}
