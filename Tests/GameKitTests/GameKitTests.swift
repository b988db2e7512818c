import Testing
@testable import GameKit

@Suite struct GameKitPlaceholderTests {
    @Test func textConventionVersionIsSet() {
        #expect(GameKit.textConventionVersion == 1)
    }
}
