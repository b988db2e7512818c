import Dispatch
import FastMath
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import GameKit
import Neural

/// One move the learner made, and what training needs to learn from it.
public struct Decision: Sendable {
    /// The observation the network read.
    public let observation: EncodedObservation
    /// The legal actions in the mover's notation, in the order the network scored them.
    public let actions: [String]
    /// Index of the chosen action in `actions`.
    public let chosen: Int32
    /// Log-probability of the chosen action, and the value estimate, when it was chosen.
    public let logp: Float
    public let value: Float
    /// Index of the game in the run's game list.
    public let game: Int
    /// The reward that followed: the player's return on its last move of a game, plus on a
    /// task's moves the novelty bonus if they reached a new observation (`TrainingConfig.noveltyBonus`).
    public var reward: Float = 0
    /// Filled when the game ends: the GAE advantage and the value target.
    public var advantage: Float = 0
    public var valueTarget: Float = 0
    /// Filled when the game ends: the discounted sum of the rewards from this move on, the
    /// Monte Carlo return that self-imitation compares with the value (`SuccessReplay`).
    public var discountedReturn: Float = 0
    /// Whether the move was made in a backplay episode (`Backplay`), which started part way
    /// along the solver's solution.
    public var backplay = false
}

/// Many games played side by side by the current network, for training.
///
/// - Every step evaluates the games whose mover is the learner in one network call per
///   rollout lane (`config.threads` lanes), and those whose mover is a pool opponent in
///   another.
/// - When a slot starts a new game it draws one by `config.gameSampling`: by default so
///   that every game gets the same share of the learner's decisions (`decisionsPerGame`).
/// - Two-player games: with probability `randomOpponentShare` the network plays one side
///   (chosen at random) against a uniformly random player, so it also learns to punish
///   mistakes self-play never makes; of the rest, a share `selfPlayShare` is the current
///   network against itself (both sides' moves are learned from) and the others are one
///   side against the pool's current opponent. The pool holds snapshots of earlier
///   parameters; at each update one of them, drawn uniformly, becomes the opponent of all
///   such games (so an opponent can change in the middle of a game at an update).
/// - A player's moves form a trajectory; when its game ends the trajectory gets its
///   return as the reward of its last move (a task's moves may also carry the novelty
///   bonus, `TrainingConfig.noveltyBonus`), GAE advantages, and joins `finished`.
///   Trajectories still running at an update stay and finish later (their log-probabilities
///   are from the older policy, which the PPO ratio accounts for).
public final class SelfPlayRollouts {
    public let games: [AnyGame]
    public let config: TrainingConfig
    var rng: SeededGenerator
    private var builder = PolicyBatchBuilder()

    struct Slot {
        var game: Int
        var state: AnyGameState
        /// Which seats the learner plays.
        var learner: [Bool]
        /// The learner's moves so far, per seat.
        var trajectories: [[Decision]]
        /// Who plays the seats the learner does not.
        var opponent: Opponent
        /// Single-player tasks with a novelty bonus: the observations seen in this episode.
        var visited: Set<EncodedObservation> = []
        /// Whether this task episode was drawn for backplay (`Backplay`): it counts for the
        /// schedule, not for `results`.
        var backplay = false
    }

    enum Opponent { case none, pool, random }
    private(set) var slots: [Slot] = []
    /// The rollout threads' own state (`step`); made at the first step with more than one.
    private var lanes: [RolloutLane] = []
    private var lanesAreStale = true

    /// Decisions of finished trajectories, ready for an update.
    public var finished: [Decision] = []
    /// Learner returns of games finished since the last `takeResults` (single-player
    /// tasks' whole episodes, not backplay's, and two-player games against the pool), per game.
    public private(set) var results: [[Double]]
    /// Decisions made in total.
    public internal(set) var decisions = 0
    /// Games finished in total.
    public internal(set) var gamesFinished = 0
    /// Per game, a running mean of how many decisions the learner makes in one of its
    /// games: the plain mean of the first 16 that end, then an exponential mean of weight
    /// 1/16 (the length changes as the network learns). Before any game has ended it is
    /// the mean length of 8 uniformly random playouts (seeded by the game's index alone,
    /// so the start is the same in every run). `GameSampling.decisions` draws each new
    /// game with probability proportional to its inverse (times the game's weight).
    /// Checkpoints keep it.
    public internal(set) var decisionsPerGame: [Double]
    /// Games of each game that have ended (for the running mean, at most 16 are counted).
    var endedPerGame: [Int]
    /// Each game's sampling weight (`TrainingConfig.gameWeights`), in the order of `games`.
    let gameWeights: [Double]
    /// Whether any weight differs from 1. Unweighted runs draw exactly as before weights
    /// existed, so their results stay bit-identical.
    let weighted: Bool
    /// The tasks' backplay schedule (`config.backplay`; nil when it is off). Checkpoints keep it.
    public internal(set) var backplay: Backplay?

