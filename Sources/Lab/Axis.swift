import Foundation

/// A plot axis: a label with its unit, a linear or logarithmic scale, a range that ends
/// on round numbers and tick marks a reader can read without counting.
public struct Axis: Sendable {
    public enum Scale: String, Sendable, Codable { case linear, log }

    /// The axis title, with its unit ("training decisions (moves)", "score against random").
    public var label: String
    public var scale: Scale
    /// A fixed range; nil takes the data's, widened to nice tick values.
    public var range: ClosedRange<Double>?
    /// Ticks at exactly these values (e.g. the game counts 1, 2, 4, 8); nil for nice ones.
    public var ticks: [Double]?

    public init(_ label: String, scale: Scale = .linear, range: ClosedRange<Double>? = nil, ticks: [Double]? = nil) {
        self.label = label
        self.scale = scale
        self.range = range
        self.ticks = ticks
    }

    /// The drawn range and its ticks for data spanning `low...high`.
    func layout(low: Double, high: Double, targetTicks: Int = 6) -> (range: ClosedRange<Double>, ticks: [Double]) {
        if let ticks, let first = ticks.min(), let last = ticks.max(), last > first {
            let range = range ?? (min(first, low)...max(last, high))
            return (range, ticks.filter { range.contains($0) })
        }
        if let range {
            let ticks = scale == .log ? Axis.logTicks(range.lowerBound, range.upperBound)
                                      : Axis.niceTicks(range.lowerBound, range.upperBound, count: targetTicks).filter { range.contains($0) }
            return (range, ticks)
        }
        switch scale {
        case .linear:
            var (a, b) = (low, high)
            if !(a.isFinite && b.isFinite) { (a, b) = (0, 1) }
            if a == b { (a, b) = (a - 0.5, b + 0.5) }
            let ticks = Axis.niceTicks(a, b, count: targetTicks)
            return (ticks.first!...ticks.last!, ticks)
        case .log:
            var (a, b) = (low, high)
            if !(a > 0 && b > 0 && a.isFinite && b.isFinite) { (a, b) = (1, 10) }
            let lowDecade = pow(10, floor(log10(a))), highDecade = pow(10, ceil(log10(b)))
            let upper = highDecade == lowDecade ? highDecade * 10 : highDecade
            return (lowDecade...upper, Axis.logTicks(lowDecade, upper))
        }
    }

    /// Evenly spaced ticks at 1, 2 or 5 times a power of ten that cover [low, high]
    /// (Heckbert 1990, "Nice numbers for graph labels", Graphics Gems).
    public static func niceTicks(_ low: Double, _ high: Double, count: Int = 6) -> [Double] {
        precondition(high > low && count >= 2, "ticks need a non-empty range")
        let step = niceNumber((high - low) / Double(count - 1), round: true)
        let first = floor(low / step) * step, last = ceil(high / step) * step
        var ticks: [Double] = []
        var value = first
        while value <= last + step * 1e-9 {
            // Snap to the step's grid so 0.1 * 3 prints as 0.3.
            ticks.append((value / step).rounded() * step)
            value += step
        }
        return ticks
    }

    /// Powers of ten in [low, high]; with fewer than 3 decades, 2x and 5x too.
    public static func logTicks(_ low: Double, _ high: Double) -> [Double] {
        precondition(low > 0 && high > low, "log ticks need a positive range")
        let first = Int(floor(log10(low))), last = Int(ceil(log10(high)))
        let multiples: [Double] = last - first < 3 ? [1, 2, 5] : [1]
        var ticks: [Double] = []
        for exponent in first...last {
            for m in multiples {
                let tick = m * pow(10, Double(exponent))
                if tick >= low * (1 - 1e-9) && tick <= high * (1 + 1e-9) { ticks.append(tick) }
            }
        }
        return ticks
    }

    private static func niceNumber(_ x: Double, round: Bool) -> Double {
        let exponent = floor(log10(x)), fraction = x / pow(10, exponent)
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * pow(10, exponent)
    }

    /// A tick's label: compact for large values (20k, 1M), plain otherwise.
    static func tickLabel(_ value: Double) -> String {
        abs(value) >= 1000 ? Format.compact(value) : Format.trimmed(abs(value) < 1e-12 ? 0 : value)
    }
}

/// Maps data values to pixels along one axis.
struct PixelMap {
    let range: ClosedRange<Double>
    let scale: Axis.Scale
    let from: Double, to: Double

    func callAsFunction(_ value: Double) -> Double {
        let t: Double
        switch scale {
        case .linear: t = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
        case .log: t = (log10(value) - log10(range.lowerBound)) / (log10(range.upperBound) - log10(range.lowerBound))
        }
        return from + t * (to - from)
    }
}
