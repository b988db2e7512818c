import FastMath
import GameKit
import Neural

/// The network as a player. In two-player games it plays the action it scores highest (no
/// sampling), so an evaluation measures the policy's best guess and randomness comes from
/// the opponents. On single-player tasks it samples from its policy (unless
/// `samplesOnTasks` is false): the greedy action of a policy trained with sampling walks
/// back and forth forever in the maze states where two moves score nearly alike, while the
/// policy itself, the thing training optimises, finds the goal.
public struct NetworkPlayer: GamePlayer {
    public let network: TextPolicyNetwork
    public let hideGameID: Bool
    public var name: String
    public var samplesOnTasks: Bool
    private var builder = PolicyBatchBuilder()

    public init(network: TextPolicyNetwork, hideGameID: Bool = false, name: String = "network", samplesOnTasks: Bool = true) {
        self.network = network
        self.hideGameID = hideGameID
        self.name = name
        self.samplesOnTasks = samplesOnTasks
    }

    public mutating func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) -> Int {
        let ids = game.legalActionIDs(in: state)
        let texts = ids.map { game.actionText($0, in: state, notation: .mover) }
        // Registered games always encode (the conformance test checks their text); a game
        // whose text the network cannot read is a programmer error here.
        guard let observation = try? EncodedObservation(game.observation(of: state, showingID: !hideGameID)),
              let batch = try? builder.batch([observation], actions: [texts]) else {
            preconditionFailure("\(game.id): the network cannot read this observation or its actions")
        }
        let logits = network.forward(batch).logits
        var best = 0
        for i in 1..<ids.count where logits[i] > logits[best] { best = i }
        guard samplesOnTasks && game.playerCount == 1 else { return ids[best] }
        var weights = [Double](repeating: 0, count: ids.count)
        for i in ids.indices { weights[i] = Double(fastExp(logits[i] - logits[best])) }
        var threshold = Double(rng.nextUnitFloat()) * weights.reduce(0, +)
        for i in ids.indices {
            threshold -= weights[i]
            if threshold <= 0 { return ids[i] }
        }
        return ids[best]
    }
}

/// How a player did in one game against one opponent (two-player) or on one task.
public struct GameScore: Sendable, Hashable, Codable {
    public var game: String
    public var opponent: String
    public var games = 0
    public var wins = 0, draws = 0, losses = 0
    /// Tasks: the mean number of moves of solved episodes, and the mean optimum of those levels.
    public var meanSteps = 0.0, meanOptimalSteps = 0.0

    /// Wins plus half the draws, per game (tasks: the success rate).
    public var score: Double { games == 0 ? 0 : (Double(wins) + 0.5 * Double(draws)) / Double(games) }

    /// A 95% Wilson score interval for `score` (draws counted as half a win).
    public var interval: (low: Double, high: Double) {
        guard games > 0 else { return (0, 1) }
        let n = Double(games), p = score, z = 1.96
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / (1 + z * z / n)
        return (max(0, centre - half), min(1, centre + half))
    }
}

/// A match that an engine stopped (it died, hung, or played a move our rules call
/// illegal): the scores so far, the last one possibly short of its games, and why.
public struct MatchStopped: Error, CustomStringConvertible {
    /// Every score finished or begun, in order; the last is the interrupted match.
    public var scores: [GameScore]
    public var reason: EngineError

    public var description: String {
        let last = scores.last.map { " after \($0.games) games against \($0.opponent) in \($0.game) (\($0.wins) won, \($0.draws) drawn, \($0.losses) lost)" } ?? ""
        return "the match stopped\(last): \(reason)"
    }
}

