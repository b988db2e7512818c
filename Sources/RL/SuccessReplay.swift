import Foundation
import GameKit
import SeededRandom
import Neural

/// Self-imitation for single-player tasks (`TrainingConfig.selfImitation`): the moves of
/// the tasks' rewarded episodes are kept and learned from again while their return still
/// beats the value the network now expects.
///
/// Why: in a joint run key-door-9x9 and lava-9x9 stay at their random walk's success (5%
/// and 1%), even with twice the decisions (`--game-weights tasks=3`). Each success is one
/// episode among twenty to a hundred, and its advantage is averaged away in a batch of
/// failures. Self-imitation learning (Oh, Guo, Singh and Lee, "Self-Imitation Learning",
/// ICML 2018) replays past good episodes with the loss
///
///     -log pi(a|s) max(R - V(s), 0)  +  0.5 max(R - V(s), 0)^2
///
/// where R is the move's discounted return: it imitates a move only while the move did
/// better than the network expects, so it stops once the policy and value have caught up.
///
/// Here that loss is approximated inside PPO: the replayed moves join the PPO batch
/// (`PolicyGradientUpdate.update`'s `replayed`) with the log-probability and value of the
/// current network, advantage R - V(s) (only moves with R > V(s) join) and value target R.
/// The policy term is then PPO's clipped surrogate, which stops a move's gradient once its
/// probability has risen by the clip range within the update, and the value term is the
/// usual c_v 0.5 (V - R)^2 (not clipped at R, unlike the paper's). A replayed move's
/// advantage is not centred or scaled with its game's on-policy batch. Moves are drawn with
/// replacement, so a rare success can come back several times in one update.
///
/// What is kept: per game, the newest `capacityPerGame` moves of single-player games whose
/// discounted return is positive: with the tasks' rewards in [0, 1], the moves of
/// successful episodes (the novelty bonus, which would make every move's return positive,
/// cannot be combined with it: `TrainingConfig.problem`). Checkpoints keep it, so a resumed
/// run replays alike.
public struct SuccessReplay: Codable, Sendable, Hashable {
    /// Moves kept per game: about 10 to 50 successful episodes of a task.
    public static let capacityPerGame = 512

    /// One kept move.
    public struct Move: Codable, Sendable, Hashable {
        public var tokens: [Int32]
        public var positions: [Int32]
        public var actions: [String]
        public var chosen: Int32
        public var discountedReturn: Float
    }

    /// Per game of the run, the kept moves, oldest first.
    public internal(set) var moves: [[Move]]

    public init(games: Int) {
        moves = Array(repeating: [], count: games)
    }

    /// Keeps the moves of `decisions` that single-player games (`isTask`, by game index)
    /// made with a positive discounted return, dropping each game's oldest beyond capacity.
    public mutating func add(_ decisions: [Decision], isTask: [Bool]) {
        for decision in decisions where isTask[decision.game] && !decision.backplay
            && decision.discountedReturn > 0 && decision.discountedReturn.isFinite {
            moves[decision.game].append(Move(tokens: decision.observation.tokens, positions: decision.observation.positions,
                                             actions: decision.actions, chosen: decision.chosen,
                                             discountedReturn: decision.discountedReturn))
        }
        for game in moves.indices where moves[game].count > Self.capacityPerGame {
            moves[game].removeFirst(moves[game].count - Self.capacityPerGame)
        }
    }

    /// Why the replay cannot belong to a run of `games` games, or nil.
    func problem(games: Int) -> String? {
        if moves.count != games { return "it keeps replayed moves for \(moves.count) games, the run trains \(games)" }
        if moves.contains(where: { $0.count > Self.capacityPerGame }) { return "it keeps more than \(Self.capacityPerGame) replayed moves of a game" }
        for move in moves.joined() {
            if move.tokens.count != move.positions.count || !move.actions.indices.contains(Int(move.chosen)) || !move.discountedReturn.isFinite {
                return "a replayed move is malformed"
            }
        }
        return nil
    }

    /// `count` moves drawn with `rng`, with replacement (a game with kept moves uniformly,
    /// then one of its moves uniformly), evaluated by `network`: those whose return beats
    /// the value the network expects (so usually fewer than `count`), as decisions with the
    /// network's log-probability and value, advantage R - V and value target R. Empty when
    /// nothing is kept.
    public func replay(_ count: Int, network: TextPolicyNetwork, builder: inout PolicyBatchBuilder,
                       rng: inout SeededGenerator) throws(EncodingError) -> [Decision] {
        let stocked = moves.indices.filter { !moves[$0].isEmpty }
        guard !stocked.isEmpty, count > 0 else { return [] }
        var drawn: [(game: Int, move: Move)] = []
        for _ in 0..<count {
            let game = stocked[Int(rng.next() % UInt64(stocked.count))]
            drawn.append((game, moves[game][Int(rng.next() % UInt64(moves[game].count))]))
        }
        let observations = drawn.map { EncodedObservation(tokens: $0.move.tokens, positions: $0.move.positions) }
        let batch = try builder.batch(observations, actions: drawn.map(\.move.actions))
        let output = network.forward(batch)
        // The update's own log-softmax, so a replayed move's first PPO ratio is 1.
        var logp = [Float](repeating: 0, count: batch.actionCount)
        batch.offsets.withUnsafeBufferPointer { offsets in
            raggedLogSoftmaxForward(logp: &logp, logits: output.logits, offsets: offsets.baseAddress!, groups: batch.batch)
        }
        var replayed: [Decision] = []
        for (row, (game, move)) in drawn.enumerated() {
            let value = output.values[row]
            guard move.discountedReturn > value else { continue }
            var decision = Decision(observation: observations[row], actions: move.actions, chosen: move.chosen,
                                    logp: logp[Int(batch.offsets[row]) + Int(move.chosen)], value: value, game: game)
            decision.advantage = move.discountedReturn - value
            decision.valueTarget = move.discountedReturn
            decision.discountedReturn = move.discountedReturn
            replayed.append(decision)
        }
        return replayed
    }
}
