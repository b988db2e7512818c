import Testing
@testable import RL

@Suite struct RLPlaceholderTests {
    @Test func algorithmsAreNamedAsOnTheCommandLine() {
        #expect(RL.Algorithm.allCases.map(\.rawValue) == ["ppo", "a2c", "reinforce"])
    }
}
