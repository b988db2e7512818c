/// Outside engines by the names the command line uses:
/// - `gnugo:LEVEL`: GNU Go at level 1 to 10, for the go-lite games;
/// - `stockfish:DEPTH`: Fairy-Stockfish searching 1 to 30 plies, for chess-lite;
/// - `gtp:COMMAND` and `uci:COMMAND`: any GTP (go-lite) or UCI (chess-lite) program,
///   started as COMMAND (words separated by spaces), e.g. our own front end
///   `gtp:.build/debug/play gtp --player mcts:50 --game go-lite-5x5`.
///
/// Which game an engine plays is read from the registry entry: the go-lite family by
/// its id, with the board size and komi from its parameters (`rows`, `komi`), and
/// chess-lite by its id. Programs are found but not started: they start at their first move.
public enum EnginePlayers {
    /// The names, for help texts and error messages.
    public static let names = ["gnugo:LEVEL", "stockfish:DEPTH", "gtp:COMMAND", "uci:COMMAND"]

    /// The engine player called `name` for `entry`'s game; nil when `name` names no engine.
    public static func player(named name: String, for entry: GameEntry) throws(PlayerNameError) -> (any GamePlayer)? {
        let text = name.trimmingWhitespace()
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let kind = text[..<colon].lowercased(), argument = String(text[text.index(after: colon)...])
        do {
            switch kind {
            case "gnugo":
                let go = try goBoard(of: entry, player: text)
                guard let level = Int(argument), (1...10).contains(level) else {
                    throw PlayerNameError.badStrength(player: text, expected: "gnugo:LEVEL needs a level from 1 to 10, e.g. gnugo:1")
                }
                return try GTPPlayer.gnuGo(level: level, boardSize: go.size, komi: go.komi)
            case "stockfish":
                try requireChess(entry, player: text)
                guard let depth = Int(argument), (1...30).contains(depth) else {
                    throw PlayerNameError.badStrength(player: text, expected: "stockfish:DEPTH needs a search depth from 1 to 30, e.g. stockfish:1")
                }
                return try UCIPlayer.fairyStockfish(depth: depth)
            case "gtp":
                let go = try goBoard(of: entry, player: text)
                return GTPPlayer(command: try command(argument, name: text), boardSize: go.size, komi: go.komi)
            case "uci":
                try requireChess(entry, player: text)
                return UCIPlayer(command: try command(argument, name: text), search: "depth 1",
                                 options: ["name UCI_Variant value gardner"])
            default:
                return nil
            }
        } catch let error as PlayerNameError {
            throw error
        } catch let error as EngineError {
            throw .engineMissing(error)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    /// The board size and komi of a go-lite game.
    private static func goBoard(of entry: GameEntry, player: String) throws(PlayerNameError) -> (size: Int, komi: Double) {
        guard entry.id.hasPrefix("go-lite"), let rows = entry.parameters["rows"], let komi = entry.parameters["komi"] else {
            throw .wrongGame(player: player, game: entry.id, plays: "go (the go-lite games)")
        }
        return (Int(rows), komi)
    }

    private static func requireChess(_ entry: GameEntry, player: String) throws(PlayerNameError) {
        guard entry.id == "chess-lite" else { throw .wrongGame(player: player, game: entry.id, plays: "chess-lite") }
    }

    /// An engine command line: the program (found like the engines above) and its arguments.
    private static func command(_ text: String, name: String) throws(EngineError) -> EngineCommand {
        let words = text.split(separator: " ").map(String.init)
        guard let program = words.first else {
            throw .launchFailed(program: name, reason: "no command given; write e.g. gtp:/usr/games/gnugo --mode gtp")
        }
        let executable = try EngineLocator.find(program, install: "give its path, e.g. \(name.prefix(4))/path/to/\(program)")
        return EngineCommand(executable: executable, arguments: Array(words.dropFirst()), name: name)
    }
}

extension BaselinePlayers {
    /// Any player by name for `entry`'s game: an engine (see `EnginePlayers`) or a baseline.
    public static func player(named name: String, for entry: GameEntry) throws(PlayerNameError) -> any GamePlayer {
        if let engine = try EnginePlayers.player(named: name, for: entry) { return engine }
        return try player(named: name, minimaxAllowed: entry.minimaxFeasible)
    }
}
