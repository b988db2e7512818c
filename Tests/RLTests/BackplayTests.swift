import Foundation
import Testing
import GameKit
import Games
import SeededRandom
@testable import RL

/// Backplay (`Backplay`): where its episodes start, how its reach moves, and its config.
@Suite struct BackplayTests {
    /// A backplay start lies on the level's shortest solution, as many solver steps before
    /// the goal as the schedule draws (checked by solving again from the start), with the
    /// solver's moves counted as steps; a level whose solution is not longer starts as it is.
    @Test(arguments: ["key-door-9x9", "lava-9x9", "maze-11x11", "coins-8x8"])
    func aStartLiesOnTheShortestSolutionWithinTheReach(id: String) throws {
        let game = try GameCatalog.registry.game(id)
        var schedule = Backplay(games: [game])
        var rng = SeededGenerator(seed: 3)
        var distances = Set<Int>()
        for reach in [1, 2, 5, 12, 40, game.maxLength] {
            schedule.reach[0] = reach
            for seed in 0..<20 as Range<UInt64> {
                let level = game.initialState(seed: seed)
                let length = try #require(game.shortestSolution(from: level)).count
                let start = schedule.start(of: game, index: 0, level: level, rng: &rng)
                let remaining = try #require(game.shortestSolution(from: start)).count
                let state = try #require(start.base as? GridState)
                if remaining == length {
                    // Not moved: the drawn distance was at least the solution's length.
                    #expect(start == level && length <= reach)
                } else {
                    #expect(remaining >= 1 && remaining <= reach && remaining < length)
                    #expect(state.steps == length - remaining && state.outcome == .playing)
                    distances.insert(remaining)
                }
            }
        }
        // Starts of many distances were made, not one.
        #expect(distances.count >= 8)
    }

    /// The reach grows by a quarter (at least 1) after a window of episodes of which at
    /// least `advanceAt` succeeded, stays after a weaker window, and stops at the budget.
    @Test func theReachGrowsOnlyAfterAWindowThatMostlySucceeds() throws {
        let games = try GameCatalog.registry.games("tic-tac-toe,maze-7x7")
        var schedule = Backplay(games: games)
        #expect(schedule.reach == [0, Backplay.firstReach])
        #expect(!schedule.applies(to: 0) && schedule.applies(to: 1))
        let needed = Int((Backplay.advanceAt * Double(Backplay.window)).rounded(.up))
        func window(successes: Int) {
            for episode in 0..<Backplay.window { schedule.record(game: 1, success: episode < successes, budget: 98) }
        }
        for _ in 0..<(Backplay.window - 1) { schedule.record(game: 1, success: true, budget: 98) }
        #expect(schedule.reach[1] == 2 && schedule.ended[1] == Backplay.window - 1)
        schedule.record(game: 1, success: true, budget: 98)
        #expect(schedule.reach[1] == 3 && schedule.ended[1] == 0 && schedule.succeeded[1] == 0)
        window(successes: needed - 1)
        #expect(schedule.reach[1] == 3)
        window(successes: needed)
        #expect(schedule.reach[1] == 4)
        schedule.reach[1] = 20
        window(successes: Backplay.window)
        #expect(schedule.reach[1] == 25)
        schedule.reach[1] = 95
        window(successes: Backplay.window)
        #expect(schedule.reach[1] == 98)
        #expect(schedule.problem(games: games) == nil)
    }

    @Test func aDamagedScheduleIsRefused() throws {
        let games = try GameCatalog.registry.games("tic-tac-toe,maze-7x7")
        let schedule = Backplay(games: games)
        #expect(schedule.problem(games: Array(games.prefix(1)))?.contains("covers 2 games") == true)
        var damaged = schedule
        damaged.reach[0] = 3
        #expect(damaged.problem(games: games)?.contains("tic-tac-toe") == true)
        damaged = schedule
        damaged.reach[1] = 0
        #expect(damaged.problem(games: games)?.contains("maze-7x7") == true)
        damaged = schedule
        damaged.succeeded[1] = 1
        #expect(damaged.problem(games: games)?.contains("maze-7x7") == true)
        damaged = schedule
        damaged.ended[1] = Backplay.window
        #expect(damaged.problem(games: games) != nil)
        damaged = schedule
        damaged.ended[1] = 1
        #expect(damaged.problem(games: games)?.contains("maze-7x7") == true)
    }

