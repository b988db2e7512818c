import Foundation
import GameKit
import Games
import RL

/// One training run inside an experiment: a config, optional starting weights, a budget in
/// decisions counted on some of its games, evaluations of some games on a fixed schedule,
/// and its own run directory and final checkpoint. The experiments (`TransferExperiment`,
/// `HeldOutExperiment`) are lists of these.
public struct ExperimentRun: Sendable {
    /// The run's config (its games and seed included).
    public var config: TrainingConfig
    /// `ParameterStore.serialized()` weights to start from (fine-tuning); nil: fresh.
    public var initialWeights: [UInt8]?
    /// The games (indices into `config.games`) whose learned decisions count toward the
    /// budget and the schedule: a curve's x axis is those games' own training.
    public var clock: [Int]
    public var steps: Int
    /// Evaluated games (indices), every `evaluateEvery` clock decisions and at step 0.
    public var evaluated: [Int]
    public var evaluateEvery: Int
    public var evaluationGames: Int
    /// The run directory (config.json, log.jsonl) and the final (weights-only) checkpoint's file.
    public var directory: URL
    public var checkpoint: URL

    public init(config: TrainingConfig, initialWeights: [UInt8]? = nil, clock: [Int], steps: Int, evaluated: [Int],
                evaluateEvery: Int, evaluationGames: Int, directory: URL, checkpoint: URL) {
        self.config = config
        self.initialWeights = initialWeights
        self.clock = clock
        self.steps = steps
        self.evaluated = evaluated
        self.evaluateEvery = evaluateEvery
        self.evaluationGames = evaluationGames
        self.directory = directory
        self.checkpoint = checkpoint
    }

    /// What a finished run leaves for the experiment.
    public struct Outcome: Sendable {
        /// Per evaluated game (in `evaluated` order): its score against the clock.
        public var curves: [LearningCurve]
        /// The trained network's weights (`ParameterStore.serialized()`).
        public var weights: [UInt8]
        public var seconds: Double
    }

    /// Trains the run and writes its final checkpoint.
    public func train() throws -> Outcome {
        let games = try GameCatalog.registry.games(config.games.joined(separator: ","))
        let trainer = try Trainer(config: config, games: games)
        if let initialWeights { try trainer.initializeWeights(fromSerialized: initialWeights) }
        var schedule = TrainingSession.Schedule(budget: .decisions(steps))
        schedule.clock = clock
        schedule.evaluateEveryDecisions = evaluateEvery
        schedule.evaluateAtStart = true
        schedule.evaluationGames = evaluationGames
        schedule.evaluatedGames = evaluated
        let session = TrainingSession(trainer: trainer, log: try RunLog(directory: directory, config: config), schedule: schedule)
        let seconds = try session.run()
        // The last update usually passes the budget between two scheduled points: one more
        // evaluation puts the final score at the run's end.
        if session.evaluations.last?.decisions != session.decisions { try session.evaluateNow() }
        // Weights only: 1/(3 + pool size) of a full checkpoint, enough for play, analysis and --init-from.
        try trainer.checkpoint(elapsedSeconds: seconds).weightsOnly(of: trainer.network.store).write(to: checkpoint)
        let curves = evaluated.map { game in
            let (steps, scores) = session.curve(of: game)
            return LearningCurve(steps: steps, scores: scores)
        }
        return Outcome(curves: curves, weights: trainer.network.store.serialized(), seconds: seconds)
    }
}

/// Options every experiment shares: the model and training settings of its runs and how
/// they are evaluated.
public struct ExperimentSettings: Sendable {
    /// The template of every run's config; games and seed are set per run.
    public var template: TrainingConfig
    /// Clock decisions between evaluations.
    public var evaluateEvery: Int
    /// Games against the random player (tasks: levels) per evaluation.
    public var evaluationGames: Int

    public init(template: TrainingConfig, evaluateEvery: Int, evaluationGames: Int) {
        self.template = template
        self.evaluateEvery = evaluateEvery
        self.evaluationGames = evaluationGames
    }

    /// The template with `games` and `seed`.
    func config(games: [String], seed: UInt64) -> TrainingConfig {
        var config = template
        config.games = games
        config.seed = seed
        return config
    }

    /// What the experiments' scores are.
    static let metric = "score against random (wins + draws/2; tasks: success rate)"
}

extension FileManager {
    /// Refuses to write an experiment into a directory that already holds one.
    static func prepareExperimentDirectory(_ directory: URL, resultFile: String) throws {
        let result = directory.appendingPathComponent(resultFile), runs = directory.appendingPathComponent("runs")
        if FileManager.default.fileExists(atPath: result.path) || FileManager.default.fileExists(atPath: runs.path) {
            throw LabError("\(directory.path) already holds an experiment (\(resultFile) or runs/); pick another --out")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
}
