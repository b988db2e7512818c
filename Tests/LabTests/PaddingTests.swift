import Testing
import Lab

/// The one padding helper behind every text table.
@Suite struct PaddingTests {
    @Test func padsToTheWidthAndNeverCuts() {
        #expect("elo".padded(to: 6) == "elo   ")
        #expect("player".padded(to: 6) == "player")
        #expect("tic-tac-toe".padded(to: 6) == "tic-tac-toe")
        #expect("".padded(to: 2) == "  ")
    }

    @Test func aMinimumGapSeparatesCellsThatFillTheirColumn() {
        #expect("elo".padded(to: 6, minimumGap: 1) == "elo   ")
        #expect("player".padded(to: 6, minimumGap: 1) == "player ", "as wide as the column: one space")
        #expect("tic-tac-toe".padded(to: 6, minimumGap: 1) == "tic-tac-toe ")
    }
}
