import SeededRandom

/// The engine's side of UCI for chess-lite (Gardner minichess), so chess GUIs and tools
/// (and Fairy-Stockfish-based referees) can use a player such as the trained network.
///
/// Commands: uci, isready, ucinewgame, setoption (only `UCI_Variant` `gardner` means
/// anything), position startpos|fen FEN [moves ...], go (its limits are ignored: the
/// player answers at once), stop, d (the board), quit. Moves are our absolute notation,
/// which is UCI's for this variant (`b2b3`, promotions `a4a5q`). UCI has no error
/// answers, so bad input gets an `info string error: ...` line saying what was wrong.
public struct UCIServer<G: Game> {
    public let name: String, author: String
    private let game: G
    private let positionFromFEN: (String) throws -> G.State
    private var player: any GamePlayer
    private var rng: SeededGenerator
    /// The current position; nil after a `position` command that failed.
    public private(set) var state: G.State?

    /// A server playing `player` in `game`; `positionFromFEN` reads the piece placement and
    /// side to move of a FEN (the first two fields).
    public init(player: any GamePlayer, name: String, author: String, game: G, seed: UInt64,
                positionFromFEN: @escaping (String) throws -> G.State) {
        self.player = player
        self.name = name
        self.author = author
        self.game = game
        self.positionFromFEN = positionFromFEN
        rng = SeededGenerator(seed: seed)
        state = game.initialState(seed: 0)
    }

    /// The lines to print for one input line, and whether it was `quit`.
    public mutating func respond(to line: String) -> (lines: [String], quit: Bool) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let command = words.first else { return ([], false) }
        let arguments = Array(words.dropFirst())
        switch command {
        case "uci":
            return (["id name \(name)", "id author \(author)", "option name UCI_Variant type combo default gardner var gardner", "uciok"], false)
        case "isready": return (["readyok"], false)
        case "ucinewgame":
            state = game.initialState(seed: 0)
            return ([], false)
        case "setoption":
            // setoption name NAME [value VALUE]
            let text = arguments.joined(separator: " ")
            if text.lowercased().hasPrefix("name uci_variant") {
                let value = arguments.last?.lowercased() ?? ""
                if value != "gardner" { return (["info string error: only the variant gardner (chess-lite) is played, not '\(value)'"], false) }
            }
            return ([], false)
        case "position": return (position(arguments), false)
        case "go": return (go(), false)
        case "stop", "ponderhit", "register", "debug": return ([], false)
        case "d": return ([state.map { game.render($0) } ?? "no position"], false)
        case "quit": return ([], true)
        default:
            return (["info string error: unknown command '\(command)'; known: uci isready ucinewgame setoption position go stop d quit"], false)
        }
    }

    /// Serves until `quit` or the end of input.
    public mutating func serve(readLine: () -> String?, write: (String) -> Void) {
        while let line = readLine() {
            let (lines, quit) = respond(to: line)
            for output in lines { write(output) }
            if quit { return }
        }
    }

    private mutating func position(_ arguments: [String]) -> [String] {
        state = nil
        let movesAt = arguments.firstIndex(of: "moves") ?? arguments.count
        var next: G.State
        switch arguments.first {
        case "startpos":
            next = game.initialState(seed: 0)
        case "fen":
            let fields = arguments[1..<movesAt]
            guard fields.count >= 2 else {
                return ["info string error: position fen needs the piece placement and the side to move, e.g. position fen rnbqk/ppppp/5/PPPPP/RNBQK w - - 0 1"]
            }
            do { next = try positionFromFEN(fields.prefix(2).joined(separator: " ")) } catch {
                return ["info string error: \(error)"]
            }
        default:
            return ["info string error: position needs 'startpos' or 'fen FEN', then optionally 'moves ...'"]
        }
        for move in arguments.dropFirst(min(movesAt + 1, arguments.count)) {
            do { try game.apply(move, to: &next) } catch {
                return ["info string error: \(error)"]
            }
        }
        state = next
        return []
    }

    private mutating func go() -> [String] {
        guard let state else { return ["info string error: no valid position (see the error above)", "bestmove (none)"] }
        if game.isTerminal(state) { return ["info string the game is over", "bestmove (none)"] }
        do {
            let action = try player.chooseAction(in: game, state: state, using: &rng)
            return ["bestmove \(game.actionText(action, in: state, notation: .absolute))"]
        } catch {
            return ["info string error: the player failed: \(error)", "bestmove (none)"]
        }
    }
}
