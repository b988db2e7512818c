import Testing
import GameKit
@testable import Games

/// Othello against published perft counts and published games.
@Suite struct OthelloTests {
    let six = Othello.sixBySix
    let eight = Othello.eightByEight

    /// A position from rows top first (`B` Black, `W` White, `.` empty) with `mover` to move.
    func position(_ game: Othello, _ rows: [String], mover: Int) -> Othello.State {
        precondition(rows.count == game.size && rows.allSatisfy { $0.count == game.size })
        var state = Othello.State(black: 0, white: 0, mover: Int8(mover))
        for (row, line) in rows.enumerated() {
            for (file, mark) in line.enumerated() {
                let bit: UInt64 = 1 << UInt64((game.size - 1 - row) * game.size + file)
                if mark == "B" { state.black |= bit } else if mark == "W" { state.white |= bit }
            }
        }
        return state
    }

    /// Plays `moves` in absolute notation from the start.
    func replay(_ game: Othello, _ moves: [String]) throws -> Othello.State {
        var state = game.initialState(seed: 0)
        for move in moves { try game.apply(move, to: &state) }
        return state
    }

    @Test func perftMatchesPublishedCounts() {
        // Reversi perft from the initial position, Aart Bik, "Perft for Reversi" (2009),
        // aartbik.blogspot.com/2009/02/perft-for-reversi.html. Passes count as moves and
        // first occur at depth 9; no game ends before depth 11, so counting only sequences
        // of exactly `depth` moves (as `perft` does) gives the same numbers.
        let expected = [4, 12, 56, 244, 1396, 8200, 55092, 390216, 3_005_288]
        let start = eight.initialState(seed: 0)
        #expect((1...expected.count).map { eight.perft(start, depth: $0) } == expected)
    }

    @Test func startReadsLikeStandardNotation() {
        // Black's four openings in standard notation (d3, c4, f5, e6), on both boards (the 6x6
        // centre is c3-d4).
        let start = eight.initialState(seed: 0)
        #expect(eight.legalActions(in: start) == ["c4", "d3", "e6", "f5"])
        #expect(six.legalActions(in: six.initialState(seed: 0)) == ["b3", "c2", "d5", "e4"])
        #expect(eight.observationRows(of: start)[3...4] == ["...xo...", "...ox..."])
        #expect(eight.render(start).hasSuffix("Black 2 - White 2, Black to move"))
    }

    @Test func sixBySixPerfectGameEndsWhiteWinning20To16() throws {
        // Joel Feinstein's perfect-play solution of 6x6 Othello (1993), "Perfect play in 6x6
        // Othello from two alternative starting positions",
        // maths.nottingham.ac.uk/plp/pmzjff/Othello/6x6sol.html: the moves below are its
        // numbered board (columns b-g, rows 2-7 of an 8x8 board) shifted to a-f, 1-6. The
        // numbers count discs placed, so a side that cannot move passes in between.
        // White wins 20-16.
        let moves = ["c2", "b4", "c5", "d2", "e4", "e3", "d1", "c1", "b1", "d5", "d6", "f4", "b3", "b2", "f3", "f2",
                     "e2", "b6", "a4", "c6", "a6", "a2", "b5", "a5", "e6", "e5", "a3", "a1", "f5", "f6", "e1", "f1"]
        var state = six.initialState(seed: 0)
        var passes: [Int] = []
        for (index, move) in moves.enumerated() {
            if six.legalActions(in: state) == ["pass"] {
                try six.apply("pass", to: &state)
                passes.append(index + 1)
            }
            try six.apply(move, to: &state)
        }
        #expect(six.discCounts(in: state) == (black: 16, white: 20))
        #expect(six.returns(in: state) == [-1, 1])
        #expect(six.legalActionIDs(in: state).isEmpty)
        #expect(six.render(state).hasSuffix("Black 16 - White 20, White wins"))
        // Black is stuck once, before the 31st disc.
        #expect(passes == [31])
    }

