import ArgumentParser
import Games
import GameKit

/// `play games`: the registered games, their players and a one-line description.
struct ListGames: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "games", abstract: "List the registered games.")

    func run() {
        print(Self.table(GameCatalog.registry))
    }

    /// One line per game: id, players, summary.
    static func table(_ registry: GameRegistry) -> String {
        let width = registry.ids.map(\.count).max() ?? 4
        let header = "game".padding(width) + "  players  description"
        return ([header] + registry.entries.map { entry in
            entry.id.padding(width) + "  " + "\(entry.playerCount)".padding(7) + "  " + entry.summary
        }).joined(separator: "\n")
    }
}

/// `play show GAME [--moves m1,m2,...]`: replays moves and prints the board, the observation and the legal moves.
struct ShowGame: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Replay moves (absolute notation) and print the board, the network's observation and the legal moves.")

    @Argument(help: "A game id (see `play games`).")
    var game: String

    @Option(help: "Comma-separated moves in absolute notation, e.g. d1,d2,c1.")
    var moves: String = ""

    @Option(help: "Seed of the initial state (procedural games).")
    var seed: UInt64 = 0

    func validate() throws {
        do { _ = try GameCatalog.registry.entry(game) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let game = try GameCatalog.registry.game(self.game)
        var state = game.initialState(seed: seed)
        let list = moves.split(separator: ",").map(String.init)
        for (index, move) in list.enumerated() {
            do {
                try game.apply(move, to: &state)
            } catch {
                throw CommandError("move \(index + 1) of \(list.count): \(error.description)")
            }
        }
        print(game.render(state))
        print("\nobservation:\n" + game.observation(of: state))
        print("\nlegal moves: " + game.legalActions(in: state).joined(separator: " "))
    }
}

/// `play perft GAME --depth N`: counts the move sequences of exactly N moves.
struct Perft: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count the move sequences of exactly N moves from the start (games that end sooner count 0).")

    @Argument(help: "A game id (see `play games`).")
    var game: String

    @Option(help: "Number of moves (1 or more).")
    var depth: Int = 1

    @Option(help: "Seed of the initial state (procedural games).")
    var seed: UInt64 = 0

    func validate() throws {
        let entry: GameEntry
        do { entry = try GameCatalog.registry.entry(game) } catch { throw ValidationError(error.description) }
        let longest = entry.make().maxLength
        guard (1...longest).contains(depth) else {
            throw ValidationError("--depth must be between 1 and \(longest), the longest \(entry.id) game (got \(depth)).")
        }
    }

    func run() throws {
        let game = try GameCatalog.registry.game(self.game)
        let start = game.initialState(seed: seed)
        for d in 1...depth { print("perft(\(d)) = \(game.perft(start, depth: d))") }
    }
}

extension String {
    /// The string padded with spaces to at least `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

/// A failure while a command runs (after its arguments were valid): printed as
/// `Error: <message>` without the usage text.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
