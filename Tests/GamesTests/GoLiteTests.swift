import Testing
import SeededRandom
import GameKit
@testable import Games

/// Go-lite against positions built by hand and published counts.
@Suite struct GoLiteTests {
    let go5 = GoLite.fiveByFive

    func play(_ game: GoLite, _ state: GoLite.State, _ moves: [String]) throws -> GoLite.State {
        var state = state
        for move in moves { try game.apply(move, to: &state) }
        return state
    }

    func board(_ game: GoLite, _ state: GoLite.State) -> [String] {
        game.observationRows(of: state).map { row in
            String(row.map { state.toMove == 0 ? ($0 == "x" ? "X" : $0 == "o" ? "O" : ".") : ($0 == "x" ? "O" : $0 == "o" ? "X" : ".") })
        }
    }

    @Test func captureRemovesAGroupWithoutLiberties() throws {
        // White's two stones b2-c2 lose their last liberty when Black plays d2.
        let start = try go5.state(rows: [".....", ".....", ".XX..", "XOO..", ".XX.."], toMove: 0)
        let after = try play(go5, start, ["d2"])
        #expect(board(go5, after) == [".....", ".....", ".XX..", "X..X.", ".XX.."])
        // A corner stone is captured with two stones.
        let corner = try play(go5, try go5.state(rows: [".....", ".....", ".....", "X....", "O...."], toMove: 0), ["b1"])
        #expect(board(go5, corner)[4] == ".X...")
    }

    @Test func suicideIsIllegalUnlessItCaptures() throws {
        // a1 is surrounded by Black: White may not play there...
        let surrounded = try go5.state(rows: [".....", ".....", ".....", "X....", ".X..."], toMove: 1)
        #expect(!go5.legalActions(in: surrounded).contains("a1"))
        #expect(throws: GameError.self) { _ = try go5.applying("a1", to: surrounded) }
        // ...but may when the move captures: Black's a2 and b1 have a1 as their last liberty.
        let atari = try go5.state(rows: [".....", ".....", "O....", "XO...", ".XO.."], toMove: 1)
        let taken = try go5.applying("a1", to: atari)
        #expect(board(go5, taken)[3] == ".O...", "a1 captures a2 and b1")
        // Filling one's own group's last liberty is suicide too (White a2 has only a1 left,
        // and a1 captures nothing: Black's b1 keeps c1).
        let own = try go5.state(rows: [".....", ".....", "X....", "OX...", ".X..."], toMove: 1)
        #expect(!go5.legalActions(in: own).contains("a1"))
    }

    @Test func koCannotBeRetakenAtOnceButCanAfterAThreat() throws {
        // The ko shape: White's b2 has its last liberty at c2; Black's c2 captures it, and
        // White's retake at b2 would capture c2 and recreate the board before.
        let ko = try go5.state(rows: [".....", ".....", ".XO..", "XO.O.", ".XO.."], toMove: 0)
        let taken = try play(go5, ko, ["c2"])
        #expect(board(go5, taken)[3] == "X.XO.", "Black's c2 captures b2")
        #expect(!go5.legalActions(in: taken).contains("b2"), "retaking at once recreates the position (ko)")
        // After an exchange elsewhere the board differs, so the retake is legal.
        let later = try play(go5, taken, ["e5", "a5"])
        #expect(go5.legalActions(in: later).contains("b2"))
    }

    @Test func positionalSuperkoForbidsAnyEarlierPosition() throws {
        // On 2x2 boards cycles of captures longer than simple ko are common; in thousands of
        // random games no stone move ever recreates an earlier board.
        let tiny = GoLite(size: 2, komi: 0)
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<2000 {
            var state = tiny.initialState(seed: 0)
            var positions: [[String]] = [board(tiny, state)]
            while !tiny.isTerminal(state) {
                let actions = tiny.legalActionIDs(in: state)
                let action = actions[Int(rng.next() % UInt64(actions.count))]
                let isPass = tiny.actionText(action, in: state, notation: .absolute) == "pass"
                tiny.play(action, in: &state)
                let now = board(tiny, state)
                if !isPass { #expect(!positions.contains(now), "a stone move repeated a board") }
                positions.append(now)
            }
        }
    }

    @Test func legalPositionCountsMatchTromp() throws {
        // Legal Go positions on n x n boards: 57 on 2x2, 12,675 on 3x3 (OEIS A094777;
        // Tromp and Farnebäck, "Combinatorics of Go"). Every legal position is reachable by
        // moves of either colour from the empty board.
        for (size, expected) in [(2, 57), (3, 12_675)] {
            let game = GoLite(size: size, komi: 0)
            var seen: Set<[String]> = []
            var frontier = [game.initialState(seed: 0)]
            seen.insert(board(game, frontier[0]))
            while let state = frontier.popLast() {
                for colour in 0..<2 {
                    let fresh = try game.state(rows: board(game, state), toMove: colour)
                    for action in game.legalActionIDs(in: fresh) where action != size * size {
                        var child = fresh
                        game.play(action, in: &child)
                        if seen.insert(board(game, child)).inserted { frontier.append(child) }
                    }
                }
            }
            #expect(seen.count == expected, "\(size)x\(size)")
        }
    }

    @Test func areaScoringWithKomi() throws {
        // Black's wall on b, White's on d: Black has 5 stones + a-file 5 = 10, White 5 + e-file
        // 5 = 10, and the c-file touches both colours, so it is nobody's.
        let split = try go5.state(rows: [".X.O.", ".X.O.", ".X.O.", ".X.O.", ".X.O."], toMove: 0)
        #expect(go5.area(split) == (black: 10, white: 10))
        let over = try play(go5, split, ["pass", "pass"])
        #expect(go5.returns(in: over) == [-1, 1], "10 - 10 - 24.5: White wins on komi")
        let even = GoLite(size: 5, komi: 0)
        let drawn = try play(even, try even.state(rows: [".X.O.", ".X.O.", ".X.O.", ".X.O.", ".X.O."], toMove: 0), ["pass", "pass"])
        #expect(even.returns(in: drawn) == [0, 0])
        // A lone Black stone owns the whole empty board.
        let lone = try go5.state(rows: [".....", ".....", "..X..", ".....", "....."], toMove: 1)
        #expect(go5.area(lone) == (black: 25, white: 0))
        #expect(go5.returns(in: try play(go5, lone, ["pass", "pass"])) == [1, -1], "25 - 24.5")
    }

    @Test func gameEndsAfterTwoPassesOrTheMoveLimit() throws {
        let start = go5.initialState(seed: 0)
        let onePass = try play(go5, start, ["pass"])
        #expect(!go5.isTerminal(onePass))
        #expect(go5.isTerminal(try play(go5, onePass, ["pass"])))
        #expect(!go5.isTerminal(try play(go5, onePass, ["c3", "pass"])), "passes must be in a row")
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<50 {
            var moves = 0
            let end = go5.randomPlayout(from: start, using: &rng, moves: &moves)
            #expect(go5.isTerminal(end) && moves <= go5.maxLength)
        }
    }

    @Test func badPositionsGetClearErrors() {
        #expect(throws: GameError.self) { _ = try go5.state(rows: ["....."], toMove: 0) }
        #expect(throws: GameError.self) { _ = try go5.state(rows: [".....", ".....", ".....", ".....", "....Z"], toMove: 0) }
        #expect(throws: GameError.self) { _ = try go5.state(rows: [".....", ".....", ".....", "X....", "OX..."], toMove: 0) }
    }
}
