import Foundation
import RL

/// `play export DIR --csv`: every run's eval and train events as two CSV files, one row
/// per event, with the run's name, condition and seed on each row, for people who
/// prefer pandas (`pd.read_csv("evals.csv")`).
public enum Export {
    /// The columns of `evals.csv`. `phase` is "periodic" (during training) or "final".
    public static let evalColumns = ["run", "condition", "seed", "phase", "game", "opponent", "update", "decisions", "seconds",
                                     "games", "wins", "draws", "losses", "score", "lower", "upper", "mean_steps", "mean_optimal_steps"]

    /// The columns of `train.csv` before the per-game columns: `return/GAME` for every game,
    /// then `entropy/GAME` (the policy's entropy on the update's decisions) for every game
    /// some run logs it for, and `backplay_reach/GAME` for every task some run trains with
    /// backplay. A run that does not log a column leaves it empty.
    public static let trainColumns = ["run", "condition", "seed", "update", "decisions", "games", "seconds", "decisions_per_second",
                                      "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "gradient_norm", "learning_rate"]

    /// Writes `evals.csv` and `train.csv` for the runs under `directory` into `output`
    /// (default `directory/export`); returns the files written.
    @discardableResult
    public static func csv(from directory: URL, to output: URL? = nil) throws -> [URL] {
        let runs = try RunData.load(directory)
        guard !runs.isEmpty else { throw LabError("\(directory.path) holds no runs (directories with config.json and log.jsonl)") }
        let target = output ?? directory.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let (evals, train) = tables(runs)
        let files = [target.appendingPathComponent("evals.csv"), target.appendingPathComponent("train.csv")]
        try evals.write(to: files[0], atomically: true, encoding: .utf8)
        try train.write(to: files[1], atomically: true, encoding: .utf8)
        return files
    }

    /// The two CSV texts.
    public static func tables(_ runs: [RunData]) -> (evals: String, train: String) {
        let conditions = Condition.group(runs)
        var conditionOf: [String: String] = [:]
        for condition in conditions { for run in condition.runs { conditionOf[run.directory.path] = condition.name } }
        var evals = [row(evalColumns)]
        for run in runs {
            let condition = conditionOf[run.directory.path] ?? ""
            for e in run.evaluations {
                let s = e.score
                evals.append(row([run.name, condition, run.seed, e.seconds == nil ? "final" : "periodic", s.game, s.opponent,
                                  String(e.update), String(e.decisions), e.seconds.map { String($0) } ?? "", String(s.games),
                                  String(s.wins), String(s.draws), String(s.losses), String(s.score), String(e.lower), String(e.upper),
                                  String(s.meanSteps), String(s.meanOptimalSteps)]))
            }
        }
        var games: [String] = []
        for run in runs { for game in run.games where !games.contains(game) { games.append(game) } }
        for run in runs { for event in run.updates { for game in event.returns.keys.sorted() where !games.contains(game) { games.append(game) } } }
        /// The games, in `games` order, that some update's `values` names.
        func logged<Value>(_ values: (TrainEvent) -> [String: Value]?) -> [String] {
            var named: Set<String> = []
            for run in runs { for event in run.updates { if let keys = values(event)?.keys { named.formUnion(keys) } } }
            return games.filter(named.contains)
        }
        let entropyGames = logged(\.entropies), reachGames = logged(\.backplayReach)
        var train = [row(trainColumns + games.map { "return/" + $0 } + entropyGames.map { "entropy/" + $0 }
                         + reachGames.map { "backplay_reach/" + $0 })]
        for run in runs {
            let condition = conditionOf[run.directory.path] ?? ""
            for e in run.updates {
                let s = e.statistics
                train.append(row([run.name, condition, run.seed, String(e.update), String(e.decisions), String(e.games), String(e.seconds),
                                  String(e.decisionsPerSecond), String(s.policyLoss), String(s.valueLoss), String(s.entropy),
                                  String(s.approximateKL), String(s.clipFraction), String(s.gradientNorm), String(s.learningRate)]
                                 + games.map { e.returns[$0].map { String($0) } ?? "" }
                                 + entropyGames.map { e.entropies?[$0].map { String($0) } ?? "" }
                                 + reachGames.map { e.backplayReach?[$0].map { String($0) } ?? "" }))
            }
        }
        return (evals.joined(separator: "\n") + "\n", train.joined(separator: "\n") + "\n")
    }

    /// One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled.
    static func row(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }
}
