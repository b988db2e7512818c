import Foundation
import GameKit
import SeededRandom

/// One game of a tournament, as logged (`event: "game"`).
public struct TournamentGame: Sendable, Hashable, Codable {
    public var event = "game"
    public var game: String
    /// Player indices and names; `first` moved first.
    public var first: Int, second: Int
    public var firstName: String, secondName: String
    /// The first player's return: 1 win, 0 draw, -1 loss.
    public var result: Double
    public var moves: Int
    /// The name of the player who resigned, if one did.
    public var resigned: String?
    /// The seed of the game's initial state.
    public var seed: UInt64

    /// The game for the rating fit.
    public var pairResult: PairResult { PairResult(first: first, second: second, score: (result + 1) / 2) }
}

/// A tournament an engine stopped (it died, hung, or played an illegal move): the games
/// finished before, and why.
public struct TournamentStopped: Error, CustomStringConvertible {
    public var games: [TournamentGame]
    public var pair: (first: String, second: String)
    public var reason: EngineError

    public var description: String {
        "the tournament stopped after \(games.count) games, in a game of \(pair.first) against \(pair.second): \(reason)"
    }
}

/// Round robins: every pair of players meets `gamesPerPair` times, taking turns to move
/// first (so both colours are played equally when `gamesPerPair` is even).
public enum RoundRobin {
    /// The games in playing order: pairs (i < j) in order, each pair's games together.
    public static func schedule(players: Int, gamesPerPair: Int) -> [(first: Int, second: Int, round: Int)] {
        var games: [(Int, Int, Int)] = []
        for i in 0..<players {
            for j in (i + 1)..<max(players, i + 1) {
                for round in 0..<gamesPerPair { games.append(round % 2 == 0 ? (i, j, round) : (j, i, round)) }
            }
        }
        return games
    }

    /// Plays the round robin of `players` (named `names`) in `game`. The game of round r
    /// starts from `initialState(seed: r)`; each pair's games draw from a generator seeded
    /// `seed + pair number`, so a pair's games do not depend on the others. `played` sees
    /// each game as it finishes (to log it at once).
    public static func run(game: AnyGame, players: inout [any GamePlayer], names: [String], gamesPerPair: Int, seed: UInt64,
                           played: (TournamentGame) throws -> Void) throws -> [TournamentGame] {
        precondition(players.count == names.count && players.count >= 2 && gamesPerPair >= 1, "bad round robin")
        var results: [TournamentGame] = []
        var pairNumber: UInt64 = 0
        var rng = SeededGenerator(seed: seed)
        var lastPair = (-1, -1)
        for (first, second, round) in schedule(players: players.count, gamesPerPair: gamesPerPair) {
            let pair = (min(first, second), max(first, second))
            if pair != lastPair {
                rng = SeededGenerator(seed: seed &+ pairNumber)
                pairNumber += 1
                lastPair = pair
            }
            var a = players[first], b = players[second]
            let record: GameRecord
            do {
                record = try Match.play(game, from: game.initialState(seed: UInt64(round)), first: &a, second: &b, using: &rng)
            } catch {
                throw TournamentStopped(games: results, pair: (names[first], names[second]), reason: error)
            }
            players[first] = a
            players[second] = b
            let result = TournamentGame(game: game.id, first: first, second: second, firstName: names[first], secondName: names[second],
                                        result: record.returns[0], moves: record.moves.count,
                                        resigned: record.resigned.map { $0 == 0 ? names[first] : names[second] }, seed: UInt64(round))
            results.append(result)
            try played(result)
        }
        return results
    }
}

/// One player's line in the final table (`event: "rating"` in the log).
public struct TournamentRating: Sendable, Hashable, Codable {
    public var event = "rating"
    public var player: String
    public var elo: Double
    /// The bootstrap interval.
    public var low: Double, high: Double
    public var games: Int
    /// Points (win 1, draw 1/2) per game.
    public var score: Double
    /// The player rated 0.
    public var anchor: String
    /// Davidson's draw parameter of the fit.
    public var drawParameter: Double
}

extension RoundRobin {
    /// Ratings of `names` from `games`, `anchor` at 0, with bootstrap intervals; sorted
    /// best first.
    public static func ratings(of games: [TournamentGame], names: [String], anchor: Int, priorGames: Double = 1,
                               bootstrapSamples: Int = 200, seed: UInt64) throws(RatingError) -> [TournamentRating] {
        let results = games.map(\.pairResult)
        let fit = try Ratings.fit(players: names.count, results: results, anchor: anchor, priorGames: priorGames)
        let intervals = Ratings.bootstrap(players: names.count, results: results, anchor: anchor, priorGames: priorGames,
                                          samples: bootstrapSamples, seed: seed)
        var points = [Double](repeating: 0, count: names.count), played = [Int](repeating: 0, count: names.count)
        for game in games {
            points[game.first] += (game.result + 1) / 2
            points[game.second] += (1 - game.result) / 2
            played[game.first] += 1
            played[game.second] += 1
        }
        return names.indices.map { i in
            TournamentRating(player: names[i], elo: fit.elo[i], low: intervals[i].low, high: intervals[i].high, games: played[i],
                             score: played[i] == 0 ? 0 : points[i] / Double(played[i]), anchor: names[anchor],
                             drawParameter: fit.drawParameter)
        }.sorted { $0.elo > $1.elo }
    }

    /// The ratings as a text table, and below it each pair's score (row player's points
    /// per game against the column player).
    public static func table(_ ratings: [TournamentRating], games: [TournamentGame], names: [String]) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.padded(to: width, minimumGap: 1) }
        func number(_ x: Double) -> String { x.isFinite ? String(Int(x.rounded())) : (x > 0 ? "inf" : "-inf") }
        let width = max(8, (names.map(\.count).max() ?? 0) + 2)
        var lines = [pad("rank", 6) + pad("player", width) + pad("elo", 8) + pad("95% CI", 16) + pad("games", 7) + "score"]
        for (rank, rating) in ratings.enumerated() {
            lines.append(pad(String(rank + 1), 6) + pad(rating.player, width) + pad(number(rating.elo), 8)
                         + pad("\(number(rating.low)) to \(number(rating.high))", 16) + pad(String(rating.games), 7)
                         + String(Int((rating.score * 100).rounded())) + "%")
        }
        if let first = ratings.first {
            lines.append("anchor: \(first.anchor) = 0; Davidson draw parameter nu = \(Double(Int(first.drawParameter * 1000)) / 1000)")
        }
        // Cross table: points per game of the row player against the column player.
        var points = [[Double]](repeating: [Double](repeating: 0, count: names.count), count: names.count)
        var counts = points
        for game in games {
            points[game.first][game.second] += (game.result + 1) / 2
            points[game.second][game.first] += (1 - game.result) / 2
            counts[game.first][game.second] += 1
            counts[game.second][game.first] += 1
        }
        lines.append("")
        let label = max(width + 4, 24)
        lines.append(pad("score of row vs column", label) + names.indices.map { pad(String($0 + 1), 6) }.joined())
        for i in names.indices {
            let cells = names.indices.map { j in
                pad(i == j || counts[i][j] == 0 ? "-" : String(format: "%.2f", points[i][j] / counts[i][j]), 6)
            }
            lines.append(pad(pad(String(i + 1), 4) + names[i], label) + cells.joined())
        }
        return lines.joined(separator: "\n")
    }
}