    public init(games: [AnyGame], config: TrainingConfig, rng: SeededGenerator) {
        self.games = games
        self.config = config
        gameWeights = games.map { config.gameWeights[$0.id] ?? 1 }
        weighted = gameWeights.contains { $0 != 1 }
        self.rng = rng
        results = Array(repeating: [], count: games.count)
        decisionsPerGame = games.enumerated().map { index, game in
            let lengths = (0..<8).map { SelfPlayRollouts.randomPlayoutLength(of: game, seed: UInt64(index * 8 + $0)) }
            return Double(lengths.reduce(0, +)) / 8
        }
        endedPerGame = Array(repeating: 0, count: games.count)
        if config.backplay > 0 { backplay = Backplay(games: games) }
        for _ in 0..<config.environments { slots.append(newSlot(poolAvailable: false)) }
    }

    /// Abandons every game in play (their moves are not learned from) and starts new ones:
    /// done at checkpoints, so that a resumed run and an uninterrupted one continue alike.
    func restart(poolAvailable: Bool) {
        finished.removeAll()
        slots = (0..<config.environments).map { _ in newSlot(poolAvailable: poolAvailable) }
    }

    private func newSlot(poolAvailable: Bool) -> Slot {
        let index = drawGame()
        let game = games[index]
        let state = game.initialState(seed: rng.next())
        if game.playerCount == 1 {
            // Off, backplay draws nothing, so runs without it stay as they were.
            if let backplay, backplay.applies(to: index), Double(rng.nextUnitFloat()) < config.backplay {
                return Slot(game: index, state: backplay.start(of: game, index: index, level: state, rng: &rng),
                            learner: [true], trajectories: [[]], opponent: .none, backplay: true)
            }
            return Slot(game: index, state: state, learner: [true], trajectories: [[]], opponent: .none)
        }
        let draw = Double(rng.nextUnitFloat())
        let seat = Int(rng.next() % 2)
        if draw < config.randomOpponentShare {
            return Slot(game: index, state: state, learner: [seat == 0, seat == 1], trajectories: [[], []], opponent: .random)
        }
        let opening = randomOpening(of: game, from: state)
        if !poolAvailable || draw < config.randomOpponentShare + config.selfPlayShare * (1 - config.randomOpponentShare) {
            return Slot(game: index, state: opening, learner: [true, true], trajectories: [[], []], opponent: .none)
        }
        return Slot(game: index, state: opening, learner: [seat == 0, seat == 1], trajectories: [[], []], opponent: .pool)
    }

    /// The index of the game a new slot plays (`config.gameSampling`, `config.gameWeights`).
    private func drawGame() -> Int {
        switch config.gameSampling {
        case .episodes where !weighted:
            return Int(rng.next() % UInt64(games.count))
        case .episodes:
            return draw(weights: gameWeights)
        case .decisions:
            return draw(weights: zip(gameWeights, decisionsPerGame).map { $0 / max($1, 1) })
        }
    }

    /// An index drawn with probability proportional to `weights` (not all zero).
    private func draw(weights: [Double]) -> Int {
        var threshold = Double(rng.next() >> 11) * 0x1p-53 * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() where weight > 0 {
            threshold -= weight
            if threshold < 0 { return index }
        }
        return weights.lastIndex(where: { $0 > 0 }) ?? games.count - 1
    }

    /// The number of moves of one game between uniformly random players (a task: until it
    /// succeeds, fails or runs out of steps), from a generator seeded with `seed`.
    static func randomPlayoutLength(of game: AnyGame, seed: UInt64) -> Int {
        var generator = SeededGenerator(seed: seed)
        var moves = 0
        _ = game.randomPlayout(from: game.initialState(seed: generator.next()), using: &generator, moves: &moves)
        return max(moves, 1)
    }

