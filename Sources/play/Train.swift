import ArgumentParser
import Foundation
import GameKit
import Games
import Lab
import Neural
import RL

/// `play [--games all]`: trains one network on many games by self-play, shows progress,
/// evaluates, and ends with a table of scores.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one policy network on many games (the default command)."
    )

    @Option(help: "Games to train on: 'all' or a comma-separated list of game ids.")
    var games: String = "all"

    @Option(help: "Training time budget in minutes (ignored when --steps is given); the learning rate falls linearly to a tenth over it.")
    var minutes: Double = 15

    @Option(help: "Training budget in learner decisions (moves); makes the run reproducible (the learning rate falls to a tenth over the decisions).")
    var steps: Int?

    @OptionGroup var model: TrainingOptions<TrainDefaults>

    @Option(help: "How often each game is drawn, relative to the others: KEY=WEIGHT pairs, KEY a game id, a prefix ending in * (maze-*), 'tasks' or 'two-player' (e.g. tasks=3,othello-8x8=2; unnamed games 1; 0: evaluated, never trained).")
    var gameWeights: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Seconds of training between evaluations against random (0: only the final one).")
    var evalEvery: Double = 60

    @Option(help: "Decisions of training between evaluations against random (deterministic, replaces --eval-every; also evaluates at step 0).")
    var evalEverySteps: Int?

    @Option(help: "Games per game in those periodic evaluations.")
    var evalQuick: Int = 100

    @Option(help: "Stop once every game scores at least this in a periodic evaluation (e.g. 0.95; games of weight 0 do not count).")
    var stopScore: Double?

    @Option(help: "Games (or task episodes) per game and opponent in the final evaluation.")
    var evalGames: Int = 100

    @Option(help: "MCTS simulations of the stronger opponent in the final evaluation (0 skips it).")
    var evalMCTS: Int = 50

    @Option(help: "Run name: logs go to runs/NAME, checkpoints to CHECKPOINTS/NAME (default: from games, model and seed).")
    var name: String?

    @Option(help: "Start from this checkpoint's network weights (fine-tuning): fresh optimizer, any games, the same --arch/--width/--depth/--heads.")
    var initFrom: String?

    @Flag(help: "Continue the run NAME from its latest checkpoint (its saved config is used).")
    var resume = false

    @Option(help: "Directory for checkpoints.")
    var checkpoints: String = "Checkpoints"

    @Option(help: "Directory for run logs.")
    var runs: String = "runs"

    @Option(help: "Updates between checkpoints.")
    var checkpointEvery: Int = 25

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be at least 1 (got \(checkpointEvery)).") }
        if let name, name.isEmpty || name.contains("/") || name.hasPrefix(".") {
            throw ValidationError("--name must be a plain directory name (got '\(name)').")
        }
        if resume && name == nil { throw ValidationError("--resume needs --name NAME of the run to continue.") }
        do { _ = try GameCatalog.registry.games(games) } catch { throw ValidationError(error.description) }
        guard minutes > 0 else { throw ValidationError("--minutes must be positive (got \(minutes)).") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1 (got \(steps)).") }
        if resume && gameWeights != nil {
            throw ValidationError("--resume continues a run with its saved config, game weights included; leave out --game-weights.")
        }
        if let gameWeights {
            do { _ = try GameWeights.parse(gameWeights, games: try GameCatalog.registry.games(games)) } catch { throw ValidationError("\(error)") }
        }
        if let problem = config().problem { throw ValidationError(problem) }
        guard evalGames >= 1, evalMCTS >= 0 else { throw ValidationError("--eval-games must be at least 1 and --eval-mcts at least 0.") }
        guard evalEvery >= 0, evalQuick >= 1 else { throw ValidationError("--eval-every must be at least 0 and --eval-quick at least 1.") }
        if let evalEverySteps, evalEverySteps < 1 { throw ValidationError("--eval-every-steps must be at least 1 (got \(evalEverySteps)).") }
        if initFrom != nil && resume { throw ValidationError("--init-from starts a new run from a checkpoint's weights; --resume continues a run. Pick one.") }
        if let stopScore, !(0...1).contains(stopScore) { throw ValidationError("--stop-score must lie in [0, 1] (got \(stopScore)).") }
    }

    func config() -> TrainingConfig {
        let gameList = (try? GameCatalog.registry.games(games)) ?? []
        var config = TrainingConfig(games: gameList.map(\.id))
        model.apply(to: &config)
        if let gameWeights, let weights = try? GameWeights.parse(gameWeights, games: gameList) { config.gameWeights = weights }
        config.seed = seed
        config.checkpointEvery = checkpointEvery
        return config
    }

    /// The run's name: given, or made from the games, the model and the seed.
    func runName(_ config: TrainingConfig) -> String {
        if let name { return name }
        let games = games.trimmingCharacters(in: .whitespaces) == "all" ? "all" : config.games.joined(separator: "+")
        return "\(games.count > 40 ? String(games.prefix(40)) : games)-\(config.architecture.rawValue)-w\(config.width)-d\(config.depth)-s\(config.seed)"
    }

    func run() throws {
        compute.apply()
        let gameList = try GameCatalog.registry.games(games)
        var config = config()
        let name = runName(config)
        let runDirectory = URL(fileURLWithPath: runs).absoluteURL.appendingPathComponent(name)
        let checkpointDirectory = URL(fileURLWithPath: checkpoints).absoluteURL.appendingPathComponent(name)
        let latest = checkpointDirectory.appendingPathComponent("latest.ckpt")
        let trainer: Trainer
        if resume {
            let checkpoint = try Checkpoint.read(from: latest)
            config = checkpoint.header.config
            trainer = try Trainer(resuming: checkpoint, games: try GameCatalog.registry.games(config.games.joined(separator: ",")))
            print("resuming \(name) from update \(trainer.updates) (\(checkpoint.header.decisions) decisions, "
                  + String(format: "%.0f s", checkpoint.header.elapsedSeconds) + ")")
        } else {
            if FileManager.default.fileExists(atPath: runDirectory.appendingPathComponent("log.jsonl").path) {
                throw CommandError("run '\(name)' exists in \(runs)/; continue it with --resume --name \(name), or pick another --name")
            }
            trainer = try Trainer(config: config, games: gameList)
        }
        if let initFrom {
            guard !resume else { throw CommandError("--init-from starts a new run; it cannot be combined with --resume") }
            try trainer.initializeWeights(from: try Checkpoint.read(from: URL(fileURLWithPath: initFrom)))
            print("starting from the weights of \(initFrom) (fresh optimizer, \(trainer.games.count) games)")
        }
        let log = try RunLog(directory: runDirectory, config: config)
        print("training \(config.architecture.rawValue) width \(config.width) depth \(config.depth) "
              + "(\(trainer.network.parameterCount) parameters) with \(config.algorithm.rawValue) on \(trainer.games.count) games; "
              + (steps.map { "\($0) decisions" } ?? "\(minutes) minutes") + "; logs in \(runDirectory.path), checkpoints in \(checkpointDirectory.path)")
        if !config.gameWeights.isEmpty {
            print("games drawn with weights (the others 1): "
                  + config.games.compactMap { id in config.gameWeights[id].map { "\(id) \($0)" } }.joined(separator: ", "))
        }
        if config.backplay > 0 {
            let tasks = trainer.games.filter(\.isSolvableTask).count
            print(tasks == 0 ? "backplay: the run has no single-player task, so --backplay changes nothing"
                  : "backplay: \(config.backplay) of the \(tasks) tasks' training episodes start part way along the solver's "
                    + "solution (log field backplayReach); their returns below count whole episodes only")
        }
        print("progress every 10 s; per game, the mean return of its last 200 finished games against random or the pool "
              + "(+1 win, -1 loss; tasks: the reward, 0 to 1)")
        var schedule = TrainingSession.Schedule(budget: steps.map { .decisions($0) } ?? .seconds(minutes * 60))
        schedule.evaluationGames = evalQuick
        schedule.stopScore = stopScore
        if let evalEverySteps {
            schedule.evaluateEveryDecisions = evalEverySteps
            schedule.evaluateAtStart = !resume
        } else if evalEvery > 0 {
            schedule.evaluateEverySeconds = evalEvery
        }
        let session = TrainingSession(trainer: trainer, log: log, schedule: schedule)
        session.checkpoint = latest
        var recent = Array(repeating: [Double](), count: trainer.games.count)
        var lastPrint = Date.distantPast
        session.onUpdate = { report, seconds in
            for (game, results) in report.results.enumerated() { recent[game] = Array((recent[game] + results).suffix(200)) }
            if Date().timeIntervalSince(lastPrint) >= 10 {
                lastPrint = Date()
                printProgress(report, recent: recent, games: trainer.games, elapsed: seconds)
                flushOutput()
            }
        }
        session.onEvaluation = { evaluation in
            print(String(format: "evaluation at %.0f s (%d decisions), against random (tasks: success), %d games each:", evaluation.seconds,
                         trainer.rollouts.decisions, evalQuick))
            printColumns(evaluation.scores.map { $0.game.padded(to: 17) + String(format: "%.2f", $0.score) })
            flushOutput()
        }
        let seconds = try session.run()
        if let stopScore, session.reachedStopScore, let last = session.evaluations.last {
            print(String(format: "every game reached %.2f after %.1f s of training (%d decisions): stopping", stopScore, last.seconds,
                         trainer.rollouts.decisions))
        }
        // final.ckpt holds everything (it can seed further training); model.ckpt the weights
        // alone, 1/(3 + pool size) of the size, for playing, evaluating and sharing.
        let final = trainer.checkpoint(elapsedSeconds: seconds)
        try final.write(to: checkpointDirectory.appendingPathComponent("final.ckpt"))
        try final.weightsOnly(of: trainer.network.store).write(to: checkpointDirectory.appendingPathComponent("model.ckpt"))
        print("\nevaluating (\(evalGames) games per opponent)...")
        let evaluationStart = Date()
        print(try evaluationTable(trainer: trainer, log: log))
        print(String(format: "(evaluated in %.0f s)", Date().timeIntervalSince(evaluationStart)))
        print("\nfinal network: \(checkpointDirectory.path)/model.ckpt (weights; final.ckpt with the optimizer and pool); log: \(runDirectory.path)/log.jsonl")
        writeReport(runDirectory)
    }

    /// The run's report (`play plot`: learning curves, final scores) in `RUN/report/` and its
    /// text tables (`play summary`) in `RUN/summary.txt`. Both are made from the log alone,
    /// so a failure here loses nothing: it is reported with the command that makes the file later.
    private func writeReport(_ runDirectory: URL) {
        do {
            print("report: \(try Report.write(from: runDirectory).path)")
        } catch {
            print("the report could not be written (\(error)); the run is complete, and play plot \(runDirectory.path) makes it from the log")
        }
        let summary = runDirectory.appendingPathComponent("summary.txt")
        do {
            try RunSummary.text(try RunData(directory: runDirectory)).write(to: summary, atomically: true, encoding: .utf8)
            print("text tables: \(summary.path)")
        } catch {
            print("the text tables could not be written (\(error)); play summary \(runDirectory.path) > \(summary.path) makes them from the log")
        }
    }

    private func printProgress(_ report: Trainer.Report, recent: [[Double]], games: [AnyGame], elapsed: Double) {
        let rate = Double(report.decisions) / max(elapsed, 1e-9)
        let remaining = steps.map { Double($0 - report.decisions) / max(rate, 1e-9) } ?? max(0, minutes * 60 - elapsed)
        let s = report.statistics
        print(String(format: "\nupdate %d  decisions %d  %.0f/s  games %d  elapsed %.0fs  left %.0fs  entropy %.3f  kl %.4f  clip %.2f  value loss %.3f",
                     report.update, report.decisions, rate, report.gamesFinished, elapsed, remaining,
                     s.entropy, s.approximateKL, s.clipFraction, s.valueLoss))
        // Per game: the mean learner return over its last (up to 200) finished games against
        // random or the pool (tasks: the reward), laid out in columns that fit a terminal.
        let cells = games.indices.map { index -> String in
            let value = recent[index].isEmpty ? "    -" : String(format: "%+.2f", recent[index].reduce(0, +) / Double(recent[index].count))
            return games[index].id.padded(to: 17) + value
        }
        printColumns(cells)
    }

    /// Prints cells in rows that fit a terminal.
    private func printColumns(_ cells: [String]) {
        var row = "  "
        for cell in cells {
            if row.count + cell.count > 100 { print(row); row = "  " }
            row += cell + "   "
        }
        if row.count > 2 { print(row) }
    }

    /// The final table: every game against random (and MCTS), every task against its optimum.
    private func evaluationTable(trainer: Trainer, log: RunLog) throws -> String {
        var lines = ["game                opponent   games   win  draw  loss   score (95% CI)        steps/optimal"]
        // Against MCTS, the slow part, the two-player games are shared out over the run's
        // threads (the scores do not depend on how); seed 8, as the second opponent of
        // `Evaluation.scores` had before.
        let twoPlayer = trainer.games.filter { $0.playerCount == 2 }
        let simulations = evalMCTS
        let mctsScores = evalMCTS > 0
            ? try Evaluation.matches(of: trainer.network, hideGameID: trainer.config.hideGameID, in: twoPlayer,
                                     against: { MCTSPlayer(simulations: simulations) }, count: evalGames, seed: 8, threads: trainer.config.threads)
            : []
        for game in trainer.games {
            // Against random (or on a task): all of the game's episodes at once.
            var scores = [BatchedEvaluation.score(network: trainer.network, hideGameID: trainer.config.hideGameID, game: game,
                                                  games: evalGames, seed: 7, taskSeed: 1_000_000)]
            if let index = twoPlayer.firstIndex(where: { $0.id == game.id }), index < mctsScores.count { scores.append(mctsScores[index]) }
            for score in scores {
                try log.write(EvalEvent(update: trainer.updates, decisions: trainer.rollouts.decisions, score: score))
                lines.append(Evaluate.row(score, task: game.playerCount == 1))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `play train`'s defaults: one long run.
enum TrainDefaults: TrainingOptionDefaults {
    static let width = 128
    static let environments = 64
    /// 8192, not CleanRL's 2048: each update still takes 4 x 4 minibatch steps, so four
    /// times the decisions per update cost a quarter of the optimizer's work per decision
    /// (a 15-minute `--games all` run made 19,000 decisions/s against 10,800), and each of
    /// the 25 games has about 330 decisions in a batch instead of 80, so a task's advantages
    /// are less noise (README, "Batches of 8192 decisions").
    static let decisionsPerUpdate = 8192
    /// On: over five paired seeds of `play --games all` the gate raised the tasks' mean
    /// success (2-3 task targets met against 1) and the mean score over all 25 games on every
    /// seed; the board games gained on four seeds and lost on one (README, "A gate read from
    /// the game's id").
    static let gameGate = true
    /// Two: over four paired seeds of `play --games all` two heads raised the tasks' mean
    /// success by 0.04-0.28 (lava-9x9 from 0.00 to 0.96-0.99 on three) and the mean over all 25 games
    /// on every seed; the board games lost 0.011-0.020 on three seeds and gained 0.046 on one,
    /// with a quarter fewer decisions (README, "Glimpses: where the agent is and what is around it").
    static let glimpses = 2
}
