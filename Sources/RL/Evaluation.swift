import Dispatch
import FastMath
import Foundation
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
        return Self.choose(among: ids, logits: network.forward(batch).logits, sampling: samplesOnTasks && game.playerCount == 1, using: &rng)
    }

    /// The action of `ids` (whose logits are `logits[0 ..< ids.count]`) the network plays:
    /// the highest-scoring one, or with `sampling` one drawn from the softmax, which takes
    /// one number from `rng` (greedy choices take none).
    static func choose(among ids: [Int], logits: UnsafePointer<Float>, sampling: Bool, using rng: inout SeededGenerator) -> Int {
        var best = 0
        for i in 1..<ids.count where logits[i] > logits[best] { best = i }
        guard sampling else { return ids[best] }
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

extension GameScore {
    /// Counts one two-player game with the player's `result` (+1 win, -1 loss, 0 draw).
    mutating func add(result: Double) {
        games += 1
        if result > 0 { wins += 1 } else if result < 0 { losses += 1 } else { draws += 1 }
    }
}

/// A task's episodes added up into a `GameScore`, for `Evaluation.task` and
/// `BatchedEvaluation`: success is a win, failure a loss, and the solved episodes' moves are
/// compared with their levels' optimum.
struct TaskTally {
    /// The counts so far (the mean steps only in `finished`).
    private(set) var score: GameScore
    private var steps = 0, optimal = 0

    /// Opponent `optimum`, or `optimum-from-N` for episodes that start N steps before the goal.
    init(game: AnyGame, startDistance: Int?) {
        score = GameScore(game: game.id, opponent: startDistance.map { "optimum-from-\($0)" } ?? "optimum")
    }

    /// Episode `episode`'s start: level `seed + episode`, moved `startDistance` solver steps
    /// before the goal if given (`Backplay.state`).
    static func start(of game: AnyGame, seed: UInt64, episode: Int, startDistance: Int?) -> AnyGameState {
        let level = game.initialState(seed: seed &+ UInt64(episode))
        return startDistance.map { Backplay.state(of: game, level: level, distance: $0) } ?? level
    }

    /// Counts an episode; `optimum` is its start's shortest solution (nil: its own moves).
    mutating func add(solved: Bool, moves: Int, optimum: Int?) {
        score.games += 1
        guard solved else { score.losses += 1; return }
        score.wins += 1
        steps += moves
        optimal += optimum ?? moves
    }

    /// The score with the mean steps and mean optimum of the solved episodes.
    var finished: GameScore {
        var score = score
        if score.wins > 0 {
            score.meanSteps = Double(steps) / Double(score.wins)
            score.meanOptimalSteps = Double(optimal) / Double(score.wins)
        }
        return score
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
            score.add(result: record.returns[seat])
        }
        return score
    }

    /// `player`'s scores in `game`: a task against its optimum (`games` levels from
    /// `taskSeed`), a two-player game against each of `opponents` in turn (the i-th with
    /// seed `seed + i`; `startDistance`: see `task`). The evaluation loop of `play eval`, for
    /// any player and opponent; training's evaluations against random play all episodes at
    /// once (`BatchedEvaluation`, other generator streams, so other games than this with the
    /// same seed) and its MCTS matches are `matches`. An engine failure stops it;
    /// `MatchStopped` carries the scores so far.
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
        var tally = TaskTally(game: game, startDistance: startDistance)
        for index in 0..<episodes {
            var state = TaskTally.start(of: game, seed: seed, episode: index, startDistance: startDistance)
            let best = game.shortestSolution(from: state)?.count
            var moves = 0
            while !game.isTerminal(state) {
                do {
                    game.play(try player.chooseAction(in: game, state: state, using: &rng), in: &state)
                } catch {
                    throw MatchStopped(scores: [tally.score], reason: error)
                }
                moves += 1
            }
            tally.add(solved: game.returns(in: state)![0] > 0, moves: moves, optimum: best)
        }
        return tally.finished
    }
}

extension Evaluation {
    /// `network` against a fresh `opponent()` in each of `games` (`count` games each, seed
    /// `seed`, as `match` plays them), on up to `threads` threads: the games are handed out
    /// one at a time, and each thread plays with its own copy of the network. Every match is
    /// the one `match` plays alone, so the scores do not depend on the thread count. For the
    /// slow opponents (MCTS) of a run's final table; an engine failure is rethrown after the
    /// other threads finish their match, with the finished scores before the interrupted one.
    public static func matches(of network: TextPolicyNetwork, hideGameID: Bool, in games: [AnyGame],
                               against opponent: @escaping @Sendable () -> any GamePlayer, count: Int, seed: UInt64,
                               threads: Int) throws -> [GameScore] {
        precondition(games.allSatisfy { $0.playerCount == 2 }, "matches are between two players")
        let workers = max(1, min(threads, games.count))
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var scores: [GameScore?]
            var failure: MatchStopped?
            let networks: [TextPolicyNetwork]
            /// The games in the order they are handed out: the longest first (by their
            /// move limit), so a long match (go-lite-9x9) does not start last.
            let order: [Int]
            init(games: [AnyGame], networks: [TextPolicyNetwork]) {
                scores = Array(repeating: nil, count: games.count)
                self.networks = networks
                order = games.indices.sorted { (-games[$0].maxLength, $0) < (-games[$1].maxLength, $1) }
            }
            /// The next game to play, or nil when all are taken or a match failed.
            func take() -> Int? {
                lock.lock(); defer { lock.unlock() }
                guard next < order.count, failure == nil else { return nil }
                next += 1
                return order[next - 1]
            }
            func finish(_ index: Int, _ result: Result<GameScore, MatchStopped>) {
                lock.lock(); defer { lock.unlock() }
                switch result {
                case .success(let score): scores[index] = score
                case .failure(let error): if failure == nil { failure = error }
                }
            }
        }
        let copies = (1..<workers).map { _ in network.copy() }
        let shared = Shared(games: games, networks: [network] + copies)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var player = NetworkPlayer(network: shared.networks[worker], hideGameID: hideGameID)
            while let index = shared.take() {
                var rival = opponent()
                shared.finish(index, Result { () throws(MatchStopped) in
                    try match(&player, against: &rival, in: games[index], games: count, seed: seed)
                })
            }
        }
        if var failure = shared.failure {
            // As `MatchStopped` promises: every score finished (in game order), then the
            // interrupted match.
            failure.scores = shared.scores.compactMap { $0 } + failure.scores
            throw failure
        }
        return shared.scores.map { $0! }
    }
}
