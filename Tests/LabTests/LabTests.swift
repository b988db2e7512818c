import Testing
@testable import Lab

@Suite struct LabPlaceholderTests {
    @Test func experimentsAreNamedAsOnTheCommandLine() {
        #expect(Lab.Experiment.allCases.map(\.rawValue) == ["transfer", "scaling", "sweep", "representations"])
    }
}
