import Foundation
import Testing
import GameKit
import Games
import SeededRandom
@testable import RL

/// Self-imitation (`SuccessReplay`): what it keeps, what it replays, and its config.
@Suite struct SuccessReplayTests {
    func decision(game: Int, discountedReturn: Float, text: String = "x") throws -> Decision {
        var d = Decision(observation: try EncodedObservation(text), actions: ["a1", "b2"], chosen: 1, logp: 0, value: 0, game: game)
        d.discountedReturn = discountedReturn
        return d
    }

    @Test func itKeepsTheNewestRewardedMovesOfTasksOnly() throws {
        var replay = SuccessReplay(games: 3)
        // Game 0 is a two-player game, 1 and 2 are tasks.
        let isTask = [false, true, true]
        try replay.add([decision(game: 0, discountedReturn: 1), decision(game: 1, discountedReturn: 0),
                        decision(game: 1, discountedReturn: 0.5, text: "first"), decision(game: 2, discountedReturn: -0.1)],
                       isTask: isTask)
        #expect(replay.moves[0].isEmpty && replay.moves[2].isEmpty)
        #expect(replay.moves[1].count == 1 && replay.moves[1][0].discountedReturn == 0.5 && replay.moves[1][0].chosen == 1)
        let first = try EncodedObservation("first")
        #expect(replay.moves[1][0].tokens == first.tokens && replay.moves[1][0].positions == first.positions)
        // Beyond capacity the oldest go.
        let many = try (0..<(SuccessReplay.capacityPerGame + 10)).map { try decision(game: 1, discountedReturn: Float($0 + 1)) }
        replay.add(many, isTask: isTask)
        #expect(replay.moves[1].count == SuccessReplay.capacityPerGame)
        #expect(replay.moves[1].first?.discountedReturn == 11 && replay.moves[1].last?.discountedReturn == Float(SuccessReplay.capacityPerGame + 10))
        #expect(replay.problem(games: 3) == nil && replay.problem(games: 2) != nil)
        // A checkpoint's replay with a move past its legal actions is refused.
        var damaged = replay
        damaged.moves[1][0].chosen = 2
        #expect(damaged.problem(games: 3) == "a replayed move is malformed")
        // Nor are the moves of backplay episodes (`Backplay`): they start near the goal.
        var nearGoal = try decision(game: 1, discountedReturn: 0.9)
        nearGoal.backplay = true
        var fromBackplay = SuccessReplay(games: 3)
        fromBackplay.add([nearGoal], isTask: isTask)
        #expect(fromBackplay.moves[1].isEmpty)
        // Infinite returns are not kept (they could not be written to a checkpoint).
        var infinite = SuccessReplay(games: 3)
        infinite.add([try decision(game: 1, discountedReturn: .infinity)], isTask: isTask)
        #expect(infinite.moves[1].isEmpty)
    }

    /// After a few updates on maze-7x7 (whose random walk succeeds about half the time),
    /// replayed moves carry the current network's value and log-probability, and only
    /// those whose return beats the value come back.
    @Test func replayedMovesBeatTheValueAndCarryTheCurrentPolicy() throws {
        let trainer = try smallTrainer(["tic-tac-toe", "maze-7x7"], environments: 8, decisionsPerUpdate: 128) {
            $0.selfImitation = 64
            // With `spread` entropy weighting the replayed moves need weights too.
            $0.entropyWeighting = .spread
        }
        for _ in 0..<3 { _ = try trainer.runUpdate() }
        let replay = try #require(trainer.successReplay)
        #expect(replay.moves[0].isEmpty && !replay.moves[1].isEmpty)
        var builder = PolicyBatchBuilder()
        var rng = SeededGenerator(seed: 5)
        let replayed = try replay.replay(200, network: trainer.network, builder: &builder, rng: &rng)
        #expect(!replayed.isEmpty && replayed.count <= 200)
        for d in replayed.prefix(20) {
            #expect(d.game == 1 && d.discountedReturn > d.value)
            #expect(d.advantage == d.discountedReturn - d.value && d.valueTarget == d.discountedReturn)
            // The log-probability, recomputed in Double from a batch of this state alone.
            let batch = try builder.batch([d.observation], actions: [d.actions])
            let output = trainer.network.forward(batch)
            let logits = (0..<d.actions.count).map { Double(output.logits[$0]) }
            let top = logits.max()!
            let expected = logits[Int(d.chosen)] - top - Foundation.log(logits.map { Foundation.exp($0 - top) }.reduce(0, +))
            #expect(abs(Double(d.logp) - expected) < 1e-4)
            #expect(abs(output.values[0] - d.value) < 1e-4)
        }
        // The same generator state replays the same moves.
        var again = SeededGenerator(seed: 5)
        let second = try replay.replay(200, network: trainer.network, builder: &builder, rng: &again)
        #expect(second.map(\.discountedReturn) == replayed.map(\.discountedReturn))
        // The updates logged how many replayed moves joined them.
        #expect((try trainer.runUpdate().statistics.replayed ?? 0) > 0)
    }

    @Test func theConfigBoundsItAndOldFilesHaveItOff() throws {
        var config = TrainingConfig(games: ["maze-7x7"])
        config.decisionsPerUpdate = 256
        config.selfImitation = -1
        #expect(config.problem?.contains("self-imitation") == true)
        config.selfImitation = 257
        #expect(config.problem?.contains("self-imitation") == true)
        config.selfImitation = 256
        #expect(config.problem == nil)
        config.noveltyBonus = 0.01
        #expect(config.problem?.contains("novelty bonus") == true)
        config.noveltyBonus = 0
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: data).selfImitation == 256)
        #expect(try decoded(config, without: "selfImitation").selfImitation == 0)
        // Off, a trainer keeps nothing and its updates log no replay count.
        let trainer = try smallTrainer(["maze-7x7"], environments: 8, decisionsPerUpdate: 64)
        #expect(try trainer.runUpdate().statistics.replayed == nil && trainer.successReplay == nil)
    }
}
