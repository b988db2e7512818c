import ArgumentParser
import Neural

/// The lab's command-line tool: `swift run play --games all` trains one network on
/// every game; subcommands benchmark, evaluate and experiment.
@main
struct Play: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "A multi-game reinforcement-learning lab: one policy network, many text games.",
        subcommands: [Train.self, Evaluate.self, Tournament.self, GTPFrontEnd.self, UCIFrontEnd.self, ListGames.self, ShowGame.self, Perft.self, Versus.self, Golden.self, Bench.self, PlotReport.self, ExportLogs.self, Sweep.self, Scaling.self],
        defaultSubcommand: Train.self
    )
}

/// Options every command that runs the network shares.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads OpenBLAS may use per call. Keep 1 on a 2-core machine: its threads fight the rollout threads.")
    var blasThreads: Int = 1

    func validate() throws {
        guard (1...256).contains(blasThreads) else {
            throw ValidationError("--blas-threads must be between 1 and 256 (got \(blasThreads)).")
        }
    }

    /// Applies the options to the process.
    func apply() { BLAS.setThreads(blasThreads) }
}