    /// `state` after 0 to `config.randomOpeningPlies` uniformly random moves (fewer if the
    /// game would end: a game always starts with a move left to learn from).
    private func randomOpening(of game: AnyGame, from state: AnyGameState) -> AnyGameState {
        guard config.randomOpeningPlies > 0 else { return state }
        let plies = Int(rng.next() % UInt64(config.randomOpeningPlies + 1))
        var current = state
        for _ in 0..<plies {
            let actions = game.legalActionIDs(in: current)
            var next = current
            game.play(actions[Int(rng.next() % UInt64(actions.count))], in: &next)
            if game.isTerminal(next) { break }
            current = next
        }
        return current
    }

    /// Plays one move in every game: the learner's with `network`, the pool's with `opponent`.
    ///
    /// The slots are split into `config.threads` contiguous lanes that play at the same
    /// time, each with its own batch, network copies and generator (seeded from `rng` at
    /// every step, so a run depends on the thread count but not on timing; one lane uses
    /// `rng` itself). Games that end are then finished one by one in slot order, on this
    /// thread, because they share the game sampling's counts and `rng`.
    public func step(network: TextPolicyNetwork, opponent: TextPolicyNetwork?) throws(EncodingError) {
        let laneCount = max(1, min(config.threads, slots.count))
        if laneCount == 1 {
            // The builder moves into the lane and back, so its cache is never copied.
            var lane = RolloutLane(learner: network, opponent: opponent, rng: rng, builder: builder)
            builder = PolicyBatchBuilder()
            defer {
                rng = lane.rng
                builder = lane.builder
                decisions += lane.decisions
            }
            try slots.withUnsafeMutableBufferPointer { buffer throws(EncodingError) in
                try lane.play(buffer, 0..<buffer.count, games: games, config: config)
            }
        } else {
            prepareLanes(laneCount, network: network, opponent: opponent)
            let seeds = (0..<laneCount).map { _ in rng.next() }
            for (index, seed) in seeds.enumerated() { lanes[index].rng = SeededGenerator(seed: seed) }
            let count = slots.count, games = self.games, config = self.config
            slots.withUnsafeMutableBufferPointer { slotBuffer in
                lanes.withUnsafeMutableBufferPointer { laneBuffer in
                    let shared = UnsafeStep(slots: slotBuffer, lanes: laneBuffer)
                    DispatchQueue.concurrentPerform(iterations: laneCount) { index in
                        shared.play(index, (index * count / laneCount)..<((index + 1) * count / laneCount), games: games, config: config)
                    }
                }
            }
            // Every lane's moves were played, so all are counted before an error is passed
            // on (after one the run stops: games in play are left as they are).
            for lane in lanes.prefix(laneCount) { decisions += lane.decisions }
            if let error = lanes.prefix(laneCount).compactMap(\.error).first { throw error }
        }
        for index in slots.indices { finishIfOver(index, poolAvailable: opponent != nil) }
    }

    /// Tells the rollouts that the learner's or the opponent's parameters changed (after an
    /// update), so the lanes' network copies are refreshed before the next step. A caller
    /// of `step` that changes either network must call it: the copies are not compared
    /// with the originals at every step, which would copy both networks 200 times a second.
    public func networksChanged() { lanesAreStale = true }

    /// Makes `count` lanes: the first plays with `network` and `opponent` themselves, the
    /// others with copies, refreshed when the networks changed since the last step.
    private func prepareLanes(_ count: Int, network: TextPolicyNetwork, opponent: TextPolicyNetwork?) {
        if lanes.count != count {
            lanes = (0..<count).map { index in
                RolloutLane(learner: index == 0 ? network : network.copy(),
                            opponent: index == 0 ? opponent : opponent.map { $0.copy() },
                            rng: rng, builder: PolicyBatchBuilder())
            }
            lanesAreStale = true
        }
        lanes[0].learner = network
        lanes[0].opponent = opponent
        for index in lanes.indices { lanes[index].playsPool = opponent != nil }
        // A lane that lacks an opponent copy gets one now, even without an update.
        if opponent != nil && lanes.dropFirst().contains(where: { $0.opponent == nil }) { lanesAreStale = true }
        guard lanesAreStale else { return }
        for index in 1..<count {
            lanes[index].learner.copyParameters(from: network)
            if let opponent {
                if let copy = lanes[index].opponent { copy.copyParameters(from: opponent) } else { lanes[index].opponent = opponent.copy() }
            }
        }
        lanesAreStale = false
    }

