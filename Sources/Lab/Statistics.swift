import SeededRandom

/// Point estimates and confidence intervals for the few-runs regime of deep RL,
/// following Agarwal et al. 2021, "Deep Reinforcement Learning at the Edge of the
/// Statistical Precipice" (rliable): with 3-10 seeds per game, a mean hides how
/// uncertain it is, the median is too noisy, and the interquartile mean (IQM) with a
/// stratified-bootstrap interval is the robust middle ground.
///
/// Scores across games are passed as `[[Double]]`, one array per game (task) holding
/// that game's runs (seeds). Aggregates pool every run of every game, as rliable does;
/// with the same number of runs per game every game weighs the same.
///
///     let scores = [[0.9, 0.8, 0.95], [0.4, 0.5, 0.3]]     // 2 games x 3 seeds
///     var bootstrap = StratifiedBootstrap(seed: 1)
///     let iqm = bootstrap.interval(of: .iqm, scores: scores) // estimate, lower, upper
public enum Statistics {
    /// The arithmetic mean; NaN for no values.
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// The median (the mean of the two middle values for an even count); NaN for no values.
    public static func median(_ values: [Double]) -> Double {
        quantile(values.sorted(), 0.5)
    }

    /// The interquartile mean: the mean of the middle 50% of the values.
    ///
    /// When the count is not a multiple of 4 the values on the quartile boundaries count
    /// with fractional weights: value i (1-based, sorted) covers [i-1, i] of [0, n], and
    /// its weight is how much of that interval lies in [n/4, 3n/4] (the IQM of the
    /// empirical distribution, as Agarwal et al. define it: "the mean of the middle 50%
    /// of the runs"). rliable's code calls `scipy.stats.trim_mean(x, 0.25)`, which drops
    /// floor(n/4) values at each end instead; the two agree when n is a multiple of 4.
    /// Example: [1, 2, 3, 4, 5, 6] covers [1.5, 4.5]: (0.5*2 + 3 + 4 + 0.5*5) / 3 = 3.5.
    public static func interquartileMean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let n = Double(sorted.count)
        let low = n / 4, high = 3 * n / 4
        var total = 0.0
        for (index, value) in sorted.enumerated() {
            let overlap = min(Double(index + 1), high) - max(Double(index), low)
            if overlap > 0 { total += overlap * value }
        }
        return total / (high - low)
    }

    /// The `p`-quantile of sorted values with linear interpolation between order
    /// statistics (numpy's default, Hyndman and Fan 1996 type 7); NaN for no values.
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        precondition((0...1).contains(p), "a quantile's level lies in [0, 1] (got \(p))")
        guard !sorted.isEmpty else { return .nan }
        let position = p * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + fraction * (sorted[above] - sorted[below])
    }

    /// The sample standard deviation (n - 1 in the denominator); NaN for fewer than 2 values.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return .nan }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// A score on the scale 0 = a random player, 1 = the reference (a strong baseline or
    /// the optimum), so games with different score ranges can be aggregated.
    public static func normalizedScore(_ score: Double, random: Double, reference: Double) -> Double {
        precondition(reference != random, "the reference score must differ from the random score (both \(random))")
        return (score - random) / (reference - random)
    }

    /// The probability that a run of X scores higher than a run of Y in one game
    /// (the Mann-Whitney U statistic divided by the number of pairs; ties count one half).
    public static func probabilityOfImprovement(_ x: [Double], over y: [Double]) -> Double {
        precondition(!x.isEmpty && !y.isEmpty, "probability of improvement needs runs of both conditions")
        var wins = 0.0
        for a in x {
            for b in y { wins += a > b ? 1 : (a == b ? 0.5 : 0) }
        }
        return wins / Double(x.count * y.count)
    }

    /// P(X > Y) across games: the per-game probabilities of improvement, averaged over
    /// games (Agarwal et al. 2021, section 4.3). `x[g]` and `y[g]` are the runs of game g.
    public static func probabilityOfImprovement(_ x: [[Double]], over y: [[Double]]) -> Double {
        precondition(x.count == y.count && !x.isEmpty, "both conditions need the same games (got \(x.count) and \(y.count))")
        return mean(zip(x, y).map { probabilityOfImprovement($0, over: $1) })
    }
}

