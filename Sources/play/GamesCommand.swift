import ArgumentParser
import Foundation
import Games
import GameKit
import Lab

/// `play games`: the registered games, their players and a one-line description.
struct ListGames: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "games", abstract: "List the registered games.")

    func run() {
        print(Self.table(GameCatalog.registry))
    }

    /// One line per game: id, players, summary.
    static func table(_ registry: GameRegistry) -> String {
        let width = registry.ids.map(\.count).max() ?? 4
        let header = "game".padded(to: width) + "  players  description"
        return ([header] + registry.entries.map { entry in
            entry.id.padded(to: width) + "  " + "\(entry.playerCount)".padded(to: 7) + "  " + entry.summary
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

    @Flag(help: "Print one JSON object: board, observation, legal actions in both notations, player to move, returns.")
    var json = false

    func validate() throws {
        do { _ = try GameCatalog.registry.entry(game) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        print(try output())
    }

    /// What `run` prints.
    func output() throws -> String {
        let game = try GameCatalog.registry.game(self.game)
        var state = game.initialState(seed: seed)
        let list = moves.split(separator: ",").map(String.init)
        for (index, move) in list.enumerated() {
            do {
                try game.apply(move, to: &state)
            } catch {
                throw CommandError("move \(index + 1) of \(list.count) ('\(move)'): \(error.description)")
            }
        }
        guard json else {
            return game.render(state) + "\n\nobservation:\n" + game.observation(of: state)
                + "\n\nlegal moves: " + game.legalActions(in: state).joined(separator: " ")
        }
        let returns = game.returns(in: state).map { JSONValue.array($0.map { .double($0) }) } ?? .null
        return JSONValue.object([
            "game": .string(game.id),
            "seed": .int(Int(seed)),
            "moves": .array(list.map { .string($0) }),
            "render": .string(game.render(state)),
            "observation": .string(game.observation(of: state)),
            "player": .int(game.currentPlayer(in: state)),
            "terminal": .bool(game.isTerminal(state)),
            "returns": returns,
            // The same actions in the same order (by action id) in both notations, so
            // legal_actions.absolute[i] and legal_actions.mover[i] name one move.
            "legal_actions": .object(Dictionary(uniqueKeysWithValues: Notation.allCases.map { notation in
                (notation.rawValue, JSONValue.array(game.legalActionIDs(in: state).map {
                    .string(game.actionText($0, in: state, notation: notation))
                }))
            })),
        ]).text
    }
}

/// `play golden`: writes the golden playthrough of every game (or the named ones) under
/// Tests/GamesTests/Golden, which `GoldenPlaythroughTests` diffs against.
struct Golden: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write each game's golden playthrough (observation and legal actions after every move of a fixed seeded game).")

    @Option(help: "'all' or comma-separated game ids.")
    var games: String = "all"

    @Option(help: "Directory for the files, one <game>.txt each.")
    var directory: String = "Tests/GamesTests/Golden"

    func validate() throws {
        do { _ = try GameCatalog.registry.games(games) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for game in try GameCatalog.registry.games(games) {
            let file = url.appendingPathComponent(game.id + ".txt")
            try Playthrough.golden(game).write(to: file, atomically: true, encoding: .utf8)
            print("wrote \(file.path)")
        }
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

/// A failure while a command runs (after its arguments were valid): printed as
/// `Error: <message>` without the usage text.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
