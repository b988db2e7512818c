import SeededRandom

/// The engine's side of GTP version 2 for a go game: a player (the trained network, or
/// any `GamePlayer`) answers a controller such as GoGui, a GTP referee or another program.
///
/// Commands: protocol_version, name, version, known_command, list_commands, boardsize
/// (only the sizes given; others get "unacceptable size" and the allowed ones),
/// clear_board, komi, play, genmove, undo, showboard, quit. Moves are GTP vertices
/// (`C3`; columns skip I) or `pass`. Our rules are enforced: an illegal `play` is refused
/// with "illegal move" and the reason. When a colour moves out of turn (a controller
/// setting up stones), the other side is taken to have passed first.
public struct GTPServer {
    /// What the `name` and `version` commands answer.
    public let name: String, version: String
    /// The board sizes `boardsize` accepts, and the game of a size and komi.
    public let sizes: [Int]
    private let makeGame: (Int, Double) -> AnyGame?
    private var player: any GamePlayer
    private var rng: SeededGenerator
    private(set) var size: Int
    private(set) var komi: Double
    private(set) var game: AnyGame
    /// The moves since clear_board: absolute text, and whether it was a pass we inserted.
    private var history: [(text: String, inserted: Bool)] = []
    public private(set) var state: AnyGameState

    public static let commands = ["boardsize", "clear_board", "genmove", "known_command", "komi", "list_commands", "name",
                                  "play", "protocol_version", "quit", "showboard", "undo", "version"]

    /// A server that plays `player` on `size` x `size` boards with `komi`. `makeGame` gives
    /// the game for a size and komi, nil for sizes it does not have.
    public init(player: any GamePlayer, name: String, version: String, sizes: [Int], size: Int, komi: Double, seed: UInt64,
                makeGame: @escaping (Int, Double) -> AnyGame?) {
        guard let game = makeGame(size, komi) else { preconditionFailure("no go game of size \(size)") }
        self.player = player
        self.name = name
        self.version = version
        self.sizes = sizes
        self.makeGame = makeGame
        self.size = size
        self.komi = komi
        self.game = game
        rng = SeededGenerator(seed: seed)
        state = game.initialState(seed: 0)
    }

    /// Answers one line of input: the full answer text (ending in the empty line GTP
    /// requires; empty for blank and comment lines) and whether the controller said quit.
    public mutating func respond(to line: String) -> (answer: String, quit: Bool) {
        // Comments start at '#'; control characters other than tab and newline are dropped (spec 2.2).
        var text = String(line.prefix { $0 != "#" }.filter { $0 == "\t" || !($0.asciiValue.map { $0 < 32 || $0 == 127 } ?? false) })
        text = text.replacingTabs().trimmingWhitespace()
        if text.isEmpty { return ("", false) }
        var words = text.split(separator: " ").map(String.init)
        var id = ""
        if let first = words.first, first.allSatisfy(\.isNumber) {
            id = first
            words.removeFirst()
        }
        guard let command = words.first?.lowercased() else { return ("?\(id) missing command\n\n", false) }
        let arguments = Array(words.dropFirst())
        switch execute(command, arguments) {
        case .success(let result):
            return ("=\(id) \(result)\n\n", command == "quit")
        case .failure(let error):
            return ("?\(id) \(error.message)\n\n", false)
        }
    }

    /// Serves until `quit` or the end of input.
    public mutating func serve(readLine: () -> String?, write: (String) -> Void) {
        while let line = readLine() {
            let (answer, quit) = respond(to: line)
            if !answer.isEmpty { write(answer) }
            if quit { return }
        }
    }

    struct Failure: Error { let message: String }

