import GameKit
import Games
@testable import RL

/// The share of the learner's decisions that the first of two games got over 12 updates
/// of a small network (16 environments, 512 decisions per update): how game sampling and
/// game weights split a run's data between games.
func firstGameShare(of games: [String], sampling: GameSampling, weights: [String: Double] = [:]) throws -> Double {
    let trainer = try smallTrainer(games, environments: 16, decisionsPerUpdate: 512) {
        $0.gameWeights = weights
        $0.gameSampling = sampling
    }
    var learned = [0, 0]
    for _ in 0..<12 {
        let report = try trainer.runUpdate()
        for game in 0..<2 { learned[game] += report.learnedPerGame[game] }
    }
    return Double(learned[0]) / Double(learned[0] + learned[1])
}