    /// If slot `index`'s game is over: rewards, advantages, results, and a new game.
    private func finishIfOver(_ index: Int, poolAvailable: Bool) {
        let slot = slots[index]
        guard let returns = games[slot.game].returns(in: slot.state) else { return }
        let learned = slot.trajectories.reduce(0) { $0 + $1.count }
        if learned > 0 {
            endedPerGame[slot.game] = min(endedPerGame[slot.game] + 1, 16)
            decisionsPerGame[slot.game] += (Double(learned) - decisionsPerGame[slot.game]) / Double(endedPerGame[slot.game])
        }
        for seat in 0..<slot.learner.count where !slot.trajectories[seat].isEmpty {
            var trajectory = slot.trajectories[seat]
            trajectory[trajectory.count - 1].reward += Float(returns[seat])
            SelfPlayRollouts.computeAdvantages(&trajectory, gamma: config.gamma,
                                               lambda: config.algorithm == .reinforce ? 1 : config.lambda)
            if slot.backplay { for move in trajectory.indices { trajectory[move].backplay = true } }
            finished += trajectory
        }
        if slot.backplay {
            backplay?.record(game: slot.game, success: returns[0] > 0, budget: games[slot.game].maxLength)
        } else if games[slot.game].playerCount == 1 {
            results[slot.game].append(returns[0])
        } else if slot.opponent != .none, let seat = slot.learner.firstIndex(of: true) {
            results[slot.game].append(returns[seat])
        }
        gamesFinished += 1
        slots[index] = newSlot(poolAvailable: poolAvailable)
    }

    /// Generalised advantage estimation (Schulman et al. 2016) over one player's moves of
    /// one finished game: delta_t = r_t + gamma V(s_t+1) - V(s_t) (V = 0 after the last move),
    /// A_t = sum over k of (gamma lambda)^k delta_t+k, and the value target A_t + V(s_t);
    /// also the discounted return G_t = r_t + gamma G_t+1.
    public static func computeAdvantages(_ trajectory: inout [Decision], gamma: Float, lambda: Float) {
        var running: Float = 0, discounted: Float = 0
        for t in stride(from: trajectory.count - 1, through: 0, by: -1) {
            let nextValue = t == trajectory.count - 1 ? 0 : trajectory[t + 1].value
            let delta = trajectory[t].reward + gamma * nextValue - trajectory[t].value
            running = delta + gamma * lambda * running
            discounted = trajectory[t].reward + gamma * discounted
            trajectory[t].advantage = running
            trajectory[t].valueTarget = running + trajectory[t].value
            trajectory[t].discountedReturn = discounted
        }
    }

    /// The results gathered since the last call, per game, and clears them.
    public func takeResults() -> [[Double]] {
        defer { results = Array(repeating: [], count: games.count) }
        return results
    }

    /// Takes all the finished decisions.
    public func takeFinished() -> [Decision] {
        defer { finished.removeAll(keepingCapacity: true) }
        return finished
    }
}

/// One rollout thread's share of a step: its networks (the learner's and the pool
/// opponent's, or copies of them), a batch builder, a generator, and what it counted.
struct RolloutLane {
    var learner: TextPolicyNetwork
    /// The pool opponent (or this lane's copy of it), used while `playsPool`.
    var opponent: TextPolicyNetwork?
    /// Whether this step has a pool opponent; without one the learner plays the pool's
    /// seats too (a copy may outlive the step that needed it).
    var playsPool = true
    var rng: SeededGenerator
    var builder: PolicyBatchBuilder
    var decisions = 0
    var error: EncodingError?

