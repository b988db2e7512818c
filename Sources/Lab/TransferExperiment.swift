import Foundation
import RL

/// Transfer to a target game (`play transfer --target`): for every target and seed, the
/// same model learns the target
///
/// - `scratch`: from random weights;
/// - `fine-tune`: after pre-training on the other games (`pretrainSteps` decisions, all
///   of them counted), from the pre-trained weights with a fresh optimizer;
/// - `joint`: from random weights, on the target and the other games at once.
///
/// Every curve is the target's score against the random player at the target's own
/// training decisions (decisions learned from in the target game; for the joint run only
/// its share), evaluated every `evaluateEvery` of them and at step 0, up to `steps`. So
/// the fine-tuned curve's step 0 is the pre-trained model's zero-shot score, and the
/// transfer measures (jumpstart, steps to a threshold, area ratio, effective data
/// transferred) compare curves on the same axis. Pre-training is not counted on that axis,
/// as in Hernandez et al. 2021: the question is how much target data it saves.
///
/// Layout of `output`: `transfer.json`, `runs/TARGET/CONDITION/seed-N/` (each a run
/// directory: `play plot` on it draws that condition's seeds), `checkpoints/TARGET/CONDITION/seed-N.ckpt`.
public struct TransferExperiment: Sendable {
    /// The conditions a target is learned under.
    public enum Condition: String, Sendable, CaseIterable {
        case scratch, fineTune = "fine-tune", joint
    }

    public var targets: [String]
    /// The pre-training games; a target among them is left out of its own pre-training.
    public var pretrain: [String]
    public var seeds: [UInt64]
    /// Target decisions per condition.
    public var steps: Int
    /// Decisions of pre-training (all pre-training games together).
    public var pretrainSteps: Int
    public var conditions: [Condition] = Condition.allCases
    public var settings: ExperimentSettings
    /// The score the "steps to threshold" measure waits for (nil: not measured).
    public var threshold: Double?
    public var output: URL

    public init(targets: [String], pretrain: [String], seeds: [UInt64], steps: Int, pretrainSteps: Int,
                settings: ExperimentSettings, threshold: Double?, output: URL) {
        self.targets = targets
        self.pretrain = pretrain
        self.seeds = seeds
        self.steps = steps
        self.pretrainSteps = pretrainSteps
        self.settings = settings
        self.threshold = threshold
        self.output = output
    }

    /// The pre-training games of `target`.
    public func pretrainGames(for target: String) -> [String] { pretrain.filter { $0 != target } }

    /// Why the experiment cannot run, or nil.
    public var problem: String? {
        if targets.isEmpty { return "no target games" }
        if seeds.isEmpty { return "no seeds" }
        if steps < 1 || pretrainSteps < 1 || settings.evaluateEvery < 1 { return "steps, pre-training steps and the evaluation interval must be at least 1" }
        for target in targets where pretrainGames(for: target).isEmpty && conditions != [.scratch] {
            return "\(target) has no other game to pre-train on or to train jointly with (add games to --pretrain)"
        }
        return nil
    }

    /// Runs every target, seed and condition, writes `transfer.json` into `output` and
    /// returns it. `progress` hears one line per finished run.
    @discardableResult
    public func run(progress: (String) -> Void = { _ in }) throws -> TransferResult {
        if let problem { throw LabError("cannot run the transfer experiment: \(problem)") }
        try FileManager.prepareExperimentDirectory(output, resultFile: TransferResult.fileName)
        var result = TransferResult(metric: ExperimentSettings.metric, stepUnit: "target-game decisions learned from",
                                    threshold: threshold, targets: [])
        for target in targets {
            let others = pretrainGames(for: target)
            var entry = TransferResult.Target(target: target, pretrain: others, curves: [])
            for seed in seeds {
                for condition in conditions {
                    let outcome = try train(target: target, others: others, condition: condition, seed: seed, progress: progress)
                    entry.curves.append(.init(condition: condition.rawValue, seed: seed, steps: outcome.curves[0].steps,
                                              scores: outcome.curves[0].scores))
                    let curve = outcome.curves[0]
                    progress("\(target) \(condition.rawValue) seed \(seed): score \(Format.fixed(curve.initialScore, 2)) at step 0, "
                             + "\(Format.fixed(curve.finalScore, 2)) after \(Int(curve.steps.last!)) target decisions (\(Int(outcome.seconds)) s)")
                }
                // Written after every seed, so an interrupted experiment keeps what it finished.
                var partial = result
                partial.targets.append(entry)
                try partial.write(to: output)
            }
            result.targets.append(entry)
        }
        try result.write(to: output)
        return result
    }

    /// One condition of one target and seed.
    private func train(target: String, others: [String], condition: Condition, seed: UInt64,
                       progress: (String) -> Void) throws -> ExperimentRun.Outcome {
        var weights: [UInt8]?
        let games: [String]
        switch condition {
        case .scratch:
            games = [target]
        case .joint:
            games = [target] + others
        case .fineTune:
            games = [target]
            let pretraining = try run(target: target, condition: "pretrain", games: others, seed: seed,
                                      clock: Array(others.indices), steps: pretrainSteps, evaluated: Array(others.indices),
                                      evaluateEvery: pretrainSteps).train()
            progress("\(target) pre-training seed \(seed) on \(others.joined(separator: ",")): final scores "
                     + pretraining.curves.map { Format.fixed($0.finalScore, 2) }.joined(separator: " ") + " (\(Int(pretraining.seconds)) s)")
            weights = pretraining.weights
        }
        var run = run(target: target, condition: condition.rawValue, games: games, seed: seed, clock: [0], steps: steps,
                      evaluated: [0], evaluateEvery: settings.evaluateEvery)
        run.initialWeights = weights
        return try run.train()
    }

    private func run(target: String, condition: String, games: [String], seed: UInt64, clock: [Int], steps: Int,
                     evaluated: [Int], evaluateEvery: Int) -> ExperimentRun {
        ExperimentRun(config: settings.config(games: games, seed: seed), clock: clock, steps: steps, evaluated: evaluated,
                      evaluateEvery: evaluateEvery, evaluationGames: settings.evaluationGames,
                      directory: output.appendingPathComponent("runs/\(target)/\(condition)/seed-\(seed)"),
                      checkpoint: output.appendingPathComponent("checkpoints/\(target)/\(condition)/seed-\(seed).ckpt"))
    }
}
