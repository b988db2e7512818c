import Foundation

/// Numbers as figures and tables show them.
public enum Format {
    /// Fixed decimals ("0.62"); "–" for NaN or infinity.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "–"
    }

    /// A compact count or size: 950, 1.5k, 20k, 3M, 1.2G (tick labels, table cells).
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value)
        for (limit, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= limit {
            return trimmed(value / limit) + suffix
        }
        return trimmed(value)
    }

    /// Up to 3 significant digits without trailing zeros: 0.25, 1.5, 120.
    public static func trimmed(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        var text = String(format: "%.3g", value)
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
