import Testing
import SeededRandom
@testable import GameKit

/// A subtraction game for testing the players on a solved game: a pile of `n`
/// stones, each move takes 1, 2 or 3, whoever takes the last stone wins. The
/// mover loses exactly when n is a multiple of 4 (the classic Bachet result).
struct SubtractionGame: Game {
    let start: Int
    var id: String { "subtraction" }
    var playerCount: Int { 2 }
    var maxLength: Int { start }
    struct State: Hashable, Sendable { var pile: Int; var mover: Int }
    func initialState(seed: UInt64) -> State { State(pile: start, mover: 0) }
    func currentPlayer(in state: State) -> Int { state.mover }
    func legalActionIDs(in state: State) -> [Int] { state.pile == 0 ? [] : Array(1...min(3, state.pile)) }
    func play(_ action: Int, in state: inout State) { state.pile -= action; state.mover ^= 1 }
    func returns(in state: State) -> [Double]? {
        guard state.pile == 0 else { return nil }
        return state.mover == 0 ? [-1, 1] : [1, -1]   // the player who just moved took the last stone
    }
    func actionText(_ action: Int, in state: State, notation: Notation) -> String { "take\(action)" }
    func observationRows(of state: State) -> [String] { [String(repeating: "x", count: state.pile)] }
    func render(_ state: State) -> String { "\(state.pile) stones" }
}

@Suite struct PlayerTests {
    @Test func minimaxMatchesTheMultipleOfFourRule() {
        for n in 1...14 {
            let game = SubtractionGame(start: n)
            var minimax = MinimaxPlayer()
            let value = minimax.value(of: game.initialState(seed: 0), in: game)
            #expect(value == (n % 4 == 0 ? -1 : 1), "pile \(n)")
            if n % 4 != 0 {
                var rng = SeededGenerator(seed: UInt64(n))
                #expect(minimax.chooseAction(in: game, state: game.initialState(seed: 0), using: &rng) == n % 4)
            }
        }
    }

    @Test func mctsFindsTheWinningMoveAndGreedyTakesAWin() {
        var rng = SeededGenerator(seed: 1)
        let game = SubtractionGame(start: 7)
        var mcts = MCTSPlayer(simulations: 400)
        #expect(mcts.chooseAction(in: game, state: game.initialState(seed: 0), using: &rng) == 3)
        var greedy = GreedyPlayer()
        let three = SubtractionGame(start: 3)
        #expect(greedy.chooseAction(in: three, state: three.initialState(seed: 0), using: &rng) == 3)
    }

    @Test func illegalTextIsAnErrorNamingTheLegalMoves() {
        let game = SubtractionGame(start: 2)
        var state = game.initialState(seed: 0)
        #expect(throws: GameError.illegalAction(game: "subtraction", action: "take3", legal: ["take1", "take2"])) {
            try game.apply("take3", to: &state)
        }
        #expect(state.pile == 2)
        try? game.apply(" TAKE2 ", to: &state)
        #expect(state.pile == 0)
        #expect(throws: GameError.gameOver(game: "subtraction", action: "take1")) { try game.apply("take1", to: &state) }
        let message = GameError.illegalAction(game: "g", action: "z9", legal: ["a1", "b2"]).description
        #expect(message.contains("'z9'") && message.contains("a1 b2"))
    }

    @Test func anyGameBehavesLikeTheGameItWraps() {
        let game = SubtractionGame(start: 5), erased = AnyGame(SubtractionGame(start: 5))
        var rng1 = SeededGenerator(seed: 3), rng2 = SeededGenerator(seed: 3)
        let a = game.randomPlayout(from: game.initialState(seed: 0), using: &rng1)
        let b = erased.randomPlayout(from: erased.initialState(seed: 0), using: &rng2)
        #expect(game.returns(in: a) == erased.returns(in: b))
        #expect(erased.observation(of: erased.initialState(seed: 0)) == "subtraction\nxxxxx")
        #expect(AnyGame(erased).id == "subtraction")
    }
}

@Suite struct TokenizerTests {
    @Test func roundTripAndVocabulary() throws {
        let text = "tic-tac-toe\nx.o\n~ !"
        let tokens = try Tokenizer.encode(text)
        #expect(Tokenizer.decode(tokens) == text)
        #expect(tokens.allSatisfy { $0 > 0 && Int($0) < Tokenizer.vocabularySize })
        #expect(try Tokenizer.encode("\n") == [Tokenizer.newline])
        #expect(try Tokenizer.encode(" ") == [2])
        #expect(try Tokenizer.encode("~") == [96])
    }

    @Test func characterOutsideTheVocabularyIsNamed() {
        #expect(throws: TokenizerError.unsupportedCharacter("é", offset: 2)) { try Tokenizer.encode("abé") }
        #expect(TokenizerError.unsupportedCharacter("\t", offset: 0).description.contains("U+9"))
    }
}

@Suite struct RegistryTests {
    let registry = GameRegistry([
        GameEntry(SubtractionGame(start: 5), summary: "take 1-3"),
    ])

    @Test func unknownIdsListTheKnownOnesWithASuggestion() {
        #expect(throws: GameError.unknownGame(name: "subtractoin", known: ["subtraction"], suggestion: "subtraction")) {
            _ = try registry.game("subtractoin")
        }
        #expect(throws: GameError.unknownGame(name: "chess", known: ["subtraction"], suggestion: nil)) {
            _ = try registry.game("chess")
        }
        #expect(GameError.unknownGame(name: "x", known: ["a", "b"], suggestion: "a").description == "unknown game 'x' (did you mean 'a'?); known games: a, b")
    }

    @Test func listsAndAll() throws {
        #expect(try registry.games("all").map(\.id) == ["subtraction"])
        #expect(try registry.games(" Subtraction ").map(\.id) == ["subtraction"])
        #expect(GameRegistry.isKebabCase("go-lite-9x9") && !GameRegistry.isKebabCase("Go_Lite") && !GameRegistry.isKebabCase("a--b"))
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("", "abc") == 3 && editDistance("abc", "") == 3)
    }
}
