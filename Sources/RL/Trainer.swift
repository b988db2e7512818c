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
    /// The update count at which games in play were last restarted.
    private var restartedAt = 0
    /// Which pool snapshot the opponent network holds.
    private var opponentIndex: Int?
    /// Training time spent before this process (a resumed run's earlier part).
    public private(set) var earlierSeconds = 0.0
    /// Self-imitation's kept moves (`config.selfImitation`; nil when it is off).
    public private(set) var successReplay: SuccessReplay?
    /// Builds the batches that evaluate replayed moves.
    private var replayBuilder = PolicyBatchBuilder()

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
        if config.selfImitation > 0 { successReplay = SuccessReplay(games: games.count) }
    }

    /// What one update did, for progress displays and logs.
    public struct Report: Sendable {
        public var update: Int
        public var statistics: UpdateStatistics
        /// Decisions and games so far.
        public var decisions: Int
        public var gamesFinished: Int
        /// Learner returns per game since the last report (tasks' whole episodes, not
        /// backplay's; games against the pool).
        public var results: [[Double]]
        /// Decisions this update learned from, per game (a joint run's share of each game).
        public var learnedPerGame: [Int] = []
        /// Per game, the mean of -log pi(chosen action) over this update's decisions: an
        /// estimate of the policy's entropy on the states it met (unbiased but for moves of
        /// games that spanned an update, made by the policy before it; nil for a game
        /// without decisions). It shows whether one game's policy collapses while the
        /// batch's mean entropy, dominated by the others, does not.
        public var entropyPerGame: [Double?] = []
    }

    /// Gathers at least `config.decisionsPerUpdate` decisions and updates on them.
    /// `learningRate` defaults to the config's.
    public func runUpdate(learningRate: Float? = nil) throws(TrainingError) -> Report {
        let against: TextPolicyNetwork? = pool.isEmpty ? nil : opponent
        if isCheckpointBoundary && restartedAt != updates {
            // Games in play at a checkpoint are abandoned, in this run and in any run resumed
            // from the checkpoint alike, so both continue from the same generator state.
            rollouts.restart(poolAvailable: !pool.isEmpty)
            restartedAt = updates
        }
        do {
            while rollouts.finished.count < config.decisionsPerUpdate { try rollouts.step(network: network, opponent: against) }
            let batch = rollouts.takeFinished()
            var learnedPerGame = [Int](repeating: 0, count: games.count)
            var surprise = [Double](repeating: 0, count: games.count)
            for decision in batch {
                learnedPerGame[decision.game] += 1
                surprise[decision.game] -= Double(decision.logp)
            }
            let entropyPerGame = games.indices.map { learnedPerGame[$0] > 0 ? surprise[$0] / Double(learnedPerGame[$0]) : nil }
            var replayed: [Decision] = []
            // Self-imitation: keep this batch's rewarded task moves, then replay some.
            successReplay?.add(batch, isTask: games.map { $0.playerCount == 1 })
            if let replay = successReplay {
                replayed = try replay.replay(config.selfImitation, network: network, builder: &replayBuilder, rng: &rng)
            }
            let statistics = try updater.update(network, on: batch, replayed: replayed, games: games.count,
                                                learningRate: learningRate ?? config.learningRate, rng: &rng)
            updates += 1
            if updates % config.snapshotEvery == 0 {
                pool.append(network.store.snapshot())
                if pool.count > config.poolSize { pool.removeFirst() }
            }
            if !pool.isEmpty {
                // The opponent of the coming rollouts: a snapshot drawn uniformly from the pool.
                let index = Int(rng.next() % UInt64(pool.count))
                try? opponent.store.restore(.parameters, from: pool[index])
                opponentIndex = index
            }
            rollouts.networksChanged()

            return Report(update: updates, statistics: statistics, decisions: rollouts.decisions,
                          gamesFinished: rollouts.gamesFinished, results: rollouts.takeResults(), learnedPerGame: learnedPerGame,
                          entropyPerGame: entropyPerGame)
        } catch {
            throw .unreadableGame("a game", error.description)
        }
    }
}

extension Trainer {
    /// Whether the last update ended at a checkpoint boundary (games in play were restarted).
    public var isCheckpointBoundary: Bool { updates > 0 && updates % config.checkpointEvery == 0 }

