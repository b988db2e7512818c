import Foundation
import Testing
@testable import Lab

/// Result files edited by hand: a file whose arrays do not fit together is refused when it
/// is read, with the field and what was expected, before any figure is drawn.
@Suite struct ResultFileValidationTests {
    /// The error of reading `json` as `type`'s file, or nil when it reads.
    func readingError<T: ResultFile>(_ type: T.Type, _ json: String) throws -> String? {
        let directory = try ReportFixtures.directory("damaged")
        defer { ReportFixtures.cleanUp(directory) }
        try Data(json.utf8).write(to: directory.appendingPathComponent(T.fileName))
        do {
            _ = try T.read(from: directory)
            return nil
        } catch let error as LabError {
            return error.description
        }
    }

    func transfer(steps: String, scores: String) -> String {
        #"{"metric": "score", "stepUnit": "decisions", "targets": [{"target": "tic-tac-toe", "pretrain": [], "curves": ["#
            + #"{"condition": "scratch", "seed": 1, "steps": [0, 10], "scores": [0.5, 0.6]},"#
            + #"{"condition": "joint", "seed": 2, "steps": \#(steps), "scores": \#(scores)}]}]}"#
    }

    @Test func transferCurvesNeedOneScorePerStepAtIncreasingSteps() throws {
        #expect(try readingError(TransferResult.self, transfer(steps: "[0, 5, 10]", scores: "[0.5, 0.6, 0.7]")) == nil)
        #expect(try readingError(TransferResult.self, transfer(steps: "[]", scores: "[]")) == nil, "an empty curve is left out, not wrong")
        let short = try #require(try readingError(TransferResult.self, transfer(steps: "[0, 5, 10]", scores: "[0.5, 0.6]")))
        #expect(short.contains("transfer.json") && short.contains("targets[0].curves[1] (tic-tac-toe, joint, seed 2)"))
        #expect(short.contains("scores has 2 values, expected 3 (one per entry of steps)"))
        let unordered = try #require(try readingError(TransferResult.self, transfer(steps: "[0, 10, 5]", scores: "[0.5, 0.6, 0.7]")))
        #expect(unordered.contains("targets[0].curves[1]") && unordered.contains("steps must increase, but steps[1] = 10.0 and steps[2] = 5.0"))
    }

    @Test func analysisMatricesNeedTheShapeOfTheirLabels() throws {
        let good = #"{"cka": [{"title": "t", "debiased": true, "rowAxis": "r", "columnAxis": "c", "rows": ["a", "b"], "columns": ["x"], "#
            + #""values": [[0.5], [0.7]]}], "taskVariance": [{"title": "t", "games": ["a", "b"], "variances": [[1, 0], [0.5, 0.5]]}], "#
            + #""probes": [{"title": "p", "games": ["a", "b"], "accuracy": [[0.9, 0.5], [0.5, 0.9]], "chance": [[0.5, 0.5], [0.5, 0.5]]}]}"#
        #expect(try readingError(AnalysisResult.self, good) == nil)
        let cases: [(from: String, to: String, message: String)] = [
            (#""values": [[0.5], [0.7]]"#, #""values": [[0.5]]"#, "cka[0].values has 1 rows, expected 2 (one per entry of rows)"),
            (#""values": [[0.5], [0.7]]"#, #""values": [[0.5], [0.7, 0.1]]"#, "cka[0].values[1] has 2 values, expected 1 (one per entry of columns)"),
            (#""variances": [[1, 0], [0.5, 0.5]]"#, #""variances": [[1, 0], [0.5]]"#,
             "taskVariance[0].variances[1] has 1 values, expected 2 (one per entry of games)"),
            (#""variances": [[1, 0], [0.5, 0.5]]"#, #""variances": [[1, 0], [0.5, 0.5]], "rotatedVariances": [[1, 0, 0]]"#,
             "taskVariance[0].rotatedVariances[0] has 3 values, expected 2 (one per entry of games)"),
            (#""accuracy": [[0.9, 0.5], [0.5, 0.9]]"#, #""accuracy": [[0.9, 0.5], [0.5]]"#,
             "probes[0].accuracy[1] has 1 values, expected 2 (one per entry of games)"),
            (#""chance": [[0.5, 0.5], [0.5, 0.5]]"#, #""chance": [[0.5, 0.5]]"#, "probes[0].chance has 1 rows, expected 2 (one per entry of games)"),
        ]
        for (from, to, message) in cases {
            let damaged = good.replacingOccurrences(of: from, with: to)
            #expect(damaged != good)
            let error = try readingError(AnalysisResult.self, damaged)
            #expect(error?.contains("is not a valid analysis.json: " + message) == true, "\(error ?? "no error")")
        }
    }

    @Test func theReportRefusesADamagedFileWithItsError() throws {
        let directory = try ReportFixtures.directory("damaged-report")
        defer { ReportFixtures.cleanUp(directory) }
        try Data(transfer(steps: "[0, 5]", scores: "[0.5]").utf8).write(to: directory.appendingPathComponent(TransferResult.fileName))
        #expect {
            _ = try Report.build(from: directory)
        } throws: { error in
            "\(error)".contains("scores has 1 values, expected 2")
        }
    }
}
