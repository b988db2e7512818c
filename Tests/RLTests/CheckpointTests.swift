import Foundation
import Testing
import GameKit
import Games
import Neural
@testable import RL

/// Checkpoints: a resumed run continues exactly as the uninterrupted one; damage is refused.
@Suite struct CheckpointTests {
    let games = "tic-tac-toe,maze-7x7"

    func config(_ architecture: Architecture = .mlp) -> TrainingConfig {
        var config = TrainingConfig(games: ["tic-tac-toe", "maze-7x7"])
        config.architecture = architecture
        config.width = 16
        config.depth = 1
        config.environments = 8
        config.decisionsPerUpdate = 96
        config.snapshotEvery = 1
        config.poolSize = 2
        config.checkpointEvery = 2
        config.seed = 11
        return config
    }

    /// The conv case also scales advantages by their running spread with no floor, so the
    /// running variances change every number and must come back from the checkpoint. The
    /// MLP case with self-imitation needs the replayed moves back as well, and the one
    /// with backplay its schedule.
    @Test(arguments: [(Architecture.mlp, 0, 0.0), (.conv, 0, 0), (.mlp, 48, 0), (.mlp, 0, 0.5)])
    func aResumedRunEndsExactlyLikeAnUninterruptedOne(architecture: Architecture, selfImitation: Int, backplay: Double) throws {
        let list = try GameCatalog.registry.games(games)
        var config = config(architecture)
        if architecture == .conv { config.advantageFloor = 0 }
        config.selfImitation = selfImitation
        config.backplay = backplay
        // Enough games end before the checkpoint that the schedule has counted some.
        if backplay > 0 { config.decisionsPerUpdate = 384 }
        let straight = try Trainer(config: config, games: list)
        for _ in 0..<5 { _ = try straight.runUpdate() }

        let first = try Trainer(config: config, games: list)
        for _ in 0..<2 { _ = try first.runUpdate() }
        #expect(first.isCheckpointBoundary)
        // The replay written is not empty, so its return is exercised (maze-7x7's random
        // walk succeeds about half the time), and a weights-only copy leaves it out.
        if selfImitation > 0 {
            #expect((first.successReplay?.moves[1].count ?? 0) > 0)
            #expect(first.checkpoint(elapsedSeconds: 0).weightsOnly(of: first.network.store).header.successReplay == nil)
        }
        // The schedule written has counted episodes, which a fresh one would not have.
        // A weights-only copy leaves it out.
        if backplay > 0 {
            #expect((first.rollouts.backplay?.episodes[1] ?? 0) > 0)
            #expect(first.checkpoint(elapsedSeconds: 0).weightsOnly(of: first.network.store).header.backplay == nil)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mgl-checkpoint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("latest.ckpt")
        try first.checkpoint(elapsedSeconds: 1.5).write(to: file)
        // The first process goes on a little and dies (as with kill -9): nothing of it is used.
        _ = try first.runUpdate()

        let resumed = try Trainer(resuming: try Checkpoint.read(from: file), games: list)
        #expect(resumed.updates == 2 && resumed.earlierSeconds == 1.5)
        for _ in 0..<3 { _ = try resumed.runUpdate() }
        #expect(resumed.network.store.snapshot() == straight.network.store.snapshot())
        #expect(resumed.network.store.snapshot(.secondMoment) == straight.network.store.snapshot(.secondMoment))
        #expect(resumed.pool == straight.pool)
        #expect(resumed.rollouts.decisions == straight.rollouts.decisions)
        #expect(resumed.updater.advantageVariances == straight.updater.advantageVariances)
        #expect(resumed.successReplay == straight.successReplay)
        #expect(resumed.rollouts.backplay == straight.rollouts.backplay)
        // A checkpoint without the replay or the schedule cannot resume a run that uses it.
        func refused(without remove: (inout Checkpoint.Header) -> Void, saying reason: String) throws {
            var checkpoint = try Checkpoint.read(from: file)
            remove(&checkpoint.header)
            #expect {
                _ = try Trainer(resuming: checkpoint, games: list)
            } throws: { error in
                "\(error)".contains(reason)
            }
        }
        if selfImitation > 0 { try refused(without: { $0.successReplay = nil }, saying: "keeps no replayed moves") }
        if backplay > 0 { try refused(without: { $0.backplay = nil }, saying: "keeps no backplay schedule") }
    }

    @Test func damagedTruncatedAndMismatchedCheckpointsAreRefused() throws {
        let list = try GameCatalog.registry.games(games)
        let trainer = try Trainer(config: config(), games: list)
        for _ in 0..<2 { _ = try trainer.runUpdate() }
        let bytes = trainer.checkpoint(elapsedSeconds: 0).bytes
        #expect(throws: Never.self) { _ = try Checkpoint(bytes: bytes) }
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0x10
        #expect(throws: CheckpointError.checksumMismatch) { _ = try Checkpoint(bytes: damaged) }
        #expect(throws: CheckpointError.self) { _ = try Checkpoint(bytes: Array(bytes.prefix(bytes.count - 100))) }
        #expect(throws: CheckpointError.truncated) { _ = try Checkpoint(bytes: Array(bytes.prefix(10))) }
        #expect(throws: CheckpointError.notACheckpoint) { _ = try Checkpoint(bytes: Array("MGLPARAM and more bytes".utf8)) }
        // The right file for other games.
        #expect {
            _ = try Trainer(resuming: try Checkpoint(bytes: bytes), games: try GameCatalog.registry.games("tic-tac-toe"))
        } throws: { error in
            "\(error)".contains("it trains tic-tac-toe,maze-7x7")
        }
        // A missing file names its path.
        #expect {
            _ = try Checkpoint.read(from: URL(fileURLWithPath: "/nonexistent/run.ckpt"))
        } throws: { error in
            "\(error)".contains("/nonexistent/run.ckpt")
        }
    }

    @Test func aWeightsOnlyCheckpointPlaysLikeTheFullOneButCannotResume() throws {
        let list = try GameCatalog.registry.games(games)
        let trainer = try Trainer(config: config(), games: list)
        for _ in 0..<2 { _ = try trainer.runUpdate() }
        let full = trainer.checkpoint(elapsedSeconds: 0)
        let small = try Checkpoint(bytes: full.weightsOnly(of: trainer.network.store).bytes)
        #expect(small.bytes.count * 3 < full.bytes.count)
        let loaded = try TextPolicyNetwork.load(from: small)
        var same = true
        for i in 0..<loaded.store.count where loaded.store.parameters[i] != trainer.network.store.parameters[i]
            || loaded.store.firstMoment[i] != 0 { same = false }
        #expect(same)
        #expect {
            _ = try Trainer(resuming: small, games: list)
        } throws: { error in
            "\(error)".contains("weights only")
        }
    }
}
