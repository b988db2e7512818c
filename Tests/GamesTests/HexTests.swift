import Testing
import SeededRandom
import GameKit
@testable import Games

/// Hex against the Hex theorem, a solved small board and hand-built positions.
@Suite struct HexTests {
    /// The six neighbours of the doc comment's rule, written out again independently of the
    /// game's bitboard shifts.
    static let neighbourSteps = [(-1, 0), (1, 0), (0, -1), (0, 1), (1, -1), (-1, 1)]

    /// Whether `owner`'s cells join its edges on a board given cell by cell (`cells[rank * size
    /// + file]` is 1 for the first player, 2 for the second, 0 empty): ranks 1 and `size`
    /// for the first player, files a and the last for the second. Breadth-first search.
    static func connects(_ owner: Int, cells: [Int], size: Int) -> Bool {
        var seen = Array(repeating: false, count: size * size)
        var queue: [(Int, Int)] = []
        for i in 0..<size {
            let (file, rank) = owner == 1 ? (i, 0) : (0, i)
            if cells[rank * size + file] == owner { queue.append((file, rank)); seen[rank * size + file] = true }
        }
        while let (file, rank) = queue.popLast() {
            if owner == 1 ? rank == size - 1 : file == size - 1 { return true }
            for (df, dr) in neighbourSteps {
                let f = file + df, r = rank + dr
                guard f >= 0, f < size, r >= 0, r < size, cells[r * size + f] == owner, !seen[r * size + f] else { continue }
                seen[r * size + f] = true
                queue.append((f, r))
            }
        }
        return false
    }

    /// The board of `state` cell by cell.
    static func cells(of state: Hex.State, size: Int) -> [Int] {
        (0..<size * size).map { cell in
            state.first >> UInt64(cell) & 1 != 0 ? 1 : state.second >> UInt64(cell) & 1 != 0 ? 2 : 0
        }
    }

    @Test func everyFilledBoardHasExactlyOneWinner() {
        // The Hex theorem (Gale, "The Game of Hex and the Brouwer Fixed-Point Theorem", 1979):
        // on a full board exactly one player joins their edges. With the wrong neighbour rule
        // (say, the other diagonal) random boards break it at once.
        var rng = SeededGenerator(seed: 3)
        for size in 2...8 {
            for _ in 0..<300 {
                let cells = (0..<size * size).map { _ in 1 + Int(rng.next() % 2) }
                let first = Self.connects(1, cells: cells, size: size), second = Self.connects(2, cells: cells, size: size)
                #expect(first != second, "size \(size): \(cells)")
            }
        }
    }

    @Test func gamesEndExactlyWhenAChainJoinsTheEdges() {
        // Random games, checked move by move against the breadth-first search: no chain before
        // the end, the winner's chain at the end; filling the rest of the board at random
        // keeps that winner the only one.
        var rng = SeededGenerator(seed: 11)
        for size in [3, 5, 7, 8] {
            let hex = Hex(id: "hex-test", size: size)
            for _ in 0..<150 {
                var state = hex.initialState(seed: 0)
                while hex.returns(in: state) == nil {
                    let cells = Self.cells(of: state, size: size)
                    if Self.connects(1, cells: cells, size: size) || Self.connects(2, cells: cells, size: size) {
                        Issue.record("size \(size): a chain joins the edges but the game goes on")
                        break
                    }
                    let actions = hex.legalActionIDs(in: state)
                    hex.play(actions[Int(rng.next() % UInt64(actions.count))], in: &state)
                }
                guard let returns = hex.returns(in: state) else { continue }
                let winner = returns[0] > 0 ? 1 : 2
                var cells = Self.cells(of: state, size: size)
                #expect(Self.connects(winner, cells: cells, size: size))
                for index in cells.indices where cells[index] == 0 { cells[index] = 1 + Int(rng.next() % 2) }
                #expect(Self.connects(winner, cells: cells, size: size))
                #expect(!Self.connects(3 - winner, cells: cells, size: size))
            }
        }
    }