/// An aggregate of scores pooled across games and runs.
public enum Aggregate: String, Codable, Sendable, CaseIterable {
    case mean, median, iqm

    /// The aggregate of every run of every game.
    public func callAsFunction(_ scores: [[Double]]) -> Double {
        let pooled = scores.flatMap { $0 }
        switch self {
        case .mean: return Statistics.mean(pooled)
        case .median: return Statistics.median(pooled)
        case .iqm: return Statistics.interquartileMean(pooled)
        }
    }

    /// How a figure or table names it.
    public var label: String {
        switch self {
        case .mean: "mean"
        case .median: "median"
        case .iqm: "IQM"
        }
    }
}

/// A point estimate with a confidence interval.
public struct Interval: Codable, Sendable, Hashable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double

    public init(estimate: Double, lower: Double, upper: Double) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
    }

    /// "0.62 [0.55, 0.70]".
    public func formatted(digits: Int = 2) -> String {
        "\(Format.fixed(estimate, digits)) [\(Format.fixed(lower, digits)), \(Format.fixed(upper, digits))]"
    }
}

/// The stratified bootstrap (rliable's default): every resample draws, within each game,
/// as many runs as that game has, with replacement, so every game keeps its weight and
/// only the run-to-run (seed) variation is resampled. The interval is the percentile
/// interval of the statistic over the resamples. Seeded: the same seed gives the same
/// interval.
public struct StratifiedBootstrap: Sendable {
    /// Resamples drawn (rliable uses 2,000 for its figures).
    public var resamples: Int
    /// The interval's coverage, e.g. 0.95.
    public var confidence: Double
    private var rng: SeededGenerator

    public init(resamples: Int = 2000, confidence: Double = 0.95, seed: UInt64 = 0) {
        precondition(resamples >= 1, "a bootstrap needs at least one resample")
        precondition(confidence > 0 && confidence < 1, "confidence lies in (0, 1) (got \(confidence))")
        self.resamples = resamples
        self.confidence = confidence
        rng = SeededGenerator(seed: seed)
    }

    /// `statistic` on the data, with the percentile interval of its value over stratified
    /// resamples of the runs of each game.
    public mutating func interval(scores: [[Double]], statistic: ([[Double]]) -> Double) -> Interval {
        precondition(scores.allSatisfy { !$0.isEmpty }, "every game needs at least one run")
        var values = [Double]()
        values.reserveCapacity(resamples)
        for _ in 0..<resamples { values.append(statistic(resample(scores))) }
        return percentileInterval(estimate: statistic(scores), values: values)
    }

    /// An aggregate across games with its interval.
    public mutating func interval(of aggregate: Aggregate, scores: [[Double]]) -> Interval {
        interval(scores: scores) { aggregate($0) }
    }

    /// A statistic of one group of runs (one stratum), e.g. the mean over seeds of one
    /// point of a learning curve.
    public mutating func interval(of values: [Double], statistic: ([Double]) -> Double = Statistics.mean) -> Interval {
        interval(scores: [values]) { statistic($0[0]) }
    }

    /// P(X > Y) averaged over games, with an interval from resampling the runs of X and
    /// of Y independently within each game.
    public mutating func probabilityOfImprovement(_ x: [[Double]], over y: [[Double]]) -> Interval {
        precondition(x.count == y.count && !x.isEmpty, "both conditions need the same games (got \(x.count) and \(y.count))")
        var values = [Double]()
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            values.append(Statistics.probabilityOfImprovement(resample(x), over: resample(y)))
        }
        return percentileInterval(estimate: Statistics.probabilityOfImprovement(x, over: y), values: values)
    }

    private mutating func resample(_ scores: [[Double]]) -> [[Double]] {
        scores.map { runs in runs.indices.map { _ in runs[Int.random(in: 0..<runs.count, using: &rng)] } }
    }

    private func percentileInterval(estimate: Double, values: [Double]) -> Interval {
        let sorted = values.sorted()
        let tail = (1 - confidence) / 2
        return Interval(estimate: estimate, lower: Statistics.quantile(sorted, tail), upper: Statistics.quantile(sorted, 1 - tail))
    }
}
