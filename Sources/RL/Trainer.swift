import Foundation
import GameKit
import Neural

/// One training run: the network, the games in play, the opponent pool and the update.
/// `runUpdate()` gathers a batch of decisions by self-play and learns from it; the
/// command line calls it until the budget is spent.
public final class Trainer {
    public let config: TrainingConfig
    public let games: [AnyGame]
    public let network: TextPolicyNetwork
    /// Plays the pool's side of games against the pool.
    private let opponent: TextPolicyNetwork
    /// Snapshots of earlier parameters, oldest first.
    public private(set) var pool: [[Float]] = []
    public let rollouts: SelfPlayRollouts
    public let updater: PolicyGradientUpdate
    /// The generator of updates and pool choices (the rollouts have their own).
    private var rng: SeededGenerator
    public private(set) var updates = 0

    /// A trainer for `config`'s games, looked up in `registry`.
    public init(config: TrainingConfig, games: [AnyGame]) throws(TrainingError) {
        if let problem = config.problem { throw .badConfig(problem) }
        self.config = config
        self.games = games
        // Every game's start must be readable by the network (board size limits).
        for game in games {
            let state = game.initialState(seed: 0)
            do {
                _ = try EncodedObservation(game.observation(of: state, showingID: !config.hideGameID))
                for id in game.legalActionIDs(in: state) { _ = try TextEncoding.encodeAction(game.actionText(id, in: state, notation: .mover)) }
            } catch {
                throw .unreadableGame(game.id, error.description)
            }
        }
        var seeds = SeededGenerator(seed: config.seed)
        network = TextPolicyNetwork(config: config.model, seed: seeds.next())
        opponent = TextPolicyNetwork(config: config.model, seed: seeds.next())
        rollouts = SelfPlayRollouts(games: games, config: config, rng: SeededGenerator(seed: seeds.next()))
        rng = SeededGenerator(seed: seeds.next())
        updater = PolicyGradientUpdate(config: config)
    }

    /// What one update did, for progress displays and logs.
    public struct Report: Sendable {
        public var update: Int
        public var statistics: UpdateStatistics
        /// Decisions and games so far.
        public var decisions: Int
        public var gamesFinished: Int
        /// Learner returns per game since the last report (tasks; games against the pool).
        public var results: [[Double]]
    }

    /// Gathers at least `config.decisionsPerUpdate` decisions and updates on them.
    /// `learningRate` defaults to the config's.
    public func runUpdate(learningRate: Float? = nil) throws(TrainingError) -> Report {
        let against: TextPolicyNetwork? = pool.isEmpty ? nil : opponent
        do {
            while rollouts.finished.count < config.decisionsPerUpdate { try rollouts.step(network: network, opponent: against) }
            let batch = rollouts.takeFinished()
            let statistics = try updater.update(network, on: batch, games: games.count,
                                                learningRate: learningRate ?? config.learningRate, rng: &rng)
            updates += 1
            if updates % config.snapshotEvery == 0 {
                pool.append(network.store.snapshot())
                if pool.count > config.poolSize { pool.removeFirst() }
            }
            if !pool.isEmpty {
                // The opponent of the coming rollouts: a snapshot drawn uniformly from the pool.
                try? opponent.store.restore(.parameters, from: pool[Int(rng.next() % UInt64(pool.count))])
            }
            return Report(update: updates, statistics: statistics, decisions: rollouts.decisions,
                          gamesFinished: rollouts.gamesFinished, results: rollouts.takeResults())
        } catch {
            throw .unreadableGame("a game", error.description)
        }
    }
}

/// Why training cannot start or go on; the description says what to change.
public enum TrainingError: Error, CustomStringConvertible {
    case badConfig(String)
    case unreadableGame(String, String)

    public var description: String {
        switch self {
        case .badConfig(let problem): "bad training configuration: \(problem)"
        case let .unreadableGame(game, reason): "the network cannot read \(game): \(reason)"
        }
    }
}