    /// Plays one move in each game of `range`: uniformly random moves for random
    /// opponents, then one forward pass for the learner's moves and one for the pool's.
    mutating func play(_ slots: UnsafeMutableBufferPointer<SelfPlayRollouts.Slot>, _ range: Range<Int>, games: [AnyGame],
                       config: TrainingConfig) throws(EncodingError) {
        decisions = 0
        let opponent = playsPool ? self.opponent : nil
        var learnerSlots: [Int] = [], poolSlots: [Int] = []
        for index in range {
            let game = games[slots[index].game]
            let mover = game.currentPlayer(in: slots[index].state)
            if slots[index].learner[mover] || (slots[index].opponent == .pool && opponent == nil) {
                learnerSlots.append(index)
            } else if slots[index].opponent == .random {
                let actions = game.legalActionIDs(in: slots[index].state)
                game.play(actions[Int(rng.next() % UInt64(actions.count))], in: &slots[index].state)
            } else {
                poolSlots.append(index)
            }
        }
        try move(slots, learnerSlots, with: learner, learning: true, games: games, config: config)
        if let opponent { try move(slots, poolSlots, with: opponent, learning: false, games: games, config: config) }
    }

    /// Chooses and plays a move in each of `slotIndices` with one forward pass.
    private mutating func move(_ slots: UnsafeMutableBufferPointer<SelfPlayRollouts.Slot>, _ slotIndices: [Int],
                               with network: TextPolicyNetwork, learning: Bool, games: [AnyGame],
                               config: TrainingConfig) throws(EncodingError) {
        guard !slotIndices.isEmpty else { return }
        var observations: [EncodedObservation] = [], actionTexts: [[String]] = [], actionIDs: [[Int]] = []
        for index in slotIndices {
            let game = games[slots[index].game]
            observations.append(try EncodedObservation(game.observation(of: slots[index].state, showingID: !config.hideGameID)))
            let ids = game.legalActionIDs(in: slots[index].state)
            actionIDs.append(ids)
            actionTexts.append(ids.map { game.actionText($0, in: slots[index].state, notation: .mover) })
        }
        let batch = try builder.batch(observations, actions: actionTexts)
        let output = network.forward(batch)
        for (row, index) in slotIndices.enumerated() {
            let start = Int(batch.offsets[row]), end = Int(batch.offsets[row + 1])
            let (choice, logp) = sample(output.logits + start, count: end - start)
            let game = games[slots[index].game]
            let mover = game.currentPlayer(in: slots[index].state)
            if learning {
                // `TrainingConfig.noveltyBonus`: the move that reached an observation new
                // to this episode (seen here, at the next decision) gets the bonus.
                if config.noveltyBonus > 0 && game.playerCount == 1 && slots[index].visited.insert(observations[row]).inserted
                    && !slots[index].trajectories[0].isEmpty {
                    slots[index].trajectories[0][slots[index].trajectories[0].count - 1].reward += config.noveltyBonus
                }
                slots[index].trajectories[mover].append(Decision(
                    observation: observations[row], actions: actionTexts[row], chosen: Int32(choice), logp: logp,
                    value: output.values[row], game: slots[index].game))
                decisions += 1
            }
            game.play(actionIDs[row][choice], in: &slots[index].state)
        }
    }

    /// A draw from the softmax of `count` logits, and its log-probability.
    private mutating func sample(_ logits: UnsafePointer<Float>, count: Int) -> (Int, Float) {
        var maxLogit = -Float.infinity
        for i in 0..<count { maxLogit = max(maxLogit, logits[i]) }
        var total: Float = 0
        for i in 0..<count { total += fastExp(logits[i] - maxLogit) }
        var threshold = rng.nextUnitFloat() * total
        var choice = count - 1
        for i in 0..<count {
            threshold -= fastExp(logits[i] - maxLogit)
            if threshold <= 0 { choice = i; break }
        }
        return (choice, logits[choice] - maxLogit - logf(total))
    }
}

/// A step's slots and lanes, handed to the rollout threads: lane `index` reads and writes
/// only its own lane and its own range of slots, so no two threads touch the same element.
private struct UnsafeStep: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<SelfPlayRollouts.Slot>
    let lanes: UnsafeMutableBufferPointer<RolloutLane>

    func play(_ index: Int, _ range: Range<Int>, games: [AnyGame], config: TrainingConfig) {
        do throws(EncodingError) {
            lanes[index].error = nil
            try lanes[index].play(slots, range, games: games, config: config)
        } catch {
            lanes[index].error = error
        }
    }
}