    private mutating func execute(_ command: String, _ arguments: [String]) -> Result<String, Failure> {
        switch command {
        case "protocol_version": return .success("2")
        case "name": return .success(name)
        case "version": return .success(version)
        case "known_command": return .success(Self.commands.contains(arguments.first?.lowercased() ?? "") ? "true" : "false")
        case "list_commands": return .success(Self.commands.joined(separator: "\n"))
        case "quit": return .success("")
        case "boardsize":
            guard let wanted = arguments.first.flatMap({ Int($0) }) else {
                return .failure(Failure(message: "boardsize needs a number; supported sizes: \(sizeList)"))
            }
            guard sizes.contains(wanted), let next = makeGame(wanted, komi) else {
                return .failure(Failure(message: "unacceptable size (\(wanted)); supported sizes: \(sizeList)"))
            }
            size = wanted
            game = next
            clear()
            return .success("")
        case "clear_board":
            clear()
            return .success("")
        case "komi":
            guard let value = arguments.first.flatMap({ Double($0) }), value.isFinite else {
                return .failure(Failure(message: "syntax error: komi needs a number, e.g. komi 7.5"))
            }
            guard let next = makeGame(size, value) else { return .failure(Failure(message: "komi \(value) is not allowed")) }
            komi = value
            game = next
            return replay(history) ? .success("") : .failure(Failure(message: "the moves so far do not replay with komi \(value)"))
        case "play":
            guard arguments.count == 2, let colour = GTP.player(ofColour: arguments[0]) else {
                return .failure(Failure(message: "syntax error: play needs a colour and a vertex, e.g. play black C3"))
            }
            guard let text = GTP.action(ofVertex: arguments[1], boardSize: size) else {
                return .failure(Failure(message: "illegal move: \(arguments[1]) is not a point of the \(size)x\(size) board nor pass"))
            }
            return playMove(text, by: colour).map { "" }
        case "genmove":
            guard arguments.count == 1, let colour = GTP.player(ofColour: arguments[0]) else {
                return .failure(Failure(message: "syntax error: genmove needs a colour, e.g. genmove white"))
            }
            return generate(for: colour)
        case "undo":
            guard let last = history.lastIndex(where: { !$0.inserted }) else { return .failure(Failure(message: "cannot undo")) }
            var earlier = Array(history[..<last])
            while earlier.last?.inserted == true { earlier.removeLast() }
            _ = replay(earlier)
            return .success("")
        case "showboard": return .success("\n" + game.render(state))
        default:
            return .failure(Failure(message: "unknown command '\(command)'; known: \(Self.commands.joined(separator: " "))"))
        }
    }

    private var sizeList: String { sizes.map(String.init).joined(separator: ", ") }

    private mutating func clear() {
        history = []
        state = game.initialState(seed: 0)
    }

    /// Plays `history` from an empty board; false (and the board as far as it went) if a move fails.
    private mutating func replay(_ moves: [(text: String, inserted: Bool)]) -> Bool {
        clear()
        for move in moves {
            guard (try? game.apply(move.text, to: &state)) != nil else { return false }
            history.append(move)
        }
        return true
    }

    /// Lets `colour` move next, passing for the other side if it is not its turn.
    private mutating func giveTurn(to colour: Int) -> Result<Void, Failure> {
        if game.isTerminal(state) { return .failure(Failure(message: "the game is over (two passes or the move limit)")) }
        if game.currentPlayer(in: state) != colour {
            guard (try? game.apply("pass", to: &state)) != nil else {
                return .failure(Failure(message: "it is not \(GTP.colour(ofPlayer: colour))'s turn and \(game.id) does not allow passing"))
            }
            history.append(("pass", true))
            if game.isTerminal(state) { return .failure(Failure(message: "the game is over (two passes or the move limit)")) }
        }
        return .success(())
    }

    private mutating func playMove(_ text: String, by colour: Int) -> Result<Void, Failure> {
        let before = (state, history)
        if case .failure(let failure) = giveTurn(to: colour) { (state, history) = before; return .failure(failure) }
        do {
            try game.apply(text, to: &state)
        } catch {
            (state, history) = before
            return .failure(Failure(message: "illegal move: \(error)"))
        }
        history.append((text, false))
        return .success(())
    }

    private mutating func generate(for colour: Int) -> Result<String, Failure> {
        if game.isTerminal(state) { return .success("pass") }
        let before = (state, history)
        if case .failure(let failure) = giveTurn(to: colour) { (state, history) = before; return .failure(failure) }
        let action: Int
        do {
            action = try player.chooseAction(in: game, state: state, using: &rng)
        } catch .resigned {
            (state, history) = before
            return .success("resign")
        } catch {
            (state, history) = before
            return .failure(Failure(message: "the player failed: \(error)"))
        }
        let text = game.actionText(action, in: state, notation: .absolute)
        game.play(action, in: &state)
        history.append((text, false))
        return .success(GTP.vertex(ofAction: text, boardSize: size) ?? text)
    }
}

extension String {
    /// Tabs as spaces (GTP separates words by either).
    func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
