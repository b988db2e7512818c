import Foundation
import GameKit
import RL

/// The one training loop of the lab: `play train` and the experiments (`play transfer`)
/// both drive a `Trainer` through it, so a fine-tuned run in an experiment is trained,
/// logged and evaluated exactly as a run started by hand.
///
/// It runs updates until the budget is spent, anneals the learning rate over the budget
/// (decisions or seconds), logs a `train` event per update, writes the latest checkpoint at checkpoint
/// boundaries, and evaluates against the random player (greedy; tasks: sampled) on a schedule, in
/// seconds (wall clock: for watching a run) or in decisions (deterministic: the same seed
/// evaluates at the same points, so learning curves of different runs line up).
///
/// Experiments call it in-process rather than starting `play train` subprocesses: the
/// pre-trained weights pass to the fine-tuning run without a file round trip, a test can
/// run a whole tiny experiment in a second, and nothing is lost, since every run still
/// gets its own run directory (config.json, log.jsonl) and checkpoint. Subprocesses
/// would only buy parallel runs, which a 2-core machine running 2 threads per run cannot use.
///
///     let session = TrainingSession(trainer: trainer, log: log, schedule: .init(budget: .decisions(50_000)))
///     let curve = try session.run()
public final class TrainingSession {
    /// How long to train and when to evaluate.
    public struct Schedule: Sendable {
        /// When the run ends.
        public enum Budget: Sendable, Hashable {
            /// Decisions, counted by `clock`; the learning rate falls linearly to a tenth of
            /// its value over them (CleanRL anneals to 0).
            case decisions(Int)
            /// Training seconds (a resumed run's earlier time counts); the learning rate falls
            /// linearly to a tenth over them as well, by the clock. (With a constant rate the
            /// 15-minute `--games all` run ended with an approximate KL near 0.05 per update
            /// and connect-four fell from 0.92 at 4 minutes to 0.80 at the end.)
            case seconds(Double)
        }

        public var budget: Budget
        /// Which decisions the budget, the evaluation schedule and the annealing count:
        /// nil, every decision the rollouts make (as `play train --steps` counts them);
        /// a list of game indices, the decisions learned from in those games only (a
        /// joint run's budget in the target's own decisions).
        public var clock: [Int]? = nil
        /// Evaluate after the update in which the clock passes each multiple of this.
        public var evaluateEveryDecisions: Int? = nil
        /// Evaluate when this many seconds have passed since the last evaluation.
        public var evaluateEverySeconds: Double? = nil
        /// Evaluate before the first update too (a learning curve's step 0).
        public var evaluateAtStart = false
        /// Games (trials) per game in those evaluations.
        public var evaluationGames = 100
        /// The games evaluated (indices into the trainer's games); nil: all.
        public var evaluatedGames: [Int]? = nil
        /// Stop once every evaluated game scores at least this in an evaluation (games of
        /// weight 0, `TrainingConfig.gameWeights`, are left out: they are not trained).
        public var stopScore: Double? = nil

        public init(budget: Budget) { self.budget = budget }
    }

    /// One periodic evaluation.
    public struct Measurement: Sendable {
        /// The clock's reading (see `Schedule.clock`).
        public var decisions: Int
        public var seconds: Double
        public var scores: [GameScore]
    }

    public let trainer: Trainer
    public let log: RunLog?
    public let schedule: Schedule
    /// Where the latest checkpoint goes at checkpoint boundaries (nil: none).
    public var checkpoint: URL?
    /// Called after every update with its report and the training seconds so far.
    public var onUpdate: ((Trainer.Report, Double) -> Void)?
    /// Called after every periodic evaluation.
    public var onEvaluation: ((Measurement) -> Void)?

    /// Decisions learned from so far in this session, per game.
    public private(set) var learnedPerGame: [Int]
    /// Every periodic evaluation so far.
    public private(set) var evaluations: [Measurement] = []
    /// Whether the last run stopped because every game reached `stopScore`.
    public private(set) var reachedStopScore = false
    /// Training seconds at the last update (a resumed run's earlier time included).
    public private(set) var seconds = 0.0
    /// Whether the trainer had updates before this session (a resumed run): per-game counts
    /// then start from zero here and are not logged.
    private let resumed: Bool

    public init(trainer: Trainer, log: RunLog?, schedule: Schedule) {
        self.trainer = trainer
        self.log = log
        self.schedule = schedule
        learnedPerGame = Array(repeating: 0, count: trainer.games.count)
        resumed = trainer.updates > 0
        seconds = trainer.earlierSeconds
    }

    /// The clock's reading: decisions as `schedule.clock` counts them.
    public var decisions: Int {
        guard let clock = schedule.clock else { return trainer.rollouts.decisions }
        return clock.reduce(0) { $0 + learnedPerGame[$1] }
    }

