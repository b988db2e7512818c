import ArgumentParser
import Games

/// `play [--games all]`: trains one network on many games.
///
/// The trainer is not built yet (issue "One shared policy network learns every
/// game"); until it lands this command says so and exits with status 2.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one policy network on many games (default command; not built yet)."
    )

    @Option(help: "Games to train on: 'all' or a comma-separated list of game ids.")
    var games: String = "all"

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        do { _ = try GameCatalog.registry.games(games) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        print("""
        play: training is not built yet. The network core and its benchmarks are in place \
        (try `swift run -c release play bench`); the game suite and the trainer are the next issues.
        """)
        throw ExitCode(2)
    }
}
