import Foundation
import Testing
import GameKit
import Games
@testable import RL

/// `--game-weights`: how its text names games, what it refuses, and that the weights set
/// the games' shares of the learner's decisions.
@Suite struct GameWeightsTests {
    let all = try! GameCatalog.registry.games("all")

    @Test func theKeyNamingTheFewestGamesWins() throws {
        let weights = try GameWeights.parse("tasks=3, maze-*=2,maze-7x7=1,othello-8x8=0.5", games: all)
        #expect(weights["key-door-9x9"] == 3 && weights["lava-7x7"] == 3 && weights["coins-6x6"] == 3)
        #expect(weights["maze-9x9"] == 2 && weights["maze-11x11"] == 2)
        // Weight 1 is the default, so it is left out.
        #expect(weights["maze-7x7"] == nil)
        #expect(weights["othello-8x8"] == 0.5 && weights["othello-6x6"] == nil && weights["chess-lite"] == nil)
        #expect(weights.count == 9)
        // A longer prefix beats a shorter one, in either order.
        let prefixes = try GameWeights.parse("go-lite-9*=4,go-*=2", games: all)
        #expect(prefixes == ["go-lite-5x5": 2, "go-lite-7x7": 2, "go-lite-9x9": 4])
        let groups = try GameWeights.parse("two-player=2", games: all)
        #expect(groups.count == 16 && groups["hex-7x7"] == 2 && groups["maze-7x7"] == nil)
        // The key naming fewer games wins, whatever its kind: `*` names all 25, so the
        // tasks (9) keep their own weight; `c*` names 5 (chess-lite, the connect-fours and
        // the coins) and beats `tasks` for the coins but loses to `coins-*` (2).
        let broad = try GameWeights.parse("*=0,tasks=1", games: all)
        #expect(broad.count == 16 && broad["maze-7x7"] == nil && broad["chess-lite"] == 0)
        let overlapping = try GameWeights.parse("tasks=3,c*=2,coins-*=5", games: all)
        #expect(overlapping["coins-6x6"] == 5 && overlapping["coins-8x8"] == 5 && overlapping["connect-four"] == 2)
        #expect(overlapping["chess-lite"] == 2 && overlapping["maze-7x7"] == 3 && overlapping.count == 12)
        // A prefix naming exactly one game loses to that game's id, in either order.
        #expect(try GameWeights.parse("hex-7*=2,hex-7x7=4", games: all) == ["hex-7x7": 4])
        #expect(try GameWeights.parse("hex-7x7=4,hex-7*=2", games: all) == ["hex-7x7": 4])
        // -0 is 0, and the bounds themselves are allowed.
        let edges = try GameWeights.parse("maze-7x7=-0,maze-9x9=0.001,maze-11x11=1000", games: all)
        #expect(edges["maze-7x7"] == 0 && edges["maze-7x7"]?.sign == .plus && edges["maze-9x9"] == 0.001 && edges["maze-11x11"] == 1000)
    }

    @Test func badTextsAreRefusedWithWhatIsAllowed() throws {
        // Each case names the check that must fire, not only the shared list of what is allowed.
        let cases: [(text: String, says: String)] = [
            ("tasks", "(not KEY=WEIGHT)"), ("", "(not KEY=WEIGHT)"), ("tasks=2,", "(not KEY=WEIGHT)"),
            ("tasks=2=3", "(not KEY=WEIGHT)"), ("=2", "(no key)"), (" =2", "(no key)"),
            ("tasks=x", "not a finite number"), ("tasks=inf", "not a finite number"), ("tasks=nan", "not a finite number"),
            ("tasks=1e400", "not a finite number"), ("tasks=", "not a finite number"),
            ("tasks=-1", "must be 0 or lie between 0.001 and 1000"), ("tasks=0.0001", "must be 0 or lie between"),
            ("tasks=1001", "must be 0 or lie between"), ("tasks=1e308", "must be 0 or lie between"),
            ("othelo-8x8=2", "names no game"), ("zzz*=2", "names no game"),
            ("tasks=2,tasks=3", "given two weights"), ("tasks=0,two-player=0", "at least one"), ("*=0", "at least one"),
        ]
        for (text, says) in cases {
            #expect {
                _ = try GameWeights.parse(text, games: all)
            } throws: { error in
                "\(error)".contains(says)
            }
        }
        // A key must name a game of this run, not merely a registered one.
        let two = try GameCatalog.registry.games("tic-tac-toe,connect-four")
        #expect(throws: GameWeights.ParseError.self) { _ = try GameWeights.parse("tasks=2", games: two) }
    }

    @Test func theConfigRefusesWeightsItCannotUse() throws {
        var config = TrainingConfig(games: ["tic-tac-toe", "maze-7x7"])
        #expect(config.problem == nil && config.gameWeightList == [1, 1])
        config.gameWeights = ["maze-7x7": 3]
        #expect(config.problem == nil && config.gameWeightList == [1, 3])
        config.gameWeights = ["maze-9x9": 3]
        #expect(config.problem?.contains("maze-9x9") == true)
        for bad in [-1, .nan, .infinity, 1e-300, 1e300] {
            config.gameWeights = ["maze-7x7": bad]
            #expect(config.problem?.contains("must be 0 or lie between 0.001 and 1000") == true, "weight \(bad)")
        }
        config.gameWeights = ["maze-7x7": 0, "tic-tac-toe": 0]
        #expect(config.problem?.contains("weight 0") == true)
        #expect(throws: TrainingError.self) { _ = try Trainer(config: config, games: try GameCatalog.registry.games("tic-tac-toe,maze-7x7")) }
        // The weights are part of the saved config, and files from before them have none.
        config.gameWeights = ["maze-7x7": 2.5]
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: data) == config)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "gameWeights")
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object)).gameWeights.isEmpty)
    }

    /// With per-decision sampling, a game of weight 3 gets about three times the decisions
    /// of a game of weight 1, however long their games are; weight 0 gets none.
    @Test func weightsSetTheSharesOfTheDecisions() throws {
        func ticTacToeShare(_ weights: [String: Double], sampling: GameSampling = .decisions) throws -> Double {
            try firstGameShare(of: ["tic-tac-toe", "k-in-a-row-4x4-3"], sampling: sampling, weights: weights)
        }
        // The equal split is only approximate (the decisions per game are a running mean,
        // and games still in play at the end are not counted), so each weighted split is
        // compared with it: weight 3 should multiply tic-tac-toe's odds by about 3.
        func odds(_ share: Double) -> Double { share / (1 - share) }
        let equal = try ticTacToeShare([:])
        let down = odds(try ticTacToeShare(["k-in-a-row-4x4-3": 3])) / odds(equal), up = odds(try ticTacToeShare(["tic-tac-toe": 3])) / odds(equal)
        #expect(down > 1.0 / 4.5 && down < 1.0 / 2, "tic-tac-toe's odds at weight 1 against 3, relative to 1 against 1: \(down) (equal share \(equal))")
        #expect(up > 2 && up < 4.5, "tic-tac-toe's odds at weight 3 against 1, relative to 1 against 1: \(up) (equal share \(equal))")
        #expect(try ticTacToeShare(["tic-tac-toe": 0]) == 0)
        #expect(try ticTacToeShare(["k-in-a-row-4x4-3": 0], sampling: .episodes) == 1)
    }
}
