import Foundation
import SeededRandom

/// A saturating power law, y = E + A * N^-alpha: the error (or loss) of a model of size
/// or compute N falls as a power of N towards an irreducible floor E (Kaplan et al. 2020;
/// Hoffmann et al. 2022).
public struct PowerLaw: Codable, Sendable, Hashable {
    /// The floor approached as N grows (irreducible error), at least 0.
    public var floor: Double
    /// The scale A of the reducible part.
    public var scale: Double
    /// The exponent alpha: doubling N divides the reducible part by 2^alpha.
    public var exponent: Double

    public init(floor: Double, scale: Double, exponent: Double) {
        self.floor = floor
        self.scale = scale
        self.exponent = exponent
    }

    /// E + A * n^-alpha.
    public func callAsFunction(_ n: Double) -> Double { floor + scale * pow(n, -exponent) }
}

/// Fits a `PowerLaw` to (N, y) points in log space with a robust loss.
///
/// The residual of a point is log y - log(E + A N^-alpha): in log space a point at
/// 10^7 parameters weighs as much as one at 10^4, and relative (multiplicative) noise is
/// constant. The loss is Huber's (quadratic up to `huberDelta`, linear beyond), so one
/// diverged run does not drag the exponent (Hoffmann et al. 2022 fit their scaling law
/// the same way).
///
/// The method, and why: for a fixed floor E, log(y - E) = log A - alpha log N is a
/// straight line, so each E on a grid over [0, min y) gets a least-squares line as its
/// start, which Nelder-Mead then refines under the Huber loss over (log A, alpha). The
/// best grid point is refined over all three parameters. The grid is there because the
/// loss is nearly flat along a valley where E trades against alpha, so a single local
/// search from one start can stop far from the best fit; Nelder-Mead because Huber's
/// loss has no second derivative at the kink and there are only 2-3 parameters.
///
///     let law = PowerLawFit().fit(n: parameters, y: errors)
///     let alpha = PowerLawFit().exponentInterval(n: parameters, y: errors, seed: 1)
public struct PowerLawFit: Sendable {
    /// Residuals (in natural-log units) up to this count quadratically; 0.1 is about a 10% error.
    public var huberDelta = 0.1
    /// A known floor (e.g. 0 for a pure power law), or nil to fit it.
    public var fixedFloor: Double?
    /// Floors tried, as fractions of the smallest y.
    public var floorGrid: [Double] = stride(from: 0.0, through: 0.95, by: 0.05).map { $0 }

    public init(huberDelta: Double = 0.1, fixedFloor: Double? = nil) {
        self.huberDelta = huberDelta
        self.fixedFloor = fixedFloor
    }

    /// The fitted law. Needs at least 3 points with 2 distinct N (2 with a fixed floor), all
    /// N and y positive.
    public func fit(n: [Double], y: [Double]) -> PowerLaw {
        precondition(n.count == y.count, "one y per N (got \(n.count) N and \(y.count) y)")
        precondition(n.allSatisfy { $0 > 0 } && y.allSatisfy { $0 > 0 }, "a power law in log space needs positive N and y")
        precondition(Set(n).count >= 2 && n.count >= (fixedFloor == nil ? 3 : 2), "too few points for a power law")
        let logN = n.map { log($0) }, logY = y.map { log($0) }
        func loss(floor: Double, logScale: Double, exponent: Double) -> Double {
            guard floor >= 0 else { return .infinity }
            var total = 0.0
            for i in logN.indices {
                let predicted = floor + exp(logScale - exponent * logN[i])
                total += huber(logY[i] - log(predicted))
            }
            return total
        }
        let minimum = y.min()!
        let floors = fixedFloor.map { [$0] } ?? floorGrid.map { $0 * minimum }
        var best = (loss: Double.infinity, floor: 0.0, logScale: 0.0, exponent: 0.0)
        for floor in floors {
            let start = lineFit(x: logN, y: y.map { log(max($0 - floor, 1e-12 * minimum)) })
            let (point, value) = NelderMead().minimize({ loss(floor: floor, logScale: $0[0], exponent: $0[1]) },
                                                       from: [start.intercept, -start.slope], step: [0.5, 0.1])
            if value < best.loss { best = (value, floor, point[0], point[1]) }
        }
        if fixedFloor == nil {
            let (point, value) = NelderMead().minimize({ loss(floor: $0[2], logScale: $0[0], exponent: $0[1]) },
                                                       from: [best.logScale, best.exponent, best.floor],
                                                       step: [0.2, 0.05, max(0.05 * minimum, 1e-9)])
            if value < best.loss { best = (value, point[2], point[0], point[1]) }
        }
        return PowerLaw(floor: best.floor, scale: exp(best.logScale), exponent: best.exponent)
    }

    /// The fit with a percentile bootstrap interval on its exponent: points are resampled
    /// with replacement and refitted (resamples with fewer than 3 distinct N are drawn again).
    public func exponentInterval(n: [Double], y: [Double], resamples: Int = 500, confidence: Double = 0.95,
                                 seed: UInt64 = 0) -> (law: PowerLaw, exponent: Interval) {
        let law = fit(n: n, y: y)
        var rng = SeededGenerator(seed: seed)
        var exponents: [Double] = []
        let distinctNeeded = min(3, Set(n).count)
        var attempts = 0
        while exponents.count < resamples && attempts < resamples * 20 {
            attempts += 1
            let picks = n.indices.map { _ in Int.random(in: 0..<n.count, using: &rng) }
            guard Set(picks.map { n[$0] }).count >= distinctNeeded else { continue }
            exponents.append(fit(n: picks.map { n[$0] }, y: picks.map { y[$0] }).exponent)
        }
        let sorted = exponents.sorted(), tail = (1 - confidence) / 2
        return (law, Interval(estimate: law.exponent, lower: Statistics.quantile(sorted, tail),
                              upper: Statistics.quantile(sorted, 1 - tail)))
    }

    private func huber(_ r: Double) -> Double {
        abs(r) <= huberDelta ? 0.5 * r * r : huberDelta * (abs(r) - 0.5 * huberDelta)
    }

    /// Ordinary least squares y = intercept + slope x.
    private func lineFit(x: [Double], y: [Double]) -> (intercept: Double, slope: Double) {
        let mx = Statistics.mean(x), my = Statistics.mean(y)
        var sxy = 0.0, sxx = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
        }
        let slope = sxx > 0 ? sxy / sxx : 0
        return (my - slope * mx, slope)
    }
}