/// Matches and task runs for evaluation.
public enum Evaluation {
    /// `player` against `opponent` for `games` games of `game`, alternating who moves first.
    /// An engine failure stops the match: `MatchStopped` carries the games played so far.
    public static func match(_ player: inout some GamePlayer, against opponent: inout some GamePlayer, in game: AnyGame,
                             games: Int, seed: UInt64) throws(MatchStopped) -> GameScore {
        precondition(game.playerCount == 2, "\(game.id) is not a two-player game")
        var rng = SeededGenerator(seed: seed)
        var score = GameScore(game: game.id, opponent: opponent.name)
        for index in 0..<games {
            let seat = index % 2
            let start = game.initialState(seed: UInt64(index))
            let record: GameRecord
            do {
                record = seat == 0 ? try Match.play(game, from: start, first: &player, second: &opponent, using: &rng)
                    : try Match.play(game, from: start, first: &opponent, second: &player, using: &rng)
            } catch {
                throw MatchStopped(scores: [score], reason: error)
            }
            let result = record.returns[seat]
            score.games += 1
            if result > 0 { score.wins += 1 } else if result < 0 { score.losses += 1 } else { score.draws += 1 }
        }
        return score
    }

    /// `player`'s scores in `game`: a task against its optimum (`games` levels from
    /// `taskSeed`), a two-player game against each of `opponents` in turn (the i-th with
    /// seed `seed + i`; `startDistance`: see `task`). The one evaluation loop of training and `play eval`. An engine
    /// failure stops it; `MatchStopped` carries the scores so far.
    public static func scores(_ player: inout some GamePlayer, in game: AnyGame, against opponents: [any GamePlayer],
                              games: Int, seed: UInt64, taskSeed: UInt64, startDistance: Int? = nil) throws(MatchStopped) -> [GameScore] {
        guard game.playerCount == 2 else {
            return [try task(&player, on: game, episodes: games, seed: taskSeed, startDistance: startDistance)]
        }
        var scores: [GameScore] = []
        for (index, opponent) in opponents.enumerated() {
            var opponent = opponent
            do {
                scores.append(try match(&player, against: &opponent, in: game, games: games, seed: seed &+ UInt64(index)))
            } catch {
                throw MatchStopped(scores: scores + error.scores, reason: error.reason)
            }
        }
        return scores
    }

    /// `player` on `episodes` levels of the task `game` (seeds `seed ..< seed + episodes`):
    /// success counts as a win, failure as a loss; steps are compared with the optimum.
    /// A player that fails stops the run with the episodes so far (`MatchStopped`).
    ///
    /// With `startDistance`, each episode starts that many steps before the goal on the
    /// solver's shortest solution (`Backplay.state`; at the level's start if the solution is
    /// not longer), and the score's opponent is `optimum-from-N`, apart from whole episodes.
    public static func task(_ player: inout some GamePlayer, on game: AnyGame, episodes: Int, seed: UInt64,
                            startDistance: Int? = nil) throws(MatchStopped) -> GameScore {
        precondition(game.playerCount == 1, "\(game.id) is not a single-player task")
        var rng = SeededGenerator(seed: seed)
        var score = GameScore(game: game.id, opponent: startDistance.map { "optimum-from-\($0)" } ?? "optimum")
        var steps = 0, optimal = 0
        for index in 0..<episodes {
            var state = game.initialState(seed: seed &+ UInt64(index))
            if let startDistance { state = Backplay.state(of: game, level: state, distance: startDistance) }
            let best = game.shortestSolution(from: state)?.count
            var moves = 0
            while !game.isTerminal(state) {
                do {
                    game.play(try player.chooseAction(in: game, state: state, using: &rng), in: &state)
                } catch {
                    throw MatchStopped(scores: [score], reason: error)
                }
                moves += 1
            }
            score.games += 1
            if game.returns(in: state)![0] > 0 {
                score.wins += 1
                steps += moves
                optimal += best ?? moves
            } else {
                score.losses += 1
            }
        }
        if score.wins > 0 {
            score.meanSteps = Double(steps) / Double(score.wins)
            score.meanOptimalSteps = Double(optimal) / Double(score.wins)
        }
        return score
    }
}
