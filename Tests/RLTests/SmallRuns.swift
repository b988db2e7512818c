import Foundation
import GameKit
import Games
@testable import RL

/// A trainer of a small network (width 16, depth 1) on `games`, for tests that need a few
/// real updates: `environments` games side by side and `decisionsPerUpdate` decisions per
/// update; `adjust` sets whatever the test is about.
func smallTrainer(_ games: [String], environments: Int, decisionsPerUpdate: Int,
                  _ adjust: (inout TrainingConfig) -> Void = { _ in }) throws -> Trainer {
    var config = TrainingConfig(games: games)
    config.width = 16
    config.depth = 1
    config.environments = environments
    config.decisionsPerUpdate = decisionsPerUpdate
    adjust(&config)
    return try Trainer(config: config, games: try GameCatalog.registry.games(games.joined(separator: ",")))
}

/// `config` written as JSON and read back with `key` removed, as a file written before
/// that field existed would be read.
func decoded(_ config: TrainingConfig, without key: String) throws -> TrainingConfig {
    var object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(config)) as? [String: Any] ?? [:]
    object.removeValue(forKey: key)
    return try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object))
}
