import ArgumentParser
import Foundation
import GameKit
import Games
import Lab
import RL

/// Player names the command line takes: the baselines, the outside engines
/// (`gnugo:LEVEL`, `stockfish:DEPTH`, `gtp:COMMAND`, `uci:COMMAND`), or `checkpoint:PATH`
/// (a trained network).
enum PlayerSpec {
    static let help = "random, greedy, mcts:N, minimax (small games), gnugo:LEVEL (go-lite), stockfish:DEPTH (chess-lite), gtp:COMMAND, uci:COMMAND or checkpoint:PATH"

    /// The player called `name` for `entry`'s game.
    static func player(named name: String, for entry: GameEntry) throws -> any GamePlayer {
        if name.hasPrefix("checkpoint:") {
            let path = String(name.dropFirst("checkpoint:".count))
            let checkpoint = try Checkpoint.read(from: URL(fileURLWithPath: path))
            return NetworkPlayer(network: try TextPolicyNetwork.load(from: checkpoint),
                                 hideGameID: checkpoint.header.config.hideGameID, name: "checkpoint")
        }
        return try BaselinePlayers.player(named: name, for: entry)
    }

    /// Checks a name without loading or starting anything heavy (for `validate`).
    static func check(_ name: String, for entry: GameEntry) throws {
        if name.hasPrefix("checkpoint:") {
            let path = String(name.dropFirst("checkpoint:".count))
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no checkpoint at \(path)") }
            return
        }
        do { _ = try BaselinePlayers.player(named: name, for: entry) } catch {
            throw ValidationError(error.description + " (or checkpoint:PATH)")
        }
    }
}

/// `play eval --checkpoint PATH`: a trained network against baselines, with confidence intervals.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained network (a checkpoint) against baseline players, with 95% confidence intervals.")

    @Option(help: "A checkpoint file (Checkpoints/NAME/final.ckpt or latest.ckpt).")
    var checkpoint: String

    @Option(help: "'all', comma-separated game ids, or 'trained' for the checkpoint's own games.")
    var games: String = "trained"

    @Option(help: "Opponents, comma-separated: \(PlayerSpec.help). Tasks are always scored against their optimum.")
    var opponent: String = "random"

    @Option(help: "Games per game and opponent (task episodes per task).")
    var gamesPerPair: Int = 100

    @Option(help: "Seed of the games' levels and the opponents' choices.")
    var seed: UInt64 = 1

    @Option(help: "Tasks only: start each episode this many steps before the goal on the solver's shortest solution (at the level's start if it is shorter), to see how far from the goal the network still finishes; logged as opponent optimum-from-N.")
    var startDistance: Int?

    @Option(help: "Where to append the results as JSON lines (default: beside the checkpoint, <checkpoint>.eval.jsonl).")
    var log: String?

    func validate() throws {
        guard gamesPerPair >= 1 else { throw ValidationError("--games-per-pair must be at least 1 (got \(gamesPerPair)).") }
        if let startDistance, startDistance < 1 {
            throw ValidationError("--start-distance counts steps before the goal: at least 1 (got \(startDistance)).")
        }
        guard FileManager.default.fileExists(atPath: checkpoint) else { throw ValidationError("no checkpoint at \(checkpoint)") }
        let entries: [GameEntry]
        do {
            entries = games == "trained" ? [try GameCatalog.registry.entry("connect-four")]
                : try GameCatalog.registry.games(games).filter { $0.playerCount == 2 }.map { try GameCatalog.registry.entry($0.id) }
        } catch { throw ValidationError("\(error)") }
        // Whether minimax can solve a game is decided per game in `run` (it is skipped where it cannot).
        for name in opponent.split(separator: ",").map(String.init) where name != "minimax" && (!Self.isEngine(name) || games != "trained") {
            for entry in entries { try PlayerSpec.check(name, for: entry) }
        }
    }

    func run() throws {
        let file = try Checkpoint.read(from: URL(fileURLWithPath: checkpoint))
        let network = try TextPolicyNetwork.load(from: file)
        let config = file.header.config
        let list = try GameCatalog.registry.games(games == "trained" ? config.games.joined(separator: ",") : games)
        if startDistance != nil, !list.contains(where: \.isSolvableTask) {
            throw ValidationError("--start-distance starts task episodes near the goal, and none of the games is a task: "
                                  + list.map(\.id).joined(separator: ", "))
        }
        let logURL = URL(fileURLWithPath: self.log ?? checkpoint + ".eval.jsonl")
        let log = try JSONLines(appendingTo: logURL)
        print("game                opponent   games   win  draw  loss   score (95% CI)        steps/optimal")
        for game in list {
            let entry = try GameCatalog.registry.entry(game.id)
            var player = NetworkPlayer(network: network, hideGameID: config.hideGameID)
            var names = game.playerCount == 1 ? [] : opponent.split(separator: ",").map(String.init)
            if !entry.minimaxFeasible, names.contains("minimax") {
                print("(\(game.id): minimax skipped, the game is too large to solve; use mcts:N)")
                names.removeAll { $0 == "minimax" }
            }
            // An engine plays its own game only (gnugo: go-lite; stockfish: chess-lite): on a
            // checkpoint of many games it is skipped where it cannot play, like minimax.
            var opponents: [any GamePlayer] = []
            for name in names {
                do {
                    opponents.append(try PlayerSpec.player(named: name, for: entry))
                } catch let error as PlayerNameError where Self.isEngine(name) {
                    print("(\(game.id): \(name) skipped: \(error.description))")
                }
            }
            let scores: [GameScore], stopped: MatchStopped?
            do {
                (scores, stopped) = (try Evaluation.scores(&player, in: game, against: opponents, games: gamesPerPair, seed: seed, taskSeed: seed,
                                                        startDistance: startDistance), nil)
            } catch {
                (scores, stopped) = (error.scores, error)
            }
            for score in scores where score.games > 0 {
                try log.write(EvalEvent(update: file.header.updates, decisions: file.header.decisions, score: score))
                print(Self.row(score, task: game.playerCount == 1))
            }
            if let stopped {
                print("\nresults so far appended to \(logURL.path)")
                throw stopped
            }
        }
        print("\nresults appended to \(logURL.path)")
    }

    /// Whether `name` names an outside engine (checked per game once the games are known).
    static func isEngine(_ name: String) -> Bool {
        ["gnugo:", "stockfish:", "gtp:", "uci:"].contains { name.lowercased().hasPrefix($0) }
    }

    /// One table row.
    static func row(_ score: GameScore, task: Bool) -> String {
        let (low, high) = score.interval
        let steps = task && score.wins > 0 ? String(format: "%.1f/%.1f", score.meanSteps, score.meanOptimalSteps) : ""
        return score.game.padded(to: 20) + score.opponent.padded(to: 11)
            + String(format: "%5d %5d %5d %5d   %.2f (%.2f-%.2f)   ", score.games, score.wins, score.draws, score.losses,
                     score.score, low, high) + steps
    }
}