    @Test func gameEndsWhenNeitherSideCanMove() throws {
        // An 11-move game that ends with 15 discs on the board, Black 14, White 1, because
        // neither side can move (Warren D. Smith, "othello puzzles", math-fun mailing list).
        let end = try replay(eight, ["f5", "f4", "c3", "e6", "f7", "g6", "g4", "e8", "g8", "g5", "h5"])
        #expect(eight.discCounts(in: end) == (black: 14, white: 1))
        #expect(eight.returns(in: end) == [1, -1])
        #expect(eight.legalActionIDs(in: end).isEmpty)
        // Its final diagram (row 1 at the top), upside down in this lab's ranks; White moves
        // next, so its one disc is `x`.
        let diagram = ["........", "........", "..B.....", "...BBBB.", "...BBBBB", "....B.B.", ".....B..", "....W.B."]
        let seenByWhite = diagram.reversed().map { String($0.map { $0 == "B" ? "o" : $0 == "W" ? "x" : $0 }) }
        #expect(eight.observationRows(of: end) == seenByWhite)
    }

    @Test func wipeoutWithTwentyThreePasses() throws {
        // A White wipeout in which Black passes 23 times (Warren D. Smith, same thread):
        // Black's moves upper case, White's lower case; a pass is where a side moves twice.
        // The post calls it 64-0, but its 55 moves leave 4 + 55 = 59 discs, all White.
        let record = "F5d6C4g5D7c7H5d8B8b7B6a7b5A6a5b4B3c6E8f8C8a8e7a4b2A2c2D2d1e2F2c5c3a1a3e6d3f6F7f1g2H2e3F4b1g1c1e1g8g7f3h1h3h4h6"
        var state = eight.initialState(seed: 0)
        var passes = 0
        var lastWasBlack: Bool?
        let characters = Array(record)
        for index in stride(from: 0, to: characters.count, by: 2) {
            let isBlack = characters[index].isUppercase
            if lastWasBlack == isBlack {
                #expect(eight.legalActions(in: state) == ["pass"])
                try eight.apply("pass", to: &state)
                passes += 1
            }
            try eight.apply(String(characters[index...index + 1]), to: &state)
            lastWasBlack = isBlack
        }
        #expect(passes == 23)
        #expect(eight.legalActionIDs(in: state).isEmpty)
        #expect(eight.discCounts(in: state) == (black: 0, white: 59))
        #expect(eight.returns(in: state) == [-1, 1])
    }

    @Test func passIsLegalOnlyWhenTheMoverIsStuck() throws {
        // Black's d2 and a1 have no line to outflank (White's rank 1 runs to the edge), but
        // White can take d2 from c3, d3 or e3.
        let stuck = position(six, [
            "......",
            "......",
            "......",
            "......",
            "...B..",
            "BWWWWW",
        ], mover: 0)
        #expect(six.legalActions(in: stuck) == ["pass"])
        #expect(six.returns(in: stuck) == nil)
        var passed = try six.applying("pass", to: stuck)
        #expect(six.currentPlayer(in: passed) == 1)
        #expect(six.legalActions(in: passed) == ["c3", "d3", "e3"])
        #expect(throws: GameError.self) { try six.apply("pass", to: &passed) }
        var start = eight.initialState(seed: 0)
        #expect(throws: GameError.self) { try eight.apply("pass", to: &start) }
    }

    @Test func placingFlipsEveryOutflankedLineAndSwapsTheView() throws {
        // Black d3 flips d4 only; the observation turns with the mover.
        let state = try replay(eight, ["d3"])
        #expect(eight.discCounts(in: state) == (black: 4, white: 1))
        #expect(eight.observationRows(of: state)[3...5] == ["...ox...", "...oo...", "...o...."])
        // White c3 then flips d4 back along the diagonal c3-d4-e5.
        let next = try eight.applying("c3", to: state)
        #expect(eight.discCounts(in: next) == (black: 3, white: 3))
        #expect(eight.legalActions(in: next, notation: .mover) == eight.legalActions(in: next))
    }
}
