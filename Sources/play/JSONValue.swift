import Foundation

/// A small JSON value for one-line machine-readable output with keys in a fixed (sorted) order.
enum JSONValue: Sendable {
    case string(String), int(Int), double(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    /// Compact JSON text; doubles keep 4 significant decimals.
    var text: String {
        switch self {
        case .string(let s):
            let data = try! JSONEncoder().encode(s)
            return String(decoding: data, as: UTF8.self)
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? String(format: "%.4g", d) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { JSONValue.string($0).text + ":" + o[$0]!.text }.joined(separator: ",") + "}"
        }
    }
}
