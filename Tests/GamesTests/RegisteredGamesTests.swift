import Testing
import SeededRandom
import GameKit
@testable import Games

/// Every registered game passes the shared conformance test.
@Suite struct RegisteredGamesTests {
    @Test(arguments: GameCatalog.registry.ids)
    func conformance(id: String) throws {
        checkGame(try GameCatalog.registry.game(id), playouts: 1000)
    }

    @Test func gameListsAreCheckedNameByName() throws {
        #expect(try GameCatalog.registry.games("all").count == GameCatalog.registry.entries.count)
        #expect(try GameCatalog.registry.games("tic-tac-toe, connect-four").map(\.id) == ["tic-tac-toe", "connect-four"])
        #expect(throws: GameError.self) { _ = try GameCatalog.registry.games("tic-tac-toe,conect-four") }
        for bad in ["", ",", "tic-tac-toe,,connect-four", "tic-tac-toe,tic-tac-toe"] {
            #expect {
                _ = try GameCatalog.registry.games(bad)
            } throws: { error in
                guard case .badGameList? = error as? GameError else { return false }
                return (error as! GameError).description.contains("play games")
            }
        }
    }
}

/// Tic-tac-toe and connect-four against published facts.
@Suite struct KInARowFactsTests {
    let ticTacToe = KInARow.ticTacToe

    /// Counts finished games (leaves of the game tree) and distinct positions reached.
    func enumerate(_ game: KInARow, _ state: KInARow.State, games: inout Int, positions: inout Set<KInARow.State>) {
        positions.insert(state)
        let actions = game.legalActionIDs(in: state)
        if actions.isEmpty { games += 1; return }
        for action in actions {
            var child = state
            game.play(action, in: &child)
            enumerate(game, child, games: &games, positions: &positions)
        }
    }

    @Test func ticTacToeHas255168GamesAnd5478Positions() {
        // 255,168 possible games and 5,478 legal positions (empty board included), the
        // published counts (e.g. Wikipedia, "Game complexity", tic-tac-toe).
        var games = 0
        var positions = Set<KInARow.State>()
        enumerate(ticTacToe, ticTacToe.initialState(seed: 0), games: &games, positions: &positions)
        #expect(games == 255_168)
        #expect(positions.count == 5_478)
    }

    @Test func ticTacToePerftMatchesGamesEndingAtEachPly() {
        // Up to 5 plies no game can have ended: 9!/(9-d)!. Games end at ply 5, 6, 7, 8 and 9
        // in 1,440, 5,328, 47,952, 72,576 and 127,872 ways (they sum to 255,168).
        let start = ticTacToe.initialState(seed: 0)
        #expect((1...5).map { ticTacToe.perft(start, depth: $0) } == [9, 72, 504, 3024, 15120])
        #expect(ticTacToe.perft(start, depth: 6) == (15120 - 1440) * 4)
        #expect(ticTacToe.perft(start, depth: 9) == 127_872)
    }

