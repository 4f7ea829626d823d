import ArgumentParser
import ClickHouse
import Evaluate
import Features
import Forest
import HTTPClient
import Serve
import Stream
import TabularIO
import Warehouse

/// The exit codes of every command (sysexits.h): 0 ok, 1 a runtime error, 64 a usage error (bad
/// options, from the argument parser; an output file that is an input; or options that clash with what an output folder holds, as a
/// sweep of another run), 65 bad input data (a file, matrix, model or table that does
/// not hold what it must), 69 a service that does not answer (an unreachable NATS server or Kafka broker, or a shard of a ClickHouse cluster at discovery), 74 an I/O error (a file or a server that cannot be read or written).
enum ExitStatus: Int32 {
    case ok = 0
    case runtimeError = 1
    case usage = 64
    case badInput = 65
    case unavailable = 69
    case inputOutput = 74

    /// The code of an error a job threw.
    static func of(_ error: Error) -> ExitStatus {
        switch error {
        case let catalog as MySQLCatalogError:
            return catalog.isInputOutput ? .inputOutput : .badInput
        case is CSVError, is DataError, is MatrixFileError, is ModelFileError, is ScoringError, is ReorderMatrixSourceError,
             is InstacartIngestError, is StandardInputError:
            return .badInput
        case is NotAProbabilityModelError, is ForestMerge.Failure:
            return .badInput
        case is FileError, is TransportError:
            return .inputOutput
        case let error as NATSError where error.kind == .unreachable:
            return .unavailable
        case let error as KafkaError where error.isUnreachable:
            return .unavailable
        case let error as ClusterError where error.isUnreachable:
            return .unavailable
        case is UsageError, is ValidationError, is SweepLogError:
            return .usage
        default:
            return .runtimeError
        }
    }

    /// The snake_case name written in JSON summaries.
    var name: String {
        switch self {
        case .ok: "ok"
        case .runtimeError: "runtime_error"
        case .usage: "usage"
        case .badInput: "bad_input"
        case .unavailable: "unavailable"
        case .inputOutput: "io_error"
        }
    }
}

/// A usage problem found while running (two options that both want standard input, say): exit 64.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
