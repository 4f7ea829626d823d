/// A column type that the RowBinary reader and writer can carry: the fixed-width numbers, String and
/// `Nullable` of either. These exist, with the same RowBinary bytes, in ClickHouse 18.16 and in
/// current releases (little-endian numbers, IEEE floats, a LEB128 length before String bytes, one
/// flag byte before a Nullable value: 1 = NULL with no value after it, 0 = a value follows).
public struct ClickHouseColumnType: Hashable, Sendable, CustomStringConvertible {
    /// The non-Nullable part of a column type.
    public enum Scalar: UInt8, Sendable, CaseIterable {
        case uint8, uint16, uint32, uint64, int8, int16, int32, int64, float32, float64, string

        /// The ClickHouse type name, e.g. `UInt32`.
        public var name: String {
            switch self {
            case .uint8: "UInt8"
            case .uint16: "UInt16"
            case .uint32: "UInt32"
            case .uint64: "UInt64"
            case .int8: "Int8"
            case .int16: "Int16"
            case .int32: "Int32"
            case .int64: "Int64"
            case .float32: "Float32"
            case .float64: "Float64"
            case .string: "String"
            }
        }

        /// Bytes of one value in RowBinary; nil for String (variable).
        public var fixedWidth: Int? {
            switch self {
            case .uint8, .int8: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .uint64, .int64, .float64: 8
            case .string: nil
            }
        }
    }

    public let scalar: Scalar
    public let isNullable: Bool

    public init(_ scalar: Scalar, nullable: Bool = false) {
        self.scalar = scalar
        self.isNullable = nullable
    }

    public static let uint8 = Self(.uint8)
    public static let uint16 = Self(.uint16)
    public static let uint32 = Self(.uint32)
    public static let uint64 = Self(.uint64)
    public static let int8 = Self(.int8)
    public static let int16 = Self(.int16)
    public static let int32 = Self(.int32)
    public static let int64 = Self(.int64)
    public static let float32 = Self(.float32)
    public static let float64 = Self(.float64)
    public static let string = Self(.string)

    /// `Nullable(T)`. Nesting is not a ClickHouse type: `nullable(nullable(t))` is `nullable(t)`.
    public static func nullable(_ type: Self) -> Self { Self(type.scalar, nullable: true) }

    /// Parses a type name as ClickHouse prints it (`UInt32`, `Nullable(String)`); nil for others.
    public init?(name: String) {
        var inner = Substring(name)
        var nullable = false
        if inner.hasPrefix("Nullable("), inner.hasSuffix(")") {
            inner = inner.dropFirst("Nullable(".count).dropLast()
            nullable = true
        }
        guard let scalar = Scalar.allCases.first(where: { $0.name == inner }) else { return nil }
        self.init(scalar, nullable: nullable)
    }

    /// The type whose RowBinary bytes a server column of type `serverType` uses, or nil when the
    /// reader and writer cannot carry it. Besides the exact names: `Enum8(...)` is Int8,
    /// `Enum16(...)` Int16, `Date` UInt16 (days), `DateTime[(tz)]` UInt32 (seconds), and
    /// `LowCardinality(T)` is T. So a `.int8` column can fill an `Enum8` column.
    public init?(wireCompatibleWith serverType: String) {
        var name = Substring(serverType)
        func unwrap(_ wrapper: String) -> Bool {
            guard name.hasPrefix(wrapper + "("), name.hasSuffix(")") else { return false }
            name = name.dropFirst(wrapper.count + 1).dropLast()
            return true
        }
        _ = unwrap("LowCardinality")
        let nullable = unwrap("Nullable")
        let scalar: Scalar
        if name.hasPrefix("Enum8(") {
            scalar = .int8
        } else if name.hasPrefix("Enum16(") {
            scalar = .int16
        } else if name == "Date" {
            scalar = .uint16
        } else if name == "DateTime" || name.hasPrefix("DateTime('") {
            scalar = .uint32
        } else if let exact = Scalar.allCases.first(where: { $0.name == name }) {
            scalar = exact
        } else {
            return nil
        }
        self.init(scalar, nullable: nullable)
    }

    /// The ClickHouse type name, e.g. `Nullable(Float32)`, for DDL and messages.
    public var description: String { isNullable ? "Nullable(\(scalar.name))" : scalar.name }

    /// One byte: the scalar's raw value, plus 0x80 when Nullable (the form the hot loops read).
    var code: UInt8 { scalar.rawValue | (isNullable ? 0x80 : 0) }
}

/// A named column of an INSERT.
public struct ClickHouseColumn: Hashable, Sendable {
    public var name: String
    public var type: ClickHouseColumnType

    public init(_ name: String, _ type: ClickHouseColumnType) {
        self.name = name
        self.type = type
    }
}
