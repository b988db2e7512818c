import ArgumentParser
import Foundation
import Lab

/// `play sweep PLAN.json`: every cell of a plan's grid trained as its own run, locally
/// (`-j N` at once) or as a Slurm job array (`--emit slurm`), into one directory layout
/// (`SweepLayout`). Finished cells are skipped, so a stopped sweep continues where it was.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train every cell of a sweep plan (a grid of games, architectures, sizes and seeds) as its own run.",
        discussion: """
        A plan is a JSON object, for example:
          {"games": ["tic-tac-toe", "tic-tac-toe,connect-four"], "architectures": ["mlp", "transformer"],
           "widths": [16, 32, 64], "depths": [1], "seeds": 3, "steps": 20000,
           "train": {"envs": 32, "eval-every": 0, "eval-mcts": 0}}
        Other keys: gameCounts with gamePool, gameSubsets and gameSeed (game sets drawn by a seeded shuffle), widths or \
        depths given per architecture ({"mlp": [...], "transformer": [...]}), heads, threads, name, slurm \
        ({"partition", "time", "memory", "maxParallel", "options"}). The sweep directory holds plan.json, cells.tsv, \
        runs/CELL (what play scaling and play plot read), checkpoints/CELL and logs/.

        Threads: each cell runs with the plan's "threads" if it sets them, else --threads, else (locally) the cores \
        divided by -j, so that -j x threads never exceeds the cores; on Slurm, --cpus-per-task (default 1). The same \
        seed and thread count give the same run, so fix "threads" in the plan to make cells identical wherever they run.
        A stopped cell continues from its latest checkpoint (play train --resume), which restarts the games in play: \
        it is not bit-identical to an uninterrupted run.
        """)

    /// What `--emit` can write.
    enum Emit: String, ExpressibleByArgument, CaseIterable { case slurm }

    @Argument(help: "The plan: a JSON file (see the discussion below).")
    var plan: String

    @Option(name: [.customShort("j"), .customLong("jobs")], help: "Cells trained at once on this machine.")
    var jobs: Int = 1

    @Option(help: "Write a job script instead of running: 'slurm' (a job array, one task per cell) and the cell list.")
    var emit: Emit?

    @Option(help: "The sweep directory (default: sweeps/NAME, NAME the plan's name).")
    var out: String?

    @Option(help: "Run only this cell (its index in cells.tsv); what each Slurm array task runs.")
    var cell: Int?

    @Option(help: "Threads per cell (overridden by the plan's 'threads').")
    var threads: Int?

    @Flag(help: "List the cells and their status (new, resumable, restart, finished) without running anything.")
    var list = false

    @Option(help: ArgumentHelp("The play executable cells run as (default: this one).", visibility: .hidden))
    var program: String?

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("-j must be at least 1 (got \(jobs)).") }
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be between 1 and 64 (got \(threads)).") }
        if cell != nil && (emit != nil || list) { throw ValidationError("--cell runs one cell; it does not combine with --emit or --list.") }
        if let cell, cell < 0 { throw ValidationError("--cell must be at least 0 (got \(cell)).") }
        guard FileManager.default.fileExists(atPath: plan) else { throw ValidationError("no plan file '\(plan)'.") }
    }

    func run() throws {
        let planURL = URL(fileURLWithPath: plan).absoluteURL
        let planText = try Data(contentsOf: planURL)
        let plan: SweepPlan
        do { plan = try SweepPlan(json: planText, defaultName: planURL.deletingPathExtension().lastPathComponent, source: planURL.lastPathComponent) }
        catch let error as LabError { throw ValidationError(error.description) }
        let layout = SweepLayout(root: URL(fileURLWithPath: out ?? "sweeps/\(plan.name)").absoluteURL)
        let cells = plan.cells
        // The cells' `play train` arguments are checked before anything is written or run,
        // so a bad value in the plan (say "clip": 1.5) is one error naming the cell, not a
        // failure in every cell after the sweep has started. A `--cell` process (a local
        // job or a Slurm task) checks only its own; `--list` checks none.
        func check(_ cell: SweepCell) throws {
            let arguments = cell.trainArguments(plan: plan, layout: layout, threads: min(plan.threads ?? threads ?? 1, 64), resume: false)
            do { _ = try Train.parse(arguments) } catch {
                throw ValidationError("\(planURL.lastPathComponent), cell \(cell.index) (\(cell.name)): \(Train.message(for: error))")
            }
        }
        if let index = cell {
            guard index < cells.count else { throw ValidationError("--cell \(index): the plan has cells 0...\(cells.count - 1).") }
            try check(cells[index])
            try runCell(cells[index], plan: plan, layout: layout, threads: plan.threads ?? threads ?? Sweep.cores)
        } else if list {
            for cell in cells { print("\(cell.index)".padded(to: 6) + (try layout.status(of: cell)).rawValue.padded(to: 11) + cell.name) }
        } else if emit == .slurm {
            for cell in cells { try check(cell) }
            try layout.writeBookkeeping(planText: planText, plan: plan)
            let threads = plan.threads ?? threads ?? 1
            let script = SlurmScript.text(plan: plan, layout: layout, program: try executable(), threads: threads)
            try Data(script.utf8).write(to: layout.slurmScript, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: layout.slurmScript.path)
            print("wrote \(layout.slurmScript.path) (array 0-\(cells.count - 1), \(threads) CPU per task) and \(layout.cellList.path)")
            print("submit with: sbatch \(layout.slurmScript.path); then: play scaling \(layout.root.path)")
        } else {
            for cell in cells { try check(cell) }
            try layout.writeBookkeeping(planText: planText, plan: plan)
            try runLocally(cells, plan: plan, layout: layout)
        }
    }

    static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The play program the cells run as.
    func executable() throws -> String {
        if let program { return URL(fileURLWithPath: program).absoluteURL.path }
        guard let url = Bundle.main.executableURL else { throw CommandError("cannot tell where this play program is; pass --program PATH") }
        return url.path
    }

    /// Trains one cell here, unless it is finished: from scratch, or from its latest checkpoint.
    func runCell(_ cell: SweepCell, plan: SweepPlan, layout: SweepLayout, threads: Int) throws {
        let status = try layout.status(of: cell)
        switch status {
        case .finished:
            print("cell \(cell.index) (\(cell.name)) is finished; skipping")
            return
        case .restart:
            print("cell \(cell.index) (\(cell.name)) stopped before its first checkpoint; starting it again")
            try layout.clear(cell)
        case .resumable:
            print("cell \(cell.index) (\(cell.name)) continues from its latest checkpoint")
        case .new:
            print("cell \(cell.index) (\(cell.name))")
        }
        let arguments = cell.trainArguments(plan: plan, layout: layout, threads: min(threads, 64), resume: status == .resumable)
        print("play train " + arguments.joined(separator: " "))
        try Train.parse(arguments).run()
    }

    /// Runs the unfinished cells as `play sweep --cell` processes, `jobs` at a time.
    func runLocally(_ cells: [SweepCell], plan: SweepPlan, layout: SweepLayout) throws {
        let threads = plan.threads ?? self.threads ?? max(1, Sweep.cores / jobs)
        if jobs * threads > Sweep.cores {
            throw ValidationError("-j \(jobs) cells of \(threads) threads need \(jobs * threads) cores; this machine has \(Sweep.cores): lower -j"
                                  + (plan.threads == nil ? " or --threads" : " (the plan sets threads)") + ".")
        }
        let statuses = try cells.map { try layout.status(of: $0) }
        let pending = zip(cells, statuses).filter { $0.1 != .finished }.map(\.0)
        let program = try executable()
        print("sweep \(plan.name): \(cells.count) cells, \(cells.count - pending.count) finished, \(pending.count) to run, "
              + "\(jobs) at a time with \(threads) thread\(threads == 1 ? "" : "s") each; in \(layout.root.path)")
        var queue = pending[...]
        let children = CellProcesses()
        let signalSources = children.stopOnSignals()
        defer {
            signalSources.forEach { $0.cancel() }
            for number in [SIGINT, SIGTERM, SIGHUP] { _ = signal(number, SIG_DFL) }
        }
        var running: [(cell: SweepCell, process: Process, start: Date)] = []
        var failed: [(SweepCell, Int32)] = []
        var done = 0
        while !queue.isEmpty || !running.isEmpty {
            while running.count < jobs, let cell = queue.popFirst() {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: program)
                process.arguments = ["sweep", layout.plan.path, "--cell", String(cell.index), "--out", layout.root.path, "--threads", String(threads)]
                let output = layout.output(cell)
                if !FileManager.default.fileExists(atPath: output.path) && !FileManager.default.createFile(atPath: output.path, contents: nil) {
                    throw CommandError("cannot create \(output.path)")
                }
                let handle = try FileHandle(forWritingTo: output)
                defer { try? handle.close() }
                try handle.seekToEnd()
                process.standardOutput = handle
                process.standardError = handle
                try children.run(process)
                running.append((cell, process, Date()))
                print("started \(cell.index) \(cell.name) (output: \(output.path))")
                fflush(nil)
            }
            Thread.sleep(forTimeInterval: 0.2)
            for entry in running where !entry.process.isRunning {
                done += 1
                let seconds = Int(Date().timeIntervalSince(entry.start))
                if entry.process.terminationStatus == 0 && entry.process.terminationReason == .exit {
                    print("[\(done)/\(pending.count)] finished \(entry.cell.name) in \(seconds) s")
                } else {
                    failed.append((entry.cell, entry.process.terminationStatus))
                    print("[\(done)/\(pending.count)] FAILED \(entry.cell.name) (exit \(entry.process.terminationStatus)) after \(seconds) s; last lines of its output:")
                    print(Sweep.tail(of: layout.output(entry.cell), lines: 5))
                }
            }
            running.removeAll { !$0.process.isRunning }
            fflush(nil)
        }
        if !failed.isEmpty {
            throw CommandError("\(failed.count) of \(pending.count) cells failed: "
                               + failed.map { "\($0.0.name) (see \(layout.output($0.0).path))" }.joined(separator: ", ")
                               + "; run the same command again to retry them")
        }
        print("all \(cells.count) cells finished; next: play scaling \(layout.root.path)")
    }

    /// The last lines of a text file, indented.
    static func tail(of url: URL, lines: Int) -> String {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).map { "    " + $0 }.joined(separator: "\n")
    }
}