    /// Trains until the budget is spent (or every game reached the stop score). Returns the
    /// training seconds of this session.
    @discardableResult
    public func run() throws -> Double {
        let start = Date()
        var lastEvaluation = Date()
        var elapsed: Double { trainer.earlierSeconds + Date().timeIntervalSince(start) }
        reachedStopScore = false
        if schedule.evaluateAtStart, try evaluate(seconds: elapsed) { return Date().timeIntervalSince(start) }
        while true {
            let clock = decisions
            let rate: Float
            switch schedule.budget {
            case .decisions(let budget):
                if clock >= budget { return Date().timeIntervalSince(start) }
                rate = trainer.config.learningRate * max(0.1, 1 - Float(clock) / Float(budget))
            case .seconds(let budget):
                let now = elapsed
                if now >= budget { return Date().timeIntervalSince(start) }
                rate = trainer.config.learningRate * max(0.1, 1 - Float(now / budget))
            }
            let report = try trainer.runUpdate(learningRate: rate)
            for (game, count) in report.learnedPerGame.enumerated() { learnedPerGame[game] += count }
            let now = elapsed
            self.seconds = now
            try log?.write(TrainEvent(update: report.update, decisions: report.decisions, games: report.gamesFinished, seconds: now,
                                      decisionsPerSecond: Double(report.decisions) / max(now, 1e-9), statistics: report.statistics,
                                      returns: meanReturns(report), entropies: entropies(report),
                                      backplayReach: backplayReach))
            if let checkpoint, trainer.isCheckpointBoundary {
                try trainer.checkpoint(elapsedSeconds: Date().timeIntervalSince(start)).write(to: checkpoint)
            }
            onUpdate?(report, now)
            var due = false
            if let every = schedule.evaluateEveryDecisions, clock / every < decisions / every { due = true }
            if let every = schedule.evaluateEverySeconds, Date().timeIntervalSince(lastEvaluation) >= every { due = true }
            if due {
                if try evaluate(seconds: elapsed) { return Date().timeIntervalSince(start) }
                lastEvaluation = Date()
            }
        }
    }

    /// Evaluates the scheduled games now, outside the schedule (e.g. at a run's very end).
    public func evaluateNow() throws { _ = try evaluate(seconds: seconds) }

    /// Evaluates the scheduled games, logs and records the scores; true when every game
    /// reached the stop score.
    private func evaluate(seconds: Double) throws -> Bool {
        let indices = schedule.evaluatedGames ?? Array(trainer.games.indices)
        var scores: [GameScore] = []
        for index in indices {
            let game = trainer.games[index]
            let score = BatchedEvaluation.score(network: trainer.network, hideGameID: trainer.config.hideGameID, game: game,
                                                games: schedule.evaluationGames, seed: 17, taskSeed: 2_000_000)
            scores.append(score)
            var event = EvalEvent(update: trainer.updates, decisions: trainer.rollouts.decisions, score: score)
            event.seconds = seconds
            if !resumed { event.gameDecisions = learnedPerGame[index] }
            event.advantageSpread = trainer.updater.advantageVariances.map { $0[index].squareRoot() }
            try log?.write(event)
        }
        let evaluation = Measurement(decisions: decisions, seconds: seconds, scores: scores)
        evaluations.append(evaluation)
        onEvaluation?(evaluation)
        // Games of weight 0 are evaluated but not trained, so they do not hold a run back.
        let trainedScores = zip(indices, scores).filter { (trainer.config.gameWeights[trainer.games[$0.0].id] ?? 1) > 0 }.map(\.1)
        if let stop = schedule.stopScore, trainedScores.allSatisfy({ $0.score >= stop }) {
            reachedStopScore = true
            return true
        }
        return false
    }

    /// The mean learner return per game of the report's finished games.
    private func meanReturns(_ report: Trainer.Report) -> [String: Double] {
        var returns: [String: Double] = [:]
        for (game, results) in report.results.enumerated() where !results.isEmpty {
            returns[trainer.games[game].id] = results.reduce(0, +) / Double(results.count)
        }
        return returns
    }

    /// The report's per-game policy entropies, by game id (games with decisions only).
    private func entropies(_ report: Trainer.Report) -> [String: Double] {
        var entropies: [String: Double] = [:]
        for (game, entropy) in report.entropyPerGame.enumerated() {
            if let entropy { entropies[trainer.games[game].id] = entropy }
        }
        return entropies
    }

    /// The tasks' backplay reach by game id (`Backplay.reach`), or nil when backplay is off
    /// or the run has no task.
    private var backplayReach: [String: Int]? {
        guard let schedule = trainer.rollouts.backplay else { return nil }
        var reach: [String: Int] = [:]
        for (game, steps) in schedule.reach.enumerated() where steps > 0 { reach[trainer.games[game].id] = steps }
        return reach.isEmpty ? nil : reach
    }

    /// The learning curve of evaluated game `game` (an index into the trainer's games):
    /// its score at each evaluation against the clock.
    public func curve(of game: Int) -> (steps: [Double], scores: [Double]) {
        let position = (schedule.evaluatedGames ?? Array(trainer.games.indices)).firstIndex(of: game)!
        var steps: [Double] = [], scores: [Double] = []
        for evaluation in evaluations where steps.last.map({ Double(evaluation.decisions) > $0 }) ?? true {
            steps.append(Double(evaluation.decisions))
            scores.append(evaluation.scores[position].score)
        }
        return (steps, scores)
    }
}
