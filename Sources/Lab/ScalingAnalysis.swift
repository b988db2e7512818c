import Foundation
import GameKit
import Games
import Neural
import RL

/// Scaling of a sweep's runs (`play scaling DIR`): each finished run becomes a point
/// (parameters, training compute, error), and each architecture (and game count) gets a
/// power law error = E + A·N^-α with a bootstrap interval on α, against parameters and
/// against compute.
///
/// The error of a run is 1 − its mean final score over its games, where a two-player
/// game's score is against `opponent` (wins + draws/2; uniformly random play scores about
/// 0.5 against random) and a task's is its success rate. An error of 0 (every game won)
/// cannot sit on a log axis; it is replaced by half a game, 0.5 / (games evaluated), the
/// usual continuity correction, and the table marks it.
///
/// Parameters are counted by building the run's network from its `config.json`; compute
/// is `TrainingCompute.flops` for its config and final decision count. Both come from the
/// run directory alone, so runs logged before this existed work too.
public struct ScalingAnalysis: Sendable {
    /// A run that became a point, with what the table shows.
    public struct Row: Sendable {
        public var run: String
        public var point: ScalingResult.Point
        public var width: Int
        public var depth: Int
        public var decisions: Int
        /// Error 0 replaced by half a game.
        public var corrected: Bool
    }

    public var rows: [Row]
    /// Runs left out, with why (unfinished, no evaluation against the opponent, ...).
    public var skipped: [(run: String, reason: String)]
    public var opponent: String

    public var result: ScalingResult {
        ScalingResult(metric: "1 − mean final score (vs \(opponent); tasks: success rate)", points: rows.map(\.point))
    }

    /// Reads every run under `directory` (a sweep directory, or any directory of runs).
    public init(directory: URL, opponent: String = "random") throws {
        self.opponent = opponent
        rows = []
        skipped = []
        let runs = try RunData.load(directory)
        guard !runs.isEmpty else { throw LabError("no run directories (config.json + log.jsonl) under \(directory.path)") }
        for run in runs {
            do {
                rows.append(try ScalingAnalysis.row(run, opponent: opponent))
            } catch let error as LabError {
                skipped.append((run.name, error.description))
            }
        }
    }

    /// The point of one run, or a `LabError` saying why it has none.
    static func row(_ run: RunData, opponent: String) throws -> Row {
        let configURL = run.directory.appendingPathComponent("config.json")
        let config: TrainingConfig
        do { config = try JSONDecoder().decode(TrainingConfig.self, from: Data(contentsOf: configURL)) }
        catch { throw LabError("config.json is not a training config (\(error))") }
        if let problem = config.problem { throw LabError("config.json: \(problem)") }
        let games: [AnyGame]
        do { games = try GameCatalog.registry.games(config.games.joined(separator: ",")) }
        catch { throw LabError(error.description) }
        let final = run.evaluations.filter { $0.seconds == nil }
        guard !final.isEmpty else { throw LabError("no final evaluation (unfinished run)") }
        var scores: [Double] = [], evaluated = 0
        for game in games {
            let wanted = game.playerCount == 1 ? "optimum" : opponent
            guard let event = final.last(where: { $0.score.game == game.id && $0.score.opponent == wanted }) else {
                throw LabError("no final evaluation of \(game.id) against \(wanted)")
            }
            scores.append(event.score.score)
            evaluated += event.score.games
        }
        var error = 1 - Statistics.mean(scores)
        let corrected = error <= 0
        if corrected { error = 0.5 / Double(max(evaluated, 1)) }
        let decisions = max(final.map(\.decisions).max() ?? 0, run.updates.map(\.decisions).max() ?? 0)
        let parameters = TextPolicyNetwork(config: config.model, seed: 0).parameterCount
        let compute = TrainingCompute.flops(config: config, games: games, decisions: decisions)
        let point = ScalingResult.Point(architecture: config.architecture.rawValue, games: games.count, seed: config.seed,
                                        parameters: Double(parameters), compute: compute, error: error)
        return Row(run: run.name, point: point, width: config.width, depth: config.depth, decisions: decisions, corrected: corrected)
    }

