import Foundation
import RL
import SeededRandom

/// Held-out-game transfer against the number of pre-training games
/// (`play transfer --held-out GAME --pretrain-counts 1,2,4`): for each held-out game, each
/// count k and each of `subsets` distinct random k-game subsets of the pool (never holding the
/// held-out game), and each seed, a model pre-trains on the subset for `pretrainSteps`
/// decisions in total (the same budget for every k: more games means less of each), then
///
/// - its zero-shot score on the held-out game is measured (it never saw the game), and
/// - it fine-tunes on the held-out game for `steps` decisions (fresh optimizer): the
///   fine-tuned score;
///
/// and, once per held-out game and seed, a model learns the game from scratch with the
/// same `steps`: the baseline. Writes `heldout.json` (one record per held-out game, k,
/// subset and seed); runs go to `runs/heldout-GAME/...` as in `TransferExperiment`.
public struct HeldOutExperiment: Sendable {
    public var heldOut: [String]
    /// The games subsets are drawn from (a held-out game in it is left out of its own subsets).
    public var pool: [String]
    public var counts: [Int]
    public var subsets: Int
    public var seeds: [UInt64]
    /// Fine-tuning (and from-scratch) decisions on the held-out game.
    public var steps: Int
    /// Pre-training decisions, all subset games together.
    public var pretrainSteps: Int
    public var settings: ExperimentSettings
    public var output: URL
    /// The seed of the subset draws.
    public var subsetSeed: UInt64 = 1

    public init(heldOut: [String], pool: [String], counts: [Int], subsets: Int, seeds: [UInt64], steps: Int, pretrainSteps: Int,
                settings: ExperimentSettings, output: URL) {
        self.heldOut = heldOut
        self.pool = pool
        self.counts = counts
        self.subsets = subsets
        self.seeds = seeds
        self.steps = steps
        self.pretrainSteps = pretrainSteps
        self.settings = settings
        self.output = output
    }

    /// Why the experiment cannot run, or nil.
    public var problem: String? {
        if heldOut.isEmpty || seeds.isEmpty || counts.isEmpty { return "it needs held-out games, seeds and pre-training counts" }
        if subsets < 1 || steps < 1 || pretrainSteps < 1 { return "subsets, steps and pre-training steps must be at least 1" }
        for game in heldOut {
            let available = pool.filter { $0 != game }.count
            if let k = counts.first(where: { $0 < 1 || $0 > available }) {
                return "\(k) pre-training games cannot be drawn for \(game): the pool holds \(available) other games (1...\(available))"
            }
        }
        return nil
    }

    /// Up to `subsets` distinct subsets of `k` games for `game` (fewer when the pool has
    /// fewer: 4 games have one 4-game subset), each a seeded draw, sorted in pool order.
    public func distinctSubsets(for game: String, count k: Int) -> [[String]] {
        var found: [[String]] = []
        var draw = 0
        while found.count < subsets && draw < 100 * subsets {
            let subset = subset(for: game, count: k, index: draw)
            if !found.contains(subset) { found.append(subset) }
            draw += 1
        }
        return found
    }

    /// Draw `index` of `k` games for `game`: a seeded draw without replacement, sorted in
    /// pool order.
    public func subset(for game: String, count k: Int, index: Int) -> [String] {
        let candidates = pool.filter { $0 != game }
        var rng = SeededGenerator(seed: subsetSeed &+ UInt64(k) &* 1_000_003 &+ UInt64(index) &* 7919 &+ UInt64(heldOut.firstIndex(of: game) ?? 0) &* 104_729)
        var order = Array(candidates.indices)
        rng.shuffle(&order)
        return order.prefix(k).sorted().map { candidates[$0] }
    }

    /// Runs every cell, writes `heldout.json` (after every record, so an interrupted
    /// experiment keeps what it finished) and returns it.
    @discardableResult
    public func run(progress: (String) -> Void = { _ in }) throws -> HeldOutResult {
        if let problem { throw LabError("cannot run the held-out experiment: \(problem)") }
        try FileManager.prepareExperimentDirectory(output, resultFile: HeldOutResult.fileName)
        var result = HeldOutResult(metric: ExperimentSettings.metric, records: [])
        for game in heldOut {
            for seed in seeds {
                let scratch = try run(game: game, name: "scratch", games: [game], seed: seed, steps: steps, evaluateEvery: settings.evaluateEvery).train()
                let scratchScore = scratch.curves[0].finalScore
                progress("\(game) seed \(seed): from scratch \(Format.fixed(scratchScore, 2)) after \(steps) decisions")
                for k in counts {
                    for (index, games) in distinctSubsets(for: game, count: k).enumerated() {
                        let label = "k\(k)-subset\(index + 1)"
                        let pretrained = try run(game: game, name: "\(label)/pretrain", games: games, seed: seed, steps: pretrainSteps,
                                                 evaluateEvery: pretrainSteps, clock: Array(games.indices)).train()
                        var tune = run(game: game, name: "\(label)/fine-tune", games: [game], seed: seed, steps: steps,
                                       evaluateEvery: settings.evaluateEvery)
                        tune.initialWeights = pretrained.weights
                        let tuned = try tune.train()
                        let record = HeldOutResult.Record(pretrainGames: k, subset: games, seed: seed, heldOut: game,
                                                          zeroShot: tuned.curves[0].initialScore, fineTuned: tuned.curves[0].finalScore,
                                                          scratch: scratchScore)
                        result.records.append(record)
                        try result.write(to: output)
                        progress("\(game) seed \(seed), \(k) games (\(games.joined(separator: ","))): zero-shot "
                                 + "\(Format.fixed(record.zeroShot, 2)), fine-tuned \(Format.fixed(record.fineTuned ?? .nan, 2))")
                    }
                }
            }
        }
        try result.write(to: output)
        return result
    }

    /// A run under `runs/heldout-GAME/NAME/seed-N`; evaluated on the held-out game when it
    /// trains on it, else on its own games at the end.
    private func run(game: String, name: String, games: [String], seed: UInt64, steps: Int, evaluateEvery: Int,
                     clock: [Int] = [0]) -> ExperimentRun {
        ExperimentRun(config: settings.config(games: games, seed: seed), clock: clock, steps: steps, evaluated: clock,
                      evaluateEvery: evaluateEvery, evaluationGames: settings.evaluationGames,
                      directory: output.appendingPathComponent("runs/heldout-\(game)/\(name)/seed-\(seed)"),
                      checkpoint: output.appendingPathComponent("checkpoints/heldout-\(game)/\(name)/seed-\(seed).ckpt"))
    }
}
