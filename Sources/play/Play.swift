import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Neural

/// The lab's command-line tool: `swift run play --games all` trains one network on
/// every game; subcommands benchmark, evaluate and experiment.
@main
struct Play: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "A multi-game reinforcement-learning lab: one policy network, many text games.",
        subcommands: [Train.self, Evaluate.self, Tournament.self, GTPFrontEnd.self, UCIFrontEnd.self, Transfer.self, Analyze.self, Sweep.self, Scaling.self, ListGames.self, ShowGame.self, Perft.self, Versus.self, Golden.self, Bench.self, PlotReport.self, ExportLogs.self, Summary.self],
        defaultSubcommand: Train.self
    )

    static func main() {
        useFasterBLASKernels()
        main(nil)
    }
}

/// Restarts the process with `OPENBLAS_CORETYPE` set when OpenBLAS chose kernels older
/// than the CPU supports (`BLAS.fasterCoreType`: 4.6x on sgemm on the lab's machines).
/// A variable the user set is respected; if the restart fails, the run goes on with the
/// kernels it has.
func useFasterBLASKernels() {
    guard getenv("OPENBLAS_CORETYPE") == nil, let core = BLAS.fasterCoreType else { return }
    setenv("OPENBLAS_CORETYPE", core, 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
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

/// Hands printed lines to the system now, so progress shows up as it happens also when the
/// output is a file or a pipe (`play ... | tee run.txt`), where it is otherwise held back.
func flushOutput() {
    fflush(nil)
}
