import GameKit
import Games
import Neural
import SeededRandom
import Testing
@testable import RL

/// The faster evaluations play exactly the games of the plain ones: the batched evaluation
/// each episode as `NetworkPlayer` (and `RandomPlayer`) play it alone with the episode's
/// generator, and matches on two threads the matches of one.
@Suite struct BatchedEvaluationTests {
    /// A small network with its policy keys scaled up, so its logits lie far apart and no
    /// choice turns on the last bits in which a batch of one and a batch of many may differ.
    static func network() -> TextPolicyNetwork {
        let network = TextPolicyNetwork(config: TextPolicyNetwork.config(architecture: .mlp, width: 16, depth: 1), seed: 5)
        let keys = network.store.views.first { $0.name == "policy.key.weight" }!
        for i in 0..<keys.count { network.store.parameters[keys.offset + i] *= 300 }
        return network
    }

    /// The score of `episodes` episodes played one by one, each with its own generator, by
    /// `NetworkPlayer` (and `RandomPlayer` in two-player games), as `Match.play` and
    /// `Evaluation.task` play them.
    static func aloneScore(_ game: AnyGame, network: TextPolicyNetwork, episodes: Int, seed: UInt64, taskSeed: UInt64,
                           startDistance: Int? = nil, hideGameID: Bool = false) throws -> GameScore {
        var expected = GameScore(game: game.id, opponent: game.playerCount == 1 ? startDistance.map { "optimum-from-\($0)" } ?? "optimum" : "random")
        var steps = 0, optimal = 0
        for episode in 0..<episodes {
            var player = NetworkPlayer(network: network, hideGameID: hideGameID)
            if game.playerCount == 2 {
                var rng = BatchedEvaluation.generator(seed: seed, episode: episode)
                var random = RandomPlayer()
                let start = game.initialState(seed: UInt64(episode))
                let record = episode % 2 == 0 ? try Match.play(game, from: start, first: &player, second: &random, using: &rng)
                    : try Match.play(game, from: start, first: &random, second: &player, using: &rng)
                let result = record.returns[episode % 2]
                if result > 0 { expected.wins += 1 } else if result < 0 { expected.losses += 1 } else { expected.draws += 1 }
            } else {
                var rng = BatchedEvaluation.generator(seed: taskSeed, episode: episode)
                var state = game.initialState(seed: taskSeed + UInt64(episode))
                if let startDistance { state = Backplay.state(of: game, level: state, distance: startDistance) }
                let best = game.shortestSolution(from: state)!.count
                var moves = 0
                while !game.isTerminal(state) {
                    game.play(player.chooseAction(in: game, state: state, using: &rng), in: &state)
                    moves += 1
                }
                if game.returns(in: state)![0] > 0 {
                    expected.wins += 1
                    steps += moves
                    optimal += best
                } else {
                    expected.losses += 1
                }
            }
            expected.games += 1
        }
        if game.playerCount == 1 && expected.wins > 0 {
            expected.meanSteps = Double(steps) / Double(expected.wins)
            expected.meanOptimalSteps = Double(optimal) / Double(expected.wins)
        }
        return expected
    }

    @Test(arguments: ["tic-tac-toe", "connect-four", "maze-7x7", "key-door-7x7"])
    func everyEpisodePlaysAsOnePlayerAloneWouldPlayIt(id: String) throws {
        let game = try GameCatalog.registry.game(id)
        let network = Self.network()
        let batched = BatchedEvaluation.score(network: network, hideGameID: false, game: game, games: 12, seed: 3, taskSeed: 40)
        #expect(batched == (try Self.aloneScore(game, network: network, episodes: 12, seed: 3, taskSeed: 40)))
    }

    /// Starts near the goal (`play eval --start-distance`) and observations without the id
    /// line (`--hide-game-id`) are played alike too.
    @Test func startDistanceAndHiddenIDsArePlayedAlike() throws {
        let network = Self.network()
        for (id, distance) in [("lava-7x7", 3), ("maze-9x9", 2)] {
            let game = try GameCatalog.registry.game(id)
            let batched = BatchedEvaluation.score(network: network, hideGameID: true, game: game, games: 10, seed: 0, taskSeed: 70,
                                                  startDistance: distance)
            let alone = try Self.aloneScore(game, network: network, episodes: 10, seed: 0, taskSeed: 70, startDistance: distance, hideGameID: true)
            #expect(batched == alone && batched.opponent == "optimum-from-\(distance)")
        }
        let hex = try GameCatalog.registry.game("hex-5x5")
        #expect(BatchedEvaluation.score(network: network, hideGameID: true, game: hex, games: 8, seed: 2, taskSeed: 0)
                == (try Self.aloneScore(hex, network: network, episodes: 8, seed: 2, taskSeed: 0, hideGameID: true)))
    }

    @Test func matchesOnTwoThreadsAreTheMatchesPlayedOneByOne() throws {
        let games = try GameCatalog.registry.games("tic-tac-toe,connect-four,k-in-a-row-4x4-3")
        let network = Self.network()
        let parallel = try Evaluation.matches(of: network, hideGameID: false, in: games, against: { MCTSPlayer(simulations: 4) },
                                              count: 6, seed: 8, threads: 2)
        var alone: [GameScore] = []
        for game in games {
            var player = NetworkPlayer(network: network)
            var mcts = MCTSPlayer(simulations: 4)
            alone.append(try Evaluation.match(&player, against: &mcts, in: game, games: 6, seed: 8))
        }
        #expect(parallel == alone)
        #expect(parallel.map(\.opponent) == Array(repeating: alone[0].opponent, count: 3) && parallel.allSatisfy { $0.games == 6 })
    }
}
