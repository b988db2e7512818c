import Testing
import GameKit
@testable import Games

/// Breakthrough against hand counts, hand-built positions and OpenSpiel's golden playthrough.
@Suite struct BreakthroughTests {
    let six = Breakthrough.sixBySix
    let five = Breakthrough.fiveByFive

    /// A position from rows top first (`W` White, `B` Black, `.` empty) with `mover` to move.
    func position(_ game: Breakthrough, _ rows: [String], mover: Int) -> Breakthrough.State {
        precondition(rows.count == game.rows && rows.allSatisfy { $0.count == game.columns })
        var state = Breakthrough.State(white: 0, black: 0, mover: Int8(mover), winner: 0)
        for (row, line) in rows.enumerated() {
            for (file, mark) in line.enumerated() {
                let bit: UInt64 = 1 << UInt64((game.rows - 1 - row) * game.columns + file)
                if mark == "W" { state.white |= bit } else if mark == "B" { state.black |= bit }
            }
        }
        return state
    }

    @Test func perftFromTheStartMatchesHandCounts() {
        // 6x6: only the six pawns on rank 2 can move (rank 1 is blocked by them); the two
        // edge pawns have 2 moves (straight, one diagonal) and the four inner ones 3:
        // 2 * 2 + 4 * 3 = 16. Black's reply is the mirror image and rank 3 and 4 leave the
        // two sides apart, so depth 2 is 16 * 16.
        let start6 = six.initialState(seed: 0)
        #expect(six.perft(start6, depth: 1) == 16)
        #expect(six.perft(start6, depth: 2) == 256)
        // 5x5: 2 * 2 + 3 * 3 = 13 first moves. Every one lands on rank 3 straight in front
        // of a black pawn on rank 4, blocking exactly that pawn's straight step (diagonal
        // steps onto it are captures and stay legal): 13 * (13 - 1).
        let start5 = five.initialState(seed: 0)
        #expect(five.perft(start5, depth: 1) == 13)
        #expect(five.perft(start5, depth: 2) == 13 * 12)
        #expect(six.legalActions(in: start6) == ["a2a3", "a2b3", "b2a3", "b2b3", "b2c3", "c2b3", "c2c3", "c2d3",
                                                  "d2c3", "d2d3", "d2e3", "e2d3", "e2e3", "e2f3", "f2e3", "f2f3"])
    }

    @Test func lengthBoundCountsEveryForwardStep() {
        // Each side: columns pawns with rows - 2 steps and columns with rows - 3 before the
        // winning step; both sides, plus the winning move.
        #expect(six.maxLength == 2 * 6 * (4 + 3) + 1)
        #expect(five.maxLength == 2 * 5 * (3 + 2) + 1)
    }

    @Test func capturesAreDiagonalAndStraightStepsNeedAnEmptyCell() throws {
        // White c3 faces Black b4, c4, d4: it captures on either diagonal but cannot step
        // straight into c4; White e3 captures d4 or steps to e4 or f4.
        let state = position(six, [
            "......",
            "......",
            ".BBB..",
            "..W.W.",
            "......",
            "......",
        ], mover: 0)
        #expect(six.legalActions(in: state) == ["c3b4", "c3d4", "e3d4", "e3e4", "e3f4"])
        let captured = try six.applying("c3b4", to: state)
        #expect(captured.black.nonzeroBitCount == 2)
        #expect(six.returns(in: captured) == nil)
        // Black moves down: c4 and d4 step or capture towards rank 3, never back to take b4.
        #expect(six.legalActions(in: captured) == ["c4b3", "c4c3", "c4d3", "d4c3", "d4d3", "d4e3"])
    }

    @Test func ownPawnsBlockDiagonalSteps() {
        // White c2 with White b3 and d3 ahead diagonally and Black c3 straight ahead: stuck,
        // while b3 and d3 can move.
        let state = position(six, [
            "......",
            "B.....",
            "......",
            ".WBW..",
            "..W...",
            "......",
        ], mover: 0)
        #expect(six.legalActions(in: state) == ["b3a4", "b3b4", "b3c4", "d3c4", "d3d4", "d3e4"])
    }

    @Test func reachingTheFarRankWins() throws {
        let state = position(six, [
            "..B...",
            ".W....",
            "......",
            "......",
            "....B.",
            "W.....",
        ], mover: 0)
        // Straight, or capturing onto the last rank, both win at once.
        #expect(six.returns(in: try six.applying("b5b6", to: state)) == [1, -1])
        #expect(six.returns(in: try six.applying("b5c6", to: state)) == [1, -1])
        #expect(six.legalActionIDs(in: try six.applying("b5c6", to: state)).isEmpty)
        // Black wins on rank 1.
        var black = position(six, [
            "......",
            "......",
            "......",
            "..W...",
            "....B.",
            "W.....",
        ], mover: 1)
        #expect(six.returns(in: black) == nil)
        try six.apply("e2d1", to: &black)
        #expect(six.returns(in: black) == [-1, 1])
        #expect(six.render(black).hasSuffix("Black wins"))
    }

    @Test func losingTheLastPawnLoses() throws {
        let state = position(five, [
            ".....",
            ".....",
            "..B..",
            ".W...",
            "W....",
        ], mover: 0)
        let after = try five.applying("b2c3", to: state)
        #expect(after.black == 0)
        #expect(five.returns(in: after) == [1, -1])
        #expect(five.legalActionIDs(in: after).isEmpty)
        // The same for Black taking White's last pawn.
        let blackTakes = position(five, [
            ".....",
            "B....",
            ".....",
            ".B...",
            "W....",
        ], mover: 1)
        #expect(five.returns(in: try five.applying("b2a1", to: blackTakes)) == [-1, 1])
    }

    @Test func blackSeesTheBoardFlippedAndPlaysUp() throws {
        // Black sees its own pawns at the bottom and White's home rank on top. White's first
        // move does not reach Black's pawns, so Black's moves in its mover notation are
        // White's opening moves; in absolute notation they go down (c5c4).
        let start = six.initialState(seed: 0)
        let afterOne = try six.applying("c2d3", to: start)
        #expect(six.observationRows(of: start) == ["oooooo", "oooooo", "......", "......", "xxxxxx", "xxxxxx"])
        #expect(six.observationRows(of: afterOne) == ["oooooo", "oo.ooo", "...o..", "......", "xxxxxx", "xxxxxx"])
        #expect(six.legalActions(in: afterOne, notation: .mover) == six.legalActions(in: start))
        #expect(six.legalActions(in: afterOne).contains("c5c4"))
        // One id, two texts, each parsing back in its own notation only.
        let id = try six.actionID(for: "c5c4", in: afterOne)
        #expect(six.actionText(id, in: afterOne, notation: .mover) == "c2c3")
        #expect(try six.actionID(for: "c2c3", in: afterOne, notation: .mover) == id)
        #expect(throws: GameError.self) { try six.actionID(for: "c2c3", in: afterOne) }
        #expect(six.render(afterOne).contains("Black to move"))
    }

    /// OpenSpiel's playthrough of 8x8 Breakthrough, open_spiel/integration_tests/playthroughs/
    /// breakthrough.txt (google-deepmind/open_spiel): the moves of the game it records, in its
    /// coordinates. There Black starts on ranks 7-8 and moves first, so mirroring the ranks
    /// (r -> 9 - r) turns it into the same game with White moving first from ranks 1-2.
    static let openSpielMoves = [
        "c7d6", "d2d3", "f7e6", "f2e3", "b8c7", "b2b3", "d6d5", "g1f2", "f8f7", "h2h3",
        "b7a6", "h3h4", "d7c6", "a1b2", "g7g6", "e3f4", "e7f6", "b3b4", "e8d7", "a2a3",
        "g6g5", "g2g3", "h8g7", "b4a5", "c7d6", "h1g2", "g7g6", "h4g5", "d6c5", "g5f6",
        "c5d4", "f6e7", "f7f6", "g3h4", "f6f5", "d3c4", "d4e3", "e7e8",
    ]

    /// The mirror image of an OpenSpiel move text on 8 ranks (its `*` capture mark dropped).
    func mirrored(_ move: String) -> String {
        String(move.filter { $0 != "*" }.map { character -> Character in
            guard let rank = character.wholeNumberValue else { return character }
            return Character(String(9 - rank))
        })
    }

    @Test func openSpielGameReplaysWithTheSameLegalMoves() throws {
        let game = Breakthrough(id: "breakthrough-8x8", rows: 8, columns: 8)
        // Legal-move counts before each move, from the same playthrough (states 0-9 and 29-37).
        let counts: [Int: Int] = [0: 22, 1: 22, 2: 23, 3: 23, 4: 24, 5: 25, 6: 23, 7: 26, 8: 25, 9: 25,
                                  29: 26, 30: 22, 31: 26, 32: 22, 33: 27, 34: 25, 35: 28, 36: 23, 37: 30]
        // The full list before the last move (state 37), as OpenSpiel prints it.
        let last = ["e7d8*", "e7e8", "e7f8", "a5b6", "c4b5", "c4c5", "c4d5*", "f4e5", "f4g5", "h4g5", "h4h5",
                    "a3a4", "a3b4", "b2b3", "b2c3", "c2b3", "c2c3", "c2d3", "e2d3", "e2f3", "f2e3*", "f2f3",
                    "f2g3", "g2f3", "g2g3", "g2h3", "b1a2", "c1d2", "d1d2", "e1d2"]
        var state = game.initialState(seed: 0)
        for (index, move) in Self.openSpielMoves.enumerated() {
            if let count = counts[index] { #expect(game.legalActionIDs(in: state).count == count, "before move \(index)") }
            if index == 37 { #expect(game.legalActions(in: state) == last.map(mirrored).sorted()) }
            try game.apply(mirrored(move), to: &state)
        }
        // OpenSpiel's White (our Black) reached its last rank: the second player wins.
        #expect(game.returns(in: state) == [-1, 1])
        // The final board, OpenSpiel's ranks 1..8 (b -> x, w -> o) seen by our White.
        #expect(game.observationRows(of: state) == [
            ".ooooo..", ".oo.ooo.", "o...x...", "..o..o.o", "o..x.x..", "x.x.x.x.", "x..x...x", "x.xxo.x.",
        ])
    }
}