    /// In a run, the drawn share of task episodes starts by backplay: they feed the
    /// schedule, the rest feed the logged returns; two-player games are untouched.
    @Test func aRunSplitsTheTasksEpisodesAndTheScheduleMoves() throws {
        let trainer = try smallTrainer(["tic-tac-toe", "maze-7x7"], environments: 16, decisionsPerUpdate: 512) { $0.backplay = 0.75 }
        var returns = 0
        for _ in 0..<6 { returns += try trainer.runUpdate().results[1].count }
        let schedule = try #require(trainer.rollouts.backplay)
        // Starts one or two steps from the goal succeed far more often than 3 in 4 (the
        // random walk alone does), so the reach has grown past its first value.
        #expect(schedule.reach[0] == 0 && schedule.reach[1] > Backplay.firstReach)
        // A quarter of maze episodes start at the level's start and give returns, three
        // quarters start by backplay (a few more of them end, being shorter).
        #expect(schedule.episodes == [0, schedule.episodes[1]])
        let share = Double(returns) / Double(returns + schedule.episodes[1])
        #expect(share > 0.1 && share < 0.3)
    }

    /// Games that are not tasks never start by backplay, and the schedule draws nothing
    /// for them: a two-player run with it trains exactly as one without.
    @Test func twoPlayerGamesAreUntouched() throws {
        func trained(backplay: Double) throws -> (parameters: [Float], backplay: Backplay?) {
            let trainer = try smallTrainer(["tic-tac-toe", "connect-four"], environments: 8, decisionsPerUpdate: 128) {
                $0.backplay = backplay
            }
            for _ in 0..<3 { _ = try trainer.runUpdate() }
            return (trainer.network.store.snapshot(), trainer.rollouts.backplay)
        }
        let with = try trained(backplay: 0.5), without = try trained(backplay: 0)
        #expect(with.parameters == without.parameters)
        #expect(with.backplay?.reach == [0, 0] && with.backplay?.episodes == [0, 0] && without.backplay == nil)
    }

    /// `play eval --start-distance`: episodes start that many steps before the goal, so
    /// every success's optimum is at most that far (exactly 1 from distance 1), and a
    /// random walk succeeds far more often from there than from the level's start.
    @Test func anEvaluationCanStartNearTheGoal() throws {
        let game = try GameCatalog.registry.game("maze-11x11")
        var player = RandomPlayer()
        let near = try Evaluation.task(&player, on: game, episodes: 60, seed: 7, startDistance: 1)
        #expect(near.opponent == "optimum-from-1" && near.wins > 0 && near.meanOptimalSteps == 1)
        let farther = try Evaluation.task(&player, on: game, episodes: 60, seed: 7, startDistance: 6)
        #expect(farther.wins > 0 && farther.meanOptimalSteps > 1 && farther.meanOptimalSteps <= 6)
        let whole = try Evaluation.task(&player, on: game, episodes: 60, seed: 7)
        #expect(whole.opponent == "optimum" && whole.meanOptimalSteps > 6)
        #expect(near.wins > whole.wins)
    }

    @Test func theConfigBoundsItAndOldFilesHaveItOff() throws {
        var config = TrainingConfig(games: ["maze-7x7"])
        for share in [-0.1, 1, .nan] {
            config.backplay = share
            #expect(config.problem?.contains("backplay share") == true)
        }
        config.backplay = 0.5
        #expect(config.problem == nil)
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: data).backplay == 0.5)
        #expect(try decoded(config, without: "backplay").backplay == 0)
        // Off, the rollouts keep no schedule.
        let trainer = try smallTrainer(["maze-7x7"], environments: 8, decisionsPerUpdate: 64)
        _ = try trainer.runUpdate()
        #expect(trainer.rollouts.backplay == nil)
    }
}