    /// The state of the run after the last update, for `Checkpoint.write`. Take it at a
    /// checkpoint boundary (`isCheckpointBoundary`): the next update then restarts the games
    /// in play, and so does a run resumed from it, so both continue alike.
    public func checkpoint(elapsedSeconds: Double) -> Checkpoint {
        Checkpoint(header: .init(config: config, updates: updates, decisions: rollouts.decisions,
                                 gamesFinished: rollouts.gamesFinished, elapsedSeconds: earlierSeconds + elapsedSeconds,
                                 trainerGenerator: rng, rolloutGenerator: rollouts.rng, optimizer: updater.optimizer,
                                 opponent: opponentIndex, decisionsPerGame: rollouts.decisionsPerGame,
                                 endedPerGame: rollouts.endedPerGame, advantageVariances: updater.advantageVariances,
                                 successReplay: successReplay, backplay: rollouts.backplay),
                   network: network.store.serialized(), pool: pool)
    }

    /// A trainer that continues the run `checkpoint` was taken from.
    public convenience init(resuming checkpoint: Checkpoint, games: [AnyGame]) throws(TrainingError) {
        let header = checkpoint.header
        if header.weightsOnly == true {
            throw .checkpoint(.mismatch("it holds the network's weights only (for play, eval and analysis); resume from the run's latest.ckpt"))
        }
        guard games.map(\.id) == header.config.games else {
            throw .checkpoint(.mismatch("it trains \(header.config.games.joined(separator: ",")), not \(games.map(\.id).joined(separator: ","))"))
        }
        try self.init(config: header.config, games: games)
        do {
            try network.store.restore(serialized: checkpoint.network)
            for snapshot in checkpoint.pool where snapshot.count != network.store.count {
                throw CheckpointError.mismatch("a pool snapshot has \(snapshot.count) values, the network \(network.store.count)")
            }
            if let index = header.opponent {
                guard checkpoint.pool.indices.contains(index) else { throw CheckpointError.mismatch("opponent \(index) is not in the pool") }
                try opponent.store.restore(.parameters, from: checkpoint.pool[index])
            }
        } catch let error as CheckpointError {
            throw .checkpoint(error)
        } catch {
            throw .checkpoint(.mismatch("\(error)"))
        }
        pool = checkpoint.pool
        opponentIndex = header.opponent
        updates = header.updates
        earlierSeconds = header.elapsedSeconds
        rng = header.trainerGenerator
        updater.optimizer = header.optimizer
        rollouts.rng = header.rolloutGenerator
        rollouts.decisions = header.decisions
        rollouts.gamesFinished = header.gamesFinished
        if let lengths = header.decisionsPerGame, let ended = header.endedPerGame {
            guard lengths.count == games.count, ended.count == games.count else {
                throw .checkpoint(.mismatch("it has decision counts for \(lengths.count) games, the run trains \(games.count)"))
            }
            rollouts.decisionsPerGame = lengths
            rollouts.endedPerGame = ended
        }
        if let variances = header.advantageVariances {
            guard variances.count == games.count, variances.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw .checkpoint(.mismatch("it has \(variances.count) advantage variances (each must be finite and at least 0) for a run of \(games.count) games"))
            }
            updater.advantageVariances = variances
        }
        if config.selfImitation > 0 {
            guard let replay = header.successReplay else {
                throw .checkpoint(.mismatch("the run uses self-imitation but the checkpoint keeps no replayed moves"))
            }
            if let problem = replay.problem(games: games.count) { throw .checkpoint(.mismatch(problem)) }
            successReplay = replay
        }
        if config.backplay > 0 {
            guard let schedule = header.backplay else {
                throw .checkpoint(.mismatch("the run uses backplay but the checkpoint keeps no backplay schedule"))
            }
            if let problem = schedule.problem(games: games) { throw .checkpoint(.mismatch(problem)) }
            rollouts.backplay = schedule
        }
    }
}

/// Why training cannot start or go on; the description says what to change.
public enum TrainingError: Error, CustomStringConvertible {
    case badConfig(String)
    case unreadableGame(String, String)
    case checkpoint(CheckpointError)

    public var description: String {
        switch self {
        case .badConfig(let problem): "bad training configuration: \(problem)"
        case let .unreadableGame(game, reason): "the network cannot read \(game): \(reason)"
        case .checkpoint(let error): "cannot resume: \(error.description)"
        }
    }
}
