import ArgumentParser
import Foundation
import GameKit
import Games
import Lab
import RL

/// `play tournament --games GAME --players P1,P2,...`: a round robin with both colours,
/// Davidson (Bradley-Terry with draws) ratings anchored at random = 0 with bootstrap
/// intervals; every game and the ratings go to DIR/log.jsonl, the table to the terminal
/// and DIR/ratings.txt.
struct Tournament: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A round robin between players in one game, with Elo ratings (random = 0) and 95% bootstrap intervals.",
        discussion: "Players: \(PlayerSpec.help). Each pair plays --games-per-pair games, taking turns to move first.")

    @Option(help: "The game: one two-player game id (see `play games`).")
    var games: String

    @Option(help: "Comma-separated players, at least two, e.g. random,mcts:50,gnugo:1,checkpoint:PATH.")
    var players: String

    @Option(help: "Games per pair of players (both colours: keep it even).")
    var gamesPerPair: Int = 10

    @Option(help: "Seed of the players' choices and of the bootstrap.")
    var seed: UInt64 = 1

    @Option(help: "Bootstrap resamples for the intervals.")
    var bootstrap: Int = 200

    @Option(help: "Output directory for log.jsonl and ratings.txt (default: runs/tournament-GAME).")
    var out: String?

    @OptionGroup var compute: ComputeOptions

    var names: [String] { players.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }

    func validate() throws {
        let entry: GameEntry
        do { entry = try GameCatalog.registry.entry(games) } catch { throw ValidationError(error.description) }
        guard entry.playerCount == 2 else {
            throw ValidationError("\(entry.id) is a single-player task; a tournament needs a two-player game (see `play games`).")
        }
        guard names.count >= 2 else { throw ValidationError("--players needs at least two players, comma-separated (got '\(players)').") }
        guard Set(names).count == names.count else { throw ValidationError("--players names a player twice: '\(players)'.") }
        guard gamesPerPair >= 1 else { throw ValidationError("--games-per-pair must be at least 1 (got \(gamesPerPair)).") }
        guard bootstrap >= 1 else { throw ValidationError("--bootstrap must be at least 1 (got \(bootstrap)).") }
        for name in names { try PlayerSpec.check(name, for: entry) }
    }

    func run() throws {
        compute.apply()
        let entry = try GameCatalog.registry.entry(games)
        let game = entry.make()
        let names = self.names
        var list = try names.map { try PlayerSpec.player(named: $0, for: entry) }
        let anchor = names.firstIndex(of: "random") ?? 0
        let directory = URL(fileURLWithPath: out ?? "runs/tournament-\(game.id)")
        let logURL = directory.appendingPathComponent("log.jsonl")
        if FileManager.default.fileExists(atPath: logURL.path) {
            throw CommandError("\(directory.path) already holds a tournament (its log.jsonl); give another --out or remove it")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = try JSONLines(appendingTo: logURL)
        print("\(game.id): \(names.count) players, \(gamesPerPair) games per pair, anchor \(names[anchor]) = 0")
        let (finished, stopped) = Self.play(game: game, players: &list, names: names, gamesPerPair: gamesPerPair, seed: seed, log: log)
        if !finished.isEmpty { try report(finished, names: names, anchor: anchor, directory: directory, log: log, stopped: stopped) }
        if let stopped { throw stopped }
    }

    /// The round robin, logging each game; the games so far and the error if an engine stopped it.
    static func play(game: AnyGame, players: inout [any GamePlayer], names: [String], gamesPerPair: Int, seed: UInt64,
                     log: JSONLines) -> ([TournamentGame], Error?) {
        do {
            let games = try RoundRobin.run(game: game, players: &players, names: names, gamesPerPair: gamesPerPair, seed: seed) { result in
                try log.write(result)
                if result.seed + 1 == UInt64(gamesPerPair) { print("  \(names[min(result.first, result.second)]) - \(names[max(result.first, result.second)]) done") }
            }
            return (games, nil)
        } catch let error as TournamentStopped {
            return (error.games, error)
        } catch {
            return ([], error)
        }
    }

    /// Fits, logs, saves and prints the ratings of `finished`.
    func report(_ finished: [TournamentGame], names: [String], anchor: Int, directory: URL, log: JSONLines, stopped: Error?) throws {
        let ratings: [TournamentRating]
        do {
            ratings = try RoundRobin.ratings(of: finished, names: names, anchor: anchor, bootstrapSamples: bootstrap, seed: seed)
        } catch {
            guard stopped != nil else { throw error }
            print("no ratings from the \(finished.count) games played: \(error)")
            return
        }
        for rating in ratings { try log.write(rating) }
        let table = RoundRobin.table(ratings, games: finished, names: names)
        try (table + "\n").write(to: directory.appendingPathComponent("ratings.txt"), atomically: true, encoding: .utf8)
        print("\n" + table)
        print("\ngames and ratings appended to \(directory.appendingPathComponent("log.jsonl").path)")
    }
}
