import ArgumentParser
import Foundation
import Games
import Lab
import Neural
import RL

/// The model and training settings of every run of an experiment.
struct ExperimentTrainingOptions: ParsableArguments {
    @OptionGroup var model: TrainingOptions<ExperimentDefaults>

    @Option(help: "Decisions (counted on the evaluated game) between evaluations against random; also at step 0.")
    var evalEverySteps: Int = 5000

    @Option(help: "Games (tasks: levels) per evaluation.")
    var evalGames: Int = 100

    @Option(help: "First seed; runs use seeds FIRST ..< FIRST + --seeds.")
    var firstSeed: UInt64 = 1

    @Option(help: "Seeds per condition.")
    var seeds: Int = 5

    @Option(help: "Output directory (result file, runs/, checkpoints/).")
    var out: String

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1 (got \(seeds)).") }
        guard evalEverySteps >= 1, evalGames >= 1 else { throw ValidationError("--eval-every-steps and --eval-games must be at least 1.") }
        if let problem = template(games: ["tic-tac-toe"]).problem { throw ValidationError(problem) }
    }

    func template(games: [String]) -> TrainingConfig {
        var config = TrainingConfig(games: games)
        model.apply(to: &config)
        return config
    }

    var settings: ExperimentSettings {
        ExperimentSettings(template: template(games: []), evaluateEvery: evalEverySteps, evaluationGames: evalGames)
    }

    var seedList: [UInt64] { (0..<UInt64(seeds)).map { firstSeed &+ $0 } }
    var output: URL { URL(fileURLWithPath: out).absoluteURL }
}

/// The defaults of an experiment's many short runs.
enum ExperimentDefaults: TrainingOptionDefaults {
    static let width = 64
    static let environments = 32
    static let decisionsPerUpdate = 1024
    /// Off: the transfer figures in the README were measured without it.
    static let gameGate = false
    /// None: the transfer figures were measured without them.
    static let glimpses = 0
}

/// `play transfer`: transfer to target games (scratch vs fine-tuned vs joint), or to
/// held-out games against the number of pre-training games.
struct Transfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Measure transfer between games: learning curves from scratch, after pre-training, and jointly.",
        discussion: """
        With --target: for every target game and seed, the target is learned (a) from scratch, (b) after pre-training on \
        the --pretrain games (minus the target), then fine-tuning, and (c) jointly with them; curves are the target's score \
        against random at the target's own training decisions. Writes DIR/transfer.json.
        With --held-out: random subsets of --pretrain-counts games from --pretrain (never the held-out game) are pre-trained \
        on; zero-shot and fine-tuned scores on the held-out game, and a from-scratch baseline. Writes DIR/heldout.json.
        Then `play plot DIR` draws the figures and tables.
        """)

    @Option(help: "Target games (comma-separated).")
    var target: String?

    @Option(help: "Held-out games (comma-separated), for transfer against the number of pre-training games.")
    var heldOut: String?

    @Option(help: "Pre-training games (comma-separated or 'all'); a target or held-out game is left out of its own pre-training.")
    var pretrain: String

    @Option(help: "Decisions on the target (or held-out) game per run.")
    var steps: Int = 30_000

    @Option(help: "Decisions of pre-training, all its games together (default: --steps times the number of pre-training games; held-out: 2 x --steps).")
    var pretrainSteps: Int?

    @Option(help: "The score at which 'steps to threshold' is read (0 to 1).")
    var threshold: Double?

    @Option(help: "Held-out: numbers of pre-training games, comma-separated.")
    var pretrainCounts: String = "1,2,4,8"

    @Option(help: "Held-out: random subsets per number of games.")
    var subsets: Int = 2

    @OptionGroup var training: ExperimentTrainingOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard (target == nil) != (heldOut == nil) else { throw ValidationError("Give either --target GAMES or --held-out GAMES.") }
        for list in [target, heldOut, pretrain].compactMap({ $0 }) {
            do { _ = try GameCatalog.registry.games(list) } catch { throw ValidationError(error.description) }
        }
        guard (1...1_000_000_000_000).contains(steps) else { throw ValidationError("--steps must lie between 1 and 10^12 (got \(steps)).") }
        if let pretrainSteps, pretrainSteps < 1 { throw ValidationError("--pretrain-steps must be at least 1 (got \(pretrainSteps)).") }
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must lie in [0, 1] (got \(threshold)).") }
        guard subsets >= 1 else { throw ValidationError("--subsets must be at least 1.") }
        guard counts != nil else { throw ValidationError("--pretrain-counts must be positive whole numbers separated by commas (got '\(pretrainCounts)').") }
        if let problem = try heldOutExperiment()?.problem ?? transferExperiment()?.problem { throw ValidationError(problem) }
    }

    var counts: [Int]? {
        let values = pretrainCounts.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return values.map { $0! }
    }

    func ids(_ list: String) throws -> [String] { try GameCatalog.registry.games(list).map(\.id) }

    func transferExperiment() throws -> TransferExperiment? {
        guard let target else { return nil }
        let pretrainIDs = try ids(pretrain)
        return TransferExperiment(targets: try ids(target), pretrain: pretrainIDs, seeds: training.seedList, steps: steps,
                                  pretrainSteps: pretrainSteps ?? steps * max(1, pretrainIDs.count), settings: training.settings,
                                  threshold: threshold, output: training.output)
    }

    func heldOutExperiment() throws -> HeldOutExperiment? {
        guard let heldOut else { return nil }
        return HeldOutExperiment(heldOut: try ids(heldOut), pool: try ids(pretrain), counts: counts ?? [], subsets: subsets,
                                 seeds: training.seedList, steps: steps, pretrainSteps: pretrainSteps ?? 2 * steps,
                                 settings: training.settings, output: training.output)
    }

    func run() throws {
        compute.apply()
        let start = Date()
        let log: (String) -> Void = { line in
            print(String(format: "[%5.0f s] ", Date().timeIntervalSince(start)) + line)
            fflush(nil)  // all streams: progress must show when stdout is a file
        }
        if let experiment = try transferExperiment() {
            let result = try experiment.run(progress: log)
            for target in result.targets {
                let table = ExperimentFigures.transferTable(target, threshold: result.threshold)
                print("\n" + Transfer.text(table))
            }
        } else if let experiment = try heldOutExperiment() {
            try experiment.run(progress: log)
        }
        print("\nresults in \(training.output.path); draw them with: play plot \(training.out)")
    }

    /// A report table as aligned text for the terminal.
    static func text(_ table: ReportPage.Table) -> String {
        let rows = [table.header] + table.rows
        let widths = table.header.indices.map { column in rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padded(to: widths[$0.offset]) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
