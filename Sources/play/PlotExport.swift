import ArgumentParser
import Foundation
import Lab

/// `play plot DIR`: the HTML report of a run or of a directory of runs.
struct PlotReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Write SVG figures and an index.html report for a run directory or a directory of runs.",
        discussion: """
        Reads runs (directories with config.json and log.jsonl) and, when present in the directory, the experiments' \
        result files transfer.json, heldout.json, scaling.json and analysis.json. Open REPORT/index.html in a browser.
        """)

    @Argument(help: "A run directory (runs/NAME) or a directory holding runs (a sweep, several seeds).")
    var directory: String

    @Option(help: "Where to write the report (default: DIRECTORY/report).")
    var output: String?

    @Option(help: "Seed of the bootstrap resampling behind the confidence intervals.")
    var seed: UInt64 = 0

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("'\(directory)' is not a directory; pass a run directory such as runs/NAME.")
        }
    }

    func run() throws {
        let page = try Report.write(from: URL(fileURLWithPath: directory).absoluteURL,
                                    to: output.map { URL(fileURLWithPath: $0).absoluteURL }, seed: seed)
        print("report: \(page.path)")
    }
}

/// `play export DIR --csv`: the logs as CSV tables.
struct ExportLogs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the eval and train events of a run directory (or a directory of runs) as CSV files.")

    @Argument(help: "A run directory (runs/NAME) or a directory holding runs.")
    var directory: String

    @Flag(help: "Write CSV (evals.csv, train.csv); the only format so far.")
    var csv = false

    @Option(help: "Where to write the files (default: DIRECTORY/export).")
    var output: String?

    func validate() throws {
        guard csv else { throw ValidationError("Say which format to write: --csv.") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("'\(directory)' is not a directory; pass a run directory such as runs/NAME.")
        }
    }

    func run() throws {
        let files = try Export.csv(from: URL(fileURLWithPath: directory).absoluteURL, to: output.map { URL(fileURLWithPath: $0).absoluteURL })
        for file in files { print("wrote \(file.path)") }
    }
}

/// `play summary RUN`: a run's log as text tables (`RunSummary`).
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a run's log as text tables: scores at each evaluation, per-game entropies, advantage spreads, backplay reaches.",
        discussion: """
        Given a directory of runs, prints every run's summary in turn. The runs under docs/tasks were kept this way: \
        play summary runs/NAME > docs/tasks/NAME.txt.
        """)

    @Argument(help: "A run directory (runs/NAME) or a directory holding runs.")
    var directory: String

    @Option(help: "Average the entropies over windows of this many updates.")
    var entropyWindow = 500

    @Option(help: "Show the backplay reaches every this many updates.")
    var reachEvery = 250

    func validate() throws {
        guard entropyWindow >= 1 else { throw ValidationError("--entropy-window must be at least 1 update (got \(entropyWindow)).") }
        guard reachEvery >= 1 else { throw ValidationError("--reach-every must be at least 1 update (got \(reachEvery)).") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("'\(directory)' is not a directory; pass a run directory such as runs/NAME.")
        }
    }

    func run() throws {
        let runs = try RunData.load(URL(fileURLWithPath: directory).absoluteURL)
        guard !runs.isEmpty else { throw LabError("\(directory) holds no runs (directories with config.json and log.jsonl)") }
        print(runs.map { RunSummary.text($0, entropyWindow: entropyWindow, reachEvery: reachEvery) }.joined(separator: "\n"), terminator: "")
    }
}
