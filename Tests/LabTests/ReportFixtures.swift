import Foundation
import SeededRandom
@testable import Lab

/// A directory with everything the report reads: runs of two conditions (2 and 3 seeds)
/// in the log format `RunLog` writes, and one of each result file, made with the lab's
/// own analyses on synthetic activations (the way the experiment code will call them).
enum ReportFixtures {
    /// A fresh temporary directory, or `$LAB_REPORT_DIR/NAME` when that is set (to look at
    /// the report in a browser after the tests).
    static func directory(_ name: String) throws -> URL {
        let base = ProcessInfo.processInfo.environment["LAB_REPORT_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("lab-tests-\(UUID().uuidString)")
        let url = base.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Removes a fixture directory after a test, unless `$LAB_REPORT_DIR` asks to keep it.
    static func cleanUp(_ url: URL) {
        if ProcessInfo.processInfo.environment["LAB_REPORT_DIR"] == nil { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    }

    /// One eval line as the trainer writes it.
    static func evalLine(game: String, opponent: String, wins: Int, draws: Int, losses: Int, decisions: Int, seconds: Double?,
                         lower: Double = 0.4, upper: Double = 0.9) -> String {
        let time = seconds.map { ",\"seconds\":\($0)" } ?? ""
        return "{\"decisions\":\(decisions),\"event\":\"eval\",\"lower\":\(lower),\"score\":{\"draws\":\(draws),\"game\":\"\(game)\","
            + "\"games\":\(wins + draws + losses),\"losses\":\(losses),\"meanOptimalSteps\":0,\"meanSteps\":0,\"opponent\":\"\(opponent)\","
            + "\"wins\":\(wins)},\"update\":\(decisions / 2000)\(time),\"upper\":\(upper)}"
    }

    /// One train line as the trainer writes it; `entropies` and `backplayReach` are left
    /// out when nil, as in logs from before they existed or (reach) runs without backplay.
    static func trainLine(update: Int, decisions: Int, returns: [String: Double], entropies: [String: Double]? = nil,
                          backplayReach: [String: Int]? = nil) -> String {
        func object<Value>(_ values: [String: Value]) -> String {
            "{" + values.keys.sorted().map { "\"\($0)\":\(values[$0]!)" }.joined(separator: ",") + "}"
        }
        let optional = (entropies.map { "\"entropies\":\(object($0))," } ?? "") + (backplayReach.map { "\"backplayReach\":\(object($0))," } ?? "")
        return "{\(optional)\"decisions\":\(decisions),\"decisionsPerSecond\":4000,\"event\":\"train\",\"games\":\(update * 100),\"returns\":\(object(returns)),"
            + "\"seconds\":\(Double(update) * 0.5),\"statistics\":{\"approximateKL\":0.01,\"clipFraction\":0.1,\"decisions\":2000,"
            + "\"entropy\":1.5,\"gradientNorm\":0.2,\"learningRate\":0.001,\"policyLoss\":-0.01,\"valueLoss\":0.3},\"update\":\(update)}"
    }

    /// A run directory with a config (only the keys the report reads, plus a width) and a log.
    /// `finished: false` leaves the last line without its newline, as a run still writing does.
    static func writeRun(in parent: URL, name: String, seed: Int, width: Int, lines: [String], finished: Bool = true) throws {
        let run = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let config = "{\"architecture\":\"mlp\",\"depth\":2,\"games\":[\"tic-tac-toe\",\"connect-four\"],\"seed\":\(seed),\"width\":\(width)}"
        try config.write(to: run.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        try (lines.joined(separator: "\n") + (finished ? "\n" : "")).write(to: run.appendingPathComponent("log.jsonl"), atomically: true, encoding: .utf8)
    }

    /// Runs whose score rises with training; the wider model learns faster.
    static func writeRuns(in directory: URL) throws {
        var rng = SeededGenerator(seed: 1)
        for (width, seeds) in [(64, 2), (256, 3)] {
            for seed in 1...seeds {
                var lines: [String] = []
                for step in 1...6 {
                    let decisions = step * 20_000 + seed * 500
                    lines.append(trainLine(update: step * 10, decisions: decisions, returns: ["tic-tac-toe": 0.1 * Double(step), "connect-four": 0.05]))
                    for (game, base) in [("tic-tac-toe", 55), ("connect-four", 50)] {
                        let wins = min(100, base + step * (width == 256 ? 7 : 4) + Int.random(in: 0...4, using: &rng))
                        lines.append(evalLine(game: game, opponent: "random", wins: wins, draws: 0, losses: 100 - wins,
                                              decisions: decisions, seconds: Double(step) * 10))
                    }
                }
                for game in ["tic-tac-toe", "connect-four"] {
                    let wins = (width == 256 ? 92 : 80) + Int.random(in: 0...5, using: &rng)
                    lines.append(evalLine(game: game, opponent: "random", wins: wins, draws: 2, losses: 98 - wins, decisions: 120_000, seconds: nil))
                    lines.append(evalLine(game: game, opponent: "mcts:50", wins: wins / 3, draws: 0, losses: 100 - wins / 3, decisions: 120_000, seconds: nil))
                }
                try writeRun(in: directory, name: "w\(width)-s\(seed)", seed: seed, width: width, lines: lines)
            }
        }
    }

    static func writeResultFiles(in directory: URL) throws {
        var rng = SeededGenerator(seed: 2)
        func noise(_ scale: Double) -> Double { scale * Double(rng.nextGaussian()) }

        // Transfer: fine-tuning starts higher, joint training sits between.
        let steps = (0...10).map { Double($0) * 5000 }
        var curves: [TransferResult.Curve] = []
        for (condition, start, rate) in [("scratch", 0.5, 0.08), ("fine-tune", 0.65, 0.12), ("joint", 0.55, 0.1)] {
            for seed in 1...3 {
                let scores = steps.map { min(1, start + 0.45 * (1 - exp(-rate * $0 / 5000)) + noise(0.02)) }
                curves.append(.init(condition: condition, seed: UInt64(seed), steps: steps, scores: scores))
            }
        }
        try TransferResult(metric: "score vs random", stepUnit: "tic-tac-toe training decisions", threshold: 0.85,
                           targets: [.init(target: "tic-tac-toe", pretrain: ["connect-four", "gomoku"], curves: curves)]).write(to: directory)

        // Held-out transfer grows with the number of pre-training games.
        var records: [HeldOutResult.Record] = []
        for k in [1, 2, 4] {
            for heldOut in ["connect-four", "othello"] {
                for seed in 1...3 {
                    records.append(.init(pretrainGames: k, subset: Array(["a", "b", "c", "d"].prefix(k)), seed: UInt64(seed), heldOut: heldOut,
                                         zeroShot: 0.5 + 0.04 * Double(k) + noise(0.02), fineTuned: 0.7 + 0.03 * Double(k) + noise(0.02),
                                         scratch: 0.68 + noise(0.02)))
                }
            }
        }
        try HeldOutResult(metric: "score vs random", records: records).write(to: directory)

        // Scaling: two architectures with different exponents.
        var points: [ScalingResult.Point] = []
        for (architecture, law) in [("mlp", PowerLaw(floor: 0.05, scale: 8, exponent: 0.35)), ("transformer", PowerLaw(floor: 0.03, scale: 30, exponent: 0.5))] {
            for parameters in [1e4, 3e4, 1e5, 3e5, 1e6, 3e6] {
                for seed in 1...2 {
                    points.append(.init(architecture: architecture, games: 4, seed: UInt64(seed), parameters: parameters, compute: parameters * 6e6,
                                        error: law(parameters) * exp(noise(0.05))))
                }
            }
        }
        try ScalingResult(metric: "error (1 - score vs random)", points: points).write(to: directory)

        // Representations: 8 specialised units per game and 8 shared ones.
        let games = ["tic-tac-toe", "connect-four", "breakthrough"]
        let activations: [[[Double]]] = games.indices.map { g in
            (0..<60).map { _ in
                (0..<32).map { unit in
                    let owner = unit / 8
                    let varies = owner == g || owner == 3
                    return (varies ? 1 : 0.05) * Double(rng.nextGaussian())
                }
            }
        }
        let analysis = TaskVariance(games: games, activations: activations)
        let rotated = TaskVariance.rotated(games: games, activations: activations, seed: 3)
        let base = activations[0]
        let layers = [base, base.map { $0.map { tanh($0) } }, base.map { row in row.map { $0 * 0.5 + noise(0.5) } }]
        let cka = layers.map { a in layers.map { b in Representations.debiasedLinearCKA(a, b) } }
        var accuracy: [[Double]] = [], chance: [[Double]] = []
        for g in games.indices {
            let labels = activations[g].map { $0[24] > 0 }
            let probe = LinearProbe(states: activations[g], labels: labels)
            let results = games.indices.map { h in probe.evaluate(states: activations[h], labels: activations[h].map { $0[24] > 0 }) }
            accuracy.append(results.map(\.accuracy))
            chance.append(results.map(\.chance))
        }
        try AnalysisResult(
            cka: [.init(title: "CKA between layers of one model", debiased: true, rowAxis: "layer", columnAxis: "layer",
                        rows: ["input", "hidden 1", "hidden 2"], columns: ["input", "hidden 1", "hidden 2"], values: cka)],
            taskVariance: [.init(title: "multi-game MLP, hidden 2", analysis: analysis, rotated: rotated)],
            probes: [.init(title: "Probe: a shared unit is positive", games: games, accuracy: accuracy, chance: chance)]
        ).write(to: directory)
    }

    /// Runs and every result file in one directory (each test its own `name`: tests run in parallel).
    static func fullReportDirectory(_ name: String) throws -> URL {
        let directory = try directory(name)
        try writeRuns(in: directory)
        try writeResultFiles(in: directory)
        return directory
    }
}