/// The cell processes of a local sweep, stopped with it. Foundation starts every child in
/// a process group of its own, so Ctrl-C in the terminal reaches only the sweep; without
/// this its cells would go on training unseen (and race a restarted sweep for their
/// directories).
final class CellProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var processes: [Process] = []
    private var stopping = false

    /// Starts `process` unless the sweep is stopping.
    func run(_ process: Process) throws {
        try lock.withLock {
            guard !stopping else { throw CommandError("the sweep was stopped") }
            try process.run()
            processes.append(process)
        }
    }

    /// Sends SIGTERM to every running cell (each keeps its latest checkpoint, written atomically).
    func terminateAll() {
        lock.withLock {
            stopping = true
            for process in processes where process.isRunning { process.terminate() }
        }
    }

    /// On SIGINT, SIGTERM or SIGHUP: stop the cells, say how to continue, exit.
    func stopOnSignals() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM, SIGHUP].map { number in
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                terminateAll()
                print("\nsweep stopped; its running cells were stopped too. Run the same command again to continue.")
                fflush(nil)
                exit(128 + number)
            }
            source.resume()
            return source
        }
    }
}

/// `play scaling DIR`: power-law fits of a sweep's runs against parameters and compute.
struct Scaling: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Fit error = E + A·N^-α against parameters and training compute for a sweep's runs; writes scaling.json.",
        discussion: """
        Every finished run under DIRECTORY is a point: its parameters (counted from its config), its training compute \
        (FLOPs per decision counted from the layer shapes, x decisions x (1 rollout forward + PPO epochs x \
        forward and backward)) and its error = 1 - mean final score over its games (two-player games against \
        --opponent, tasks: success rate). Fits are per architecture and per number of games, in log space with a \
        Huber loss, with a bootstrap 95% CI on alpha. play plot DIRECTORY draws scaling.json.
        """)

    @Argument(help: "A sweep directory (or any directory of runs).")
    var directory: String

    @Option(help: "The opponent whose final evaluation gives a two-player game's score (e.g. random, mcts-50).")
    var opponent: String = "random"

    @Option(help: "Bootstrap resamples for the interval on alpha.")
    var resamples: Int = 300

    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 0

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("'\(directory)' is not a directory; pass a sweep directory such as sweeps/NAME.")
        }
        guard resamples >= 10 else { throw ValidationError("--resamples must be at least 10 (got \(resamples)).") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: directory).absoluteURL
        let analysis: ScalingAnalysis
        do { analysis = try ScalingAnalysis(directory: url, opponent: opponent) } catch let error as LabError { throw CommandError(error.description) }
        print(analysis.report(resamples: resamples, seed: seed))
        guard !analysis.rows.isEmpty else { throw CommandError("no finished run under \(url.path) has a final evaluation; nothing to write") }
        try analysis.result.write(to: url)
        print("\nwrote \(url.appendingPathComponent(ScalingResult.fileName).path); draw it with: play plot \(url.path)")
    }
}
