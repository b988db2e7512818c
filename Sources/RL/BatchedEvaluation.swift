import GameKit
import SeededRandom

/// The network's score against the random player (two-player games) or on a task, with all
/// of a game's episodes in play at once: each step makes one network call for every episode
/// in which the network is to move, instead of one call per move (`NetworkPlayer`).
///
/// Why: a training run evaluates every game against the random player every minute, and
/// one state per network call made that about 4 s of every minute of a `--games all` run,
/// time the run does not train. The episodes are those of `Evaluation`: two-player game i
/// starts from `initialState(seed: i)` with the network in seat `i % 2`, playing greedily;
/// task episode i is level `taskSeed + i`, the network sampling from its policy.
///
/// Each episode has its own generator (`generator(seed:episode:)`), which the random
/// opponent's moves and the network's samples draw from, so an episode's result depends on
/// nothing else in the batch: `NetworkPlayer` and `RandomPlayer` in `Match.play` with that
/// generator play it alike (tested). `Evaluation.match` shares one generator over a match's
/// games instead, so the two give the same distribution of results, not the same games.
public enum BatchedEvaluation {
    /// Episode `episode`'s generator, seeded by a hash of `seed` and `episode`: SplitMix64's
    /// output function (Steele, Lea and Flood, OOPSLA 2014) on the two combined with another
    /// odd constant than its own step, so neighbouring episodes do not seed the generator
    /// with the same SplitMix sequence shifted by one.
    public static func generator(seed: UInt64, episode: Int) -> SeededGenerator {
        var z = seed &+ UInt64(episode) &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return SeededGenerator(seed: z ^ (z >> 31))
    }

    /// `network` in `game`: against the random player for `games` games (seed `seed`), or on
    /// `games` levels of a task (from `taskSeed`; `startDistance` as in `Evaluation.task`).
    public static func score(network: TextPolicyNetwork, hideGameID: Bool, game: AnyGame, games: Int, seed: UInt64,
                             taskSeed: UInt64, startDistance: Int? = nil) -> GameScore {
        let isTask = game.playerCount == 1
        precondition(startDistance == nil || isTask, "a start distance applies to tasks only")
        var score = GameScore(game: game.id, opponent: "random"), tally = TaskTally(game: game, startDistance: startDistance)
        var states: [AnyGameState] = [], generators: [SeededGenerator] = []
        var moves = [Int](repeating: 0, count: games), optimum = [Int?](repeating: nil, count: games)
        for episode in 0..<games {
            if isTask {
                states.append(TaskTally.start(of: game, seed: taskSeed, episode: episode, startDistance: startDistance))
                optimum[episode] = game.shortestSolution(from: states[episode])?.count
                generators.append(generator(seed: taskSeed, episode: episode))
            } else {
                states.append(game.initialState(seed: UInt64(episode)))
                generators.append(generator(seed: seed, episode: episode))
            }
        }
        var builder = PolicyBatchBuilder()
        /// Counts a finished episode: a task's success or failure, a two-player game's result
        /// for the network's seat.
        func record(_ episode: Int) {
            let returns = game.returns(in: states[episode])!
            if isTask {
                tally.add(solved: returns[0] > 0, moves: moves[episode], optimum: optimum[episode])
            } else {
                score.add(result: returns[episode % 2])
            }
        }

        var random = RandomPlayer()
        var active = Array(0..<games)
        while !active.isEmpty {
            // The random opponent moves until the network is to move or the game is over.
            var toMove: [Int] = []
            for episode in active {
                while !isTask, game.returns(in: states[episode]) == nil, game.currentPlayer(in: states[episode]) != episode % 2 {
                    game.play(random.chooseAction(in: game, state: states[episode], using: &generators[episode]), in: &states[episode])
                }
                if game.returns(in: states[episode]) == nil { toMove.append(episode) } else { record(episode) }
            }
            guard !toMove.isEmpty else { break }
            let ids = toMove.map { game.legalActionIDs(in: states[$0]) }
            var observations: [EncodedObservation] = [], texts: [[String]] = []
            for (row, episode) in toMove.enumerated() {
                // Registered games always encode (the conformance test checks their text).
                guard let observation = try? EncodedObservation(game.observation(of: states[episode], showingID: !hideGameID)) else {
                    preconditionFailure("\(game.id): the network cannot read this observation")
                }
                observations.append(observation)
                texts.append(ids[row].map { game.actionText($0, in: states[episode], notation: .mover) })
            }
            guard let batch = try? builder.batch(observations, actions: texts) else {
                preconditionFailure("\(game.id): the network cannot read these actions")
            }
            let logits = network.forward(batch).logits
            for (row, episode) in toMove.enumerated() {
                let action = NetworkPlayer.choose(among: ids[row], logits: logits + Int(batch.offsets[row]), sampling: isTask,
                                                  using: &generators[episode])
                game.play(action, in: &states[episode])
                moves[episode] += 1
            }
            active = toMove
        }
        return isTask ? tally.finished : score
    }
}