    /// The fits against parameters and against compute (the same ones `play plot` draws).
    public func fits(resamples: Int = 300, seed: UInt64 = 0) -> [ExperimentFigures.ScalingFit] {
        ExperimentFigures.ScalingVariable.allCases.flatMap {
            ExperimentFigures.scalingFits(result, versus: $0, resamples: resamples, seed: seed)
        }
    }

    /// Two families' exponents: for each variable (and game count) where both have a fit,
    /// whether their intervals overlap.
    public struct Comparison: Sendable {
        public var variable: String
        /// "" for a sweep with one game count, else ", N games".
        public var games: String
        /// The two families, in `Architecture.allCases` order (mlp, conv, transformer).
        public var first: Architecture, second: Architecture
        public var firstExponent: Interval, secondExponent: Interval
        public var overlap: Bool {
            max(firstExponent.lower, secondExponent.lower) <= min(firstExponent.upper, secondExponent.upper)
        }
    }

    /// Every pair of families with fits of the same variable and game count.
    public static func comparisons(_ fits: [ExperimentFigures.ScalingFit]) -> [Comparison] {
        var result: [Comparison] = []
        let families = Architecture.allCases
        for (i, first) in families.enumerated() {
            for second in families[(i + 1)...] {
                for fit in fits where fit.series.hasPrefix(first.rawValue) {
                    let suffix = String(fit.series.dropFirst(first.rawValue.count))
                    // "mlp" must not claim a series of another family that starts with it.
                    guard suffix.isEmpty || suffix.hasPrefix(",") else { continue }
                    guard let other = fits.first(where: { $0.variable == fit.variable && $0.series == second.rawValue + suffix }) else { continue }
                    result.append(Comparison(variable: fit.variable, games: suffix, first: first, second: second,
                                             firstExponent: fit.exponent, secondExponent: other.exponent))
                }
            }
        }
        return result
    }

    /// The table `play scaling` prints: the points, the fits, and the comparison.
    public func report(resamples: Int = 300, seed: UInt64 = 0) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.padded(to: width, minimumGap: 1) }
        var lines = [pad("arch", 12) + pad("games", 6) + pad("width", 6) + pad("depth", 6) + pad("seed", 5)
                     + pad("params", 9) + pad("decisions", 10) + pad("FLOPs", 9) + "error"]
        for row in rows.sorted(by: { ($0.point.architecture, $0.point.games, $0.point.parameters, $0.point.seed)
                                     < ($1.point.architecture, $1.point.games, $1.point.parameters, $1.point.seed) }) {
            let p = row.point
            lines.append(pad(p.architecture, 12) + pad(String(p.games), 6) + pad(String(row.width), 6) + pad(String(row.depth), 6)
                         + pad(String(p.seed), 5) + pad(Format.compact(p.parameters), 9) + pad(Format.compact(Double(row.decisions)), 10)
                         + pad(Format.compact(p.compute ?? .nan), 9) + Format.fixed(p.error, 3) + (row.corrected ? " (0: half a game)" : ""))
        }
        for (run, reason) in skipped { lines.append("skipped \(run): \(reason)") }
        let fits = fits(resamples: resamples, seed: seed)
        lines.append("")
        lines.append("error = E + A·N^-α, fitted in log space with a Huber loss; α with a 95% bootstrap CI over runs (\(resamples) resamples)")
        lines.append(pad("series", 26) + pad("N", 12) + pad("points", 8) + pad("E", 9) + pad("A", 10) + "α [95% CI]")
        for fit in fits {
            lines.append(pad(fit.series, 26) + pad(fit.variable, 12) + pad(String(fit.points), 8) + pad(Format.trimmed(fit.law.floor), 9)
                         + pad(Format.trimmed(fit.law.scale), 10) + fit.exponent.formatted())
        }
        if fits.isEmpty { lines.append("(no series has 3 runs at 2 sizes or more: nothing to fit)") }
        let comparisons = ScalingAnalysis.comparisons(fits)
        if !comparisons.isEmpty { lines.append("") }
        for c in comparisons {
            lines.append("α vs \(c.variable)\(c.games): \(c.first.rawValue) \(c.firstExponent.formatted()), "
                         + "\(c.second.rawValue) \(c.secondExponent.formatted()): "
                         + (c.overlap ? "the intervals overlap (no evidence the exponents differ)" : "the intervals do not overlap (the exponents differ)"))
        }
        return lines.joined(separator: "\n")
    }
}