    @Test func ticTacToeIsADrawAndMinimaxNeverLoses() throws {
        var minimax = MinimaxPlayer()
        #expect(minimax.value(of: ticTacToe.initialState(seed: 0), in: ticTacToe) == 0)
        var rng = SeededGenerator(seed: 5)
        var opponents: [any GamePlayer] = [MinimaxPlayer(), RandomPlayer(), GreedyPlayer()]
        for index in opponents.indices {
            for game in 0..<20 {
                var state = ticTacToe.initialState(seed: 0)
                let minimaxSide = game % 2
                while !ticTacToe.isTerminal(state) {
                    let action = ticTacToe.currentPlayer(in: state) == minimaxSide
                        ? minimax.chooseAction(in: ticTacToe, state: state, using: &rng)
                        : try opponents[index].chooseAction(in: ticTacToe, state: state, using: &rng)
                    ticTacToe.play(action, in: &state)
                }
                let result = ticTacToe.returns(in: state)![minimaxSide]
                #expect(result >= 0, "minimax lost to \(opponents[index].name)")
                if index == 0 { #expect(result == 0, "minimax against itself must draw") }
            }
        }
    }

    @Test func connectFourPositionCountsMatchOEIS() {
        // Legal 7x6 Connect-Four positions after n plies, OEIS A212693 (J. Tromp):
        // 1, 7, 49, 238, 1120, 4263, 16422, 54859, 184275.
        let expected = [1, 7, 49, 238, 1120, 4263, 16422, 54859, 184275]
        let game = KInARow.connectFour
        var layer: Set<KInARow.State> = [game.initialState(seed: 0)]
        for plies in 0..<expected.count {
            #expect(layer.count == expected[plies], "after \(plies) plies")
            var next = Set<KInARow.State>()
            for state in layer {
                for action in game.legalActionIDs(in: state) {
                    var child = state
                    game.play(action, in: &child)
                    next.insert(child)
                }
            }
            layer = next
        }
    }

    /// Plays `moves` (absolute notation) and returns the final state.
    func position(_ game: KInARow, _ moves: [String]) throws -> KInARow.State {
        var state = game.initialState(seed: 0)
        for move in moves { try game.apply(move, to: &state) }
        return state
    }

    @Test func winsInEveryDirectionAndLongerLinesCount() throws {
        let c4 = KInARow.connectFour
        // Diagonal a1-b2-c3-d4 for X (O's stones fill under it).
        let diagonal = try position(c4, ["a1", "b1", "b2", "c1", "c2", "d1", "c3", "d2", "e1", "d3", "d4"])
        #expect(c4.returns(in: diagonal) == [1, -1])
        // Anti-diagonal g1-f2-e3-d4 for X.
        let anti = try position(c4, ["g1", "f1", "f2", "e1", "e2", "d1", "e3", "d2", "a1", "d3", "d4"])
        #expect(c4.returns(in: anti) == [1, -1])
        // Vertical for O: O stacks c1..c4 while X plays elsewhere.
        let vertical = try position(c4, ["a1", "c1", "b1", "c2", "a2", "c3", "b2", "c4"])
        #expect(c4.returns(in: vertical) == [-1, 1])
        // A line of five made by filling the gap of x x . x x in 5x5 four-in-a-row.
        let five = KInARow(id: "five-test", rows: 5, columns: 5, k: 4)
        let gap = try position(five, ["a1", "a2", "b1", "b2", "d1", "d2", "e1", "e2"])
        #expect(five.returns(in: gap) == nil)
        #expect(five.returns(in: try five.applying("c1", to: gap)) == [1, -1])
        // Three in a row does not win at k = 4.
        #expect(five.returns(in: try position(five, ["a1", "a2", "b1", "b2", "c1"])) == nil)
    }

    @Test func boardsWithoutGravityHaveFactorialPerft() {
        // No game can end before 2k - 1 stones, so perft(d) = n! / (n - d)! for d < 2k - 1.
        let fourByFour = KInARow(id: "k-in-a-row-4x4-3", rows: 4, columns: 4, k: 3)
        #expect((1...4).map { fourByFour.perft(fourByFour.initialState(seed: 0), depth: $0) } == [16, 240, 3360, 43680])
        let fiveByFive = KInARow(id: "k-in-a-row-5x5-4", rows: 5, columns: 5, k: 4)
        #expect(fiveByFive.perft(fiveByFive.initialState(seed: 0), depth: 4) == 25 * 24 * 23 * 22)
    }

    @Test func oneMinimaxPlayerServesTwoVariants() {
        // States of two variants can be equal values; the memo must not mix them up.
        var minimax = MinimaxPlayer()
        #expect(minimax.value(of: ticTacToe.initialState(seed: 0), in: ticTacToe) == 0)
        // 2 x 2 with two in a row: the first player wins with any move.
        let tiny = KInARow(id: "tiny", rows: 2, columns: 2, k: 2)
        #expect(minimax.value(of: tiny.initialState(seed: 0), in: tiny) == 1)
        var afterX = tiny.initialState(seed: 0)
        tiny.play(0, in: &afterX)
        #expect(minimax.value(of: afterX, in: tiny) == 1)
        #expect(minimax.value(of: ticTacToe.initialState(seed: 0), in: ticTacToe) == 0)
    }

    @Test func observationsSwapSidesWithTheMover() throws {
        let state = try position(ticTacToe, ["a1"])
        #expect(ticTacToe.observationRows(of: state) == ["...", "...", "o.."])
        let next = try ticTacToe.applying("b2", to: state)
        #expect(ticTacToe.observationRows(of: next) == ["...", ".o.", "x.."])
    }

    @Test func textShowsTheMoversSideAndLandingCells() throws {
        let game = KInARow.connectFour
        var state = game.initialState(seed: 0)
        #expect(game.legalActions(in: state) == ["a1", "b1", "c1", "d1", "e1", "f1", "g1"])
        try game.apply("d1", to: &state)
        #expect(game.legalActions(in: state).contains("d2"))
        #expect(game.observation(of: state) == "connect-four\n.......\n.......\n.......\n.......\n.......\n...o...")
        try game.apply("d2", to: &state)
        #expect(game.observationRows(of: state).suffix(2) == ["...o...", "...x..."])
        #expect(game.render(state).contains("X to move"))
        #expect(throws: GameError.self) { try game.apply("d1", to: &state) }
    }

    @Test func greedyBlocksAndMctsBeatsRandom() throws {
        // X holds a1 and b1, O holds a3; O to move must block at c1.
        var state = ticTacToe.initialState(seed: 0)
        for move in ["a1", "a3", "b1"] { try ticTacToe.apply(move, to: &state) }
        var rng = SeededGenerator(seed: 2)
        var greedy = GreedyPlayer()
        #expect(ticTacToe.actionText(greedy.chooseAction(in: ticTacToe, state: state, using: &rng), in: state, notation: .absolute) == "c1")
        var mcts = MCTSPlayer(simulations: 300), random = RandomPlayer()
        var losses = 0
        for game in 0..<20 {
            var s = ticTacToe.initialState(seed: 0)
            while !ticTacToe.isTerminal(s) {
                let mctsTurn = ticTacToe.currentPlayer(in: s) == game % 2
                let action = mctsTurn ? mcts.chooseAction(in: ticTacToe, state: s, using: &rng)
                                      : random.chooseAction(in: ticTacToe, state: s, using: &rng)
                ticTacToe.play(action, in: &s)
            }
            if ticTacToe.returns(in: s)![game % 2] < 0 { losses += 1 }
        }
        #expect(losses <= 1, "MCTS with 300 simulations lost \(losses) of 20 to random")
    }
}
