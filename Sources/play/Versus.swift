import ArgumentParser
import Foundation
import GameKit
import Games
import SeededRandom

/// `play versus GAME --opponent NAME`: a person plays in the terminal against a baseline,
/// typing moves in the shared (absolute) notation. A bad move gets a message and a new
/// prompt; `moves` lists the legal ones, `quit` (or end of input) stops.
struct Versus: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play a game in the terminal against a baseline opponent.",
        discussion: "Type moves in absolute notation (as `play show` lists them), `moves` for the legal ones, `quit` to stop.")

    @Argument(help: "A game id (see `play games`).")
    var game: String

    @Option(help: "The opponent: \(PlayerSpec.help).")
    var opponent: String = "mcts:200"

    @Option(help: "Which side you play in two-player games: first or second.")
    var side: Side = .first

    @Option(help: "Seed of the level (procedural games) and of the opponent's choices.")
    var seed: UInt64 = 0

    enum Side: String, ExpressibleByArgument, CaseIterable {
        case first, second
    }

    func validate() throws {
        let entry: GameEntry
        do { entry = try GameCatalog.registry.entry(game) } catch { throw ValidationError(error.description) }
        try PlayerSpec.check(opponent, for: entry)
    }

    func run() throws {
        let entry = try GameCatalog.registry.entry(game)
        var session = VersusSession(game: entry.make(),
                                    opponent: try PlayerSpec.player(named: opponent, for: entry),
                                    humanPlayer: side == .first ? 0 : 1, seed: seed)
        session.run(input: { readLine() }, output: { text in
            print(text, terminator: text == VersusSession.prompt ? "" : "\n")
            fflush(nil)  // all output streams: the prompt must show before readLine waits
        })
    }
}

/// One game between a person (through `input` and `output`) and a baseline player.
/// Separate from the command so tests can script the person.
struct VersusSession {
    let game: AnyGame
    var opponent: any GamePlayer
    /// The person's player number (single-player tasks: always 0).
    let humanPlayer: Int
    var rng: SeededGenerator
    var state: AnyGameState

    init(game: AnyGame, opponent: any GamePlayer, humanPlayer: Int, seed: UInt64) {
        self.game = game
        self.opponent = opponent
        self.humanPlayer = game.playerCount == 1 ? 0 : humanPlayer
        rng = SeededGenerator(seed: seed)
        state = game.initialState(seed: seed)
    }

    /// The prompt; the command prints it without a newline so the cursor waits after it.
    static let prompt = "your move> "

    /// Plays until the game ends, the person quits, or input ends; returns the final
    /// returns, or nil if the game was left unfinished.
    @discardableResult
    mutating func run(input: () -> String?, output: (String) -> Void) -> [Double]? {
        if game.playerCount == 2 {
            output("You play \(humanPlayer == 0 ? "first" : "second") against \(opponent.name). Moves in absolute notation; `moves` lists them, `quit` stops.")
        } else {
            output("A single-player task: reach the goal. Moves: \(game.legalActions(in: state).joined(separator: ", ")); `quit` stops.")
        }
        while true {
            output("\n" + game.render(state))
            if let returns = game.returns(in: state) {
                output(outcome(returns))
                return returns
            }
            if game.currentPlayer(in: state) != humanPlayer {
                let action: Int
                do {
                    action = try opponent.chooseAction(in: game, state: state, using: &rng)
                } catch .resigned {
                    output("\(opponent.name) resigns: you win")
                    return humanPlayer == 0 ? [1, -1] : [-1, 1]
                } catch {
                    output("the game stops: \(error)")
                    return nil
                }
                output("\(opponent.name) plays \(game.actionText(action, in: state, notation: .absolute))")
                game.play(action, in: &state)
                continue
            }
            output(VersusSession.prompt)
            guard let line = input() else {
                output("\nend of input: the game is left unfinished")
                return nil
            }
            let text = line.trimmingCharacters(in: .whitespaces).lowercased()
            switch text {
            case "":
                continue
            case "quit", "exit", "resign":
                output("you left the game")
                return nil
            case "moves", "help", "?":
                output("legal moves: " + game.legalActions(in: state).joined(separator: " "))
            default:
                do {
                    try game.apply(text, to: &state)
                } catch {
                    output(error.description)
                }
            }
        }
    }

    private func outcome(_ returns: [Double]) -> String {
        let mine = returns[humanPlayer]
        if game.playerCount == 1 { return mine > 0 ? "solved, reward \(mine)" : "not solved, reward \(mine)" }
        return mine > 0 ? "you win" : mine < 0 ? "you lose" : "draw"
    }
}

