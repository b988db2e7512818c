import Foundation
import Testing
@testable import RL

@Suite struct TrainingConfigTests {
    @Test func algorithmsAreNamedAsOnTheCommandLine() {
        #expect(RL.Algorithm.allCases.map(\.rawValue) == ["ppo", "a2c", "reinforce"])
    }

    @Test func aConfigSurvivesJSONAndOlderFilesTakeDefaults() throws {
        var config = TrainingConfig(games: ["tic-tac-toe", "maze-7x7"])
        config.width = 48
        config.randomOpeningPlies = 3
        config.entropyCoefficient = 0.02
        config.architecture = .conv
        config.convolutionLayers = 3
        config.advantageFloor = 0.25
        config.entropyWeighting = .spread
        config.noveltyBonus = 0.02
        config.adamEpsilon = 1e-3
        config.gameGate = true
        config.glimpses = 3
        config.glimpseRadius = 2
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: data) == config)
        #expect(PolicyGradientUpdate(config: config).optimizer.epsilon == 1e-3, "the optimizer takes the config's epsilon")

        // A file written before `randomOpeningPlies` and `entropyCoefficient` existed.
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "randomOpeningPlies")
        object.removeValue(forKey: "entropyCoefficient")
        let older = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.randomOpeningPlies == 0 && older.entropyCoefficient == 0.01 && older.width == 48)
        #expect(older.model.convolutionDepth == 3 && older.model.hasGameGate && older.model.glimpseCount == 3)
        #expect(older.model.glimpseWindowRadius == 2)
        // ... and before glimpses existed: there were none.
        object.removeValue(forKey: "glimpseRadius")
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object)).model.glimpseWindowRadius == 1)
        object.removeValue(forKey: "glimpses")
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object)).model.glimpseCount == 0)
        // ... and before the game gate existed: there was none.
        object.removeValue(forKey: "gameGate")
        #expect(try !JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object)).model.hasGameGate)
        // ... and before the conv family's layer count was a choice: it was 2.
        object.removeValue(forKey: "convolutionLayers")
        let fixedLayers = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(fixedLayers.model.convolutionDepth == 2)
        // ... and before games were sampled per decision: they were drawn per episode.
        #expect(config.gameSampling == .decisions)
        object.removeValue(forKey: "gameSampling")
        let oldest = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(oldest.gameSampling == .episodes)
        // ... and before advantages were scaled by a running spread: each batch's own.
        #expect(TrainingConfig(games: ["x"]).advantageScaling == .running && TrainingConfig(games: ["x"]).advantageFloor == 1)
        object.removeValue(forKey: "advantageScaling")
        object.removeValue(forKey: "advantageFloor")
        let batchScaled = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(batchScaled.advantageScaling == .batch)
        // ... and before the entropy bonus could be weighted per game: the same for all.
        object.removeValue(forKey: "entropyWeighting")
        let uniformEntropy = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(uniformEntropy.entropyWeighting == .uniform)
        // ... and before Adam's epsilon was a choice: CleanRL's 1e-5.
        object.removeValue(forKey: "adamEpsilon")
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object)).adamEpsilon == 1e-5)
        // ... and before the novelty bonus: none.
        object.removeValue(forKey: "noveltyBonus")
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object)).noveltyBonus == 0)

        // A file without games is not a config.
        object.removeValue(forKey: "games")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object))
        }
    }
}