    @Test func threeByThreeIsAFirstPlayerWinThroughTheCentre() throws {
        // Without the swap rule the first player wins on every board (Nash's strategy
        // stealing); on 3x3 the winning openings include the short diagonal between the two
        // obtuse corners (the corners with three neighbours, here a3 and c1), centre included,
        // while opening in an acute corner (a1, c3) loses (mazeworks.com, "Hex: Basic
        // Strategy II", the 3x3 board; see also hexwiki.net, "Small boards").
        let hex = Hex(id: "hex-3x3", size: 3)
        var minimax = MinimaxPlayer()
        let start = hex.initialState(seed: 0)
        let (value, best) = minimax.solve(start, in: hex)
        #expect(value == 1)
        let winning = Set(best.map { hex.actionText($0, in: start, notation: .absolute) })
        #expect(winning.isSuperset(of: ["a3", "b2", "c1"]))
        #expect(winning.isDisjoint(with: ["a1", "c3"]))
        let centre = try hex.applying("b2", to: start)
        #expect(minimax.value(of: centre, in: hex) == 1)
        let corner = try hex.applying("a1", to: start)
        #expect(minimax.value(of: corner, in: hex) == -1)
    }

    @Test func chainsUseTheSixNeighbours() throws {
        let hex = Hex(id: "hex-3x3", size: 3)
        // X joins rank 1 to rank 3 through b1-a2 (above-left is a neighbour).
        let xWins = try play(hex, ["b1", "c1", "a2", "c2", "a3"])
        #expect(hex.returns(in: xWins) == [1, -1])
        #expect(hex.render(xWins).hasSuffix("X wins (top to bottom)"))
        // a1-b2-c3 is not a chain: above-right is not a neighbour.
        let diagonal = try play(hex, ["a1", "a2", "b2", "a3", "c3"])
        #expect(hex.returns(in: diagonal) == nil)
        // O joins file a to file c through a2-b2-c1 (below-right is a neighbour).
        let oWins = try play(hex, ["a1", "a2", "a3", "b2", "b3", "c1"])
        #expect(hex.returns(in: oWins) == [-1, 1])
        #expect(hex.legalActionIDs(in: oWins).isEmpty)
        // Stones on both of X's edges that are not joined do not win.
        #expect(hex.returns(in: try play(hex, ["a1", "b2", "a3"])) == nil)
    }

    @Test func theSecondPlayerSeesTheBoardTransposed() throws {
        let hex = Hex(id: "hex-3x3", size: 3)
        // O to move before its winning c1 (see above): in its transposed view its stones a2, b2
        // are at b1, b2, X's a1, a3, b3 at a1, c1, c2, and the winning move is a3, joining
        // its rank 1 to its rank 3 like a first player.
        let state = try play(hex, ["a1", "a2", "a3", "b2", "b3"])
        #expect(hex.observationRows(of: state) == ["...", ".xo", "oxo"])
        let winning = try hex.actionID(for: "c1", in: state)
        #expect(hex.actionText(winning, in: state, notation: .mover) == "a3")
        #expect(try hex.actionID(for: "a3", in: state, notation: .mover) == winning)
        #expect(hex.returns(in: try hex.applying("a3", to: state, notation: .mover)) == [-1, 1])
        // The first player's view is the board itself.
        let first = try play(hex, ["b1"])
        let second = try hex.applying("c3", to: first)
        #expect(hex.observationRows(of: first) == ["...", "o..", "..."])
        #expect(hex.observationRows(of: second) == ["..o", "...", ".x."])
        #expect(hex.legalActions(in: second, notation: .mover) == hex.legalActions(in: second))
    }

    /// Plays `moves` in absolute notation from the start.
    func play(_ hex: Hex, _ moves: [String]) throws -> Hex.State {
        var state = hex.initialState(seed: 0)
        for move in moves { try hex.apply(move, to: &state) }
        return state
    }
}
