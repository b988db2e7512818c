import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An outside program we talk to line by line over its standard input and output
/// (GTP and UCI are both such protocols). Reading waits at most `timeout` seconds, so a
/// hung engine becomes an `EngineError.timedOut`, and a program that exits becomes
/// `EngineError.died` instead of a blocked read or a crash.
///
/// The program is stopped when the value goes away (or on `close()`); its standard
/// error is discarded.
public final class EngineProcess {
    /// The name in messages (`gnugo:1`).
    public let name: String
    /// Seconds to wait for a line before giving up.
    public let timeout: Double
    private let process: Process
    private let inputFD: Int32
    private let outputFD: Int32
    private let inputHandle: FileHandle
    private let outputHandle: FileHandle
    private var pending: [UInt8] = []
    /// The last lines read, for the message when the program dies.
    private var recent: [String] = []
    private var closed = false

    /// Starts `executable` with `arguments`.
    public init(executable: URL, arguments: [String], name: String, timeout: Double) throws(EngineError) {
        _ = brokenPipesAreErrors
        self.name = name
        self.timeout = timeout
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw .launchFailed(program: executable.path, reason: "\(error)") }
        inputHandle = input.fileHandleForWriting
        outputHandle = output.fileHandleForReading
        inputFD = inputHandle.fileDescriptor
        outputFD = outputHandle.fileDescriptor
    }

    deinit { close() }

    /// Whether the program is still running.
    public var isRunning: Bool { !closed && process.isRunning }

    /// Writes one line (a newline is added).
    public func send(_ line: String) throws(EngineError) {
        if closed { throw .died(engine: name, waitingFor: line, lastOutput: recent) }
        let bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(inputFD, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            // EPIPE: the program has exited (SIGPIPE is ignored, see `brokenPipesAreErrors`).
            guard count > 0 else { close(); throw .died(engine: name, waitingFor: line, lastOutput: recent) }
            written += count
        }
    }

    /// The next line the program writes, without its line ending. `waitingFor` names the
    /// command whose answer this is, for the error messages.
    public func readLine(waitingFor: String) throws(EngineError) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                var line = pending[..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                pending.removeSubrange(...newline)
                let text = String(decoding: line, as: UTF8.self)
                recent = Array((recent + [text]).suffix(5))
                return text
            }
            if closed { throw .died(engine: name, waitingFor: waitingFor, lastOutput: recent) }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                close()
                throw .timedOut(engine: name, waitingFor: waitingFor, seconds: timeout)
            }
            var poller = pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)
            // Short waits, so an exit is noticed even if an end of the pipe stays open elsewhere.
            let ready = poll(&poller, 1, Int32(min(remaining * 1000, 100).rounded(.up)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 {
                // Whatever an exited program wrote is in the pipe already, and poll saw none.
                if !process.isRunning {
                    close()
                    throw .died(engine: name, waitingFor: waitingFor, lastOutput: recent)
                }
                continue  // the deadline check above decides
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                close()
                throw .died(engine: name, waitingFor: waitingFor, lastOutput: recent)
            }
            pending += chunk[..<count]
        }
    }

    /// Reads lines until one satisfies `isLast`, and returns them all.
    public func readLines(waitingFor: String, until isLast: (String) -> Bool) throws(EngineError) -> [String] {
        var lines: [String] = []
        while true {
            let line = try readLine(waitingFor: waitingFor)
            lines.append(line)
            if isLast(line) { return lines }
        }
    }

    /// Stops the program (if it still runs) and releases the pipes. Safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        try? inputHandle.close()
        if process.isRunning {
            // A polite program exits when its input closes; a hung one is stopped.
            for _ in 0..<20 where process.isRunning { usleep(5_000) }
            if process.isRunning { process.terminate() }
            for _ in 0..<100 where process.isRunning { usleep(5_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        try? outputHandle.close()
    }
}

/// Writing to a program that has exited raises SIGPIPE, whose default action ends our
/// process. Ignoring it (once, for the whole process) turns that into an EPIPE error,
/// which `send` reports as `EngineError.died`.
private let brokenPipesAreErrors: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// Finds engine programs where Debian, Homebrew and hand installs put them.
public enum EngineLocator {
    /// The directories searched after those on PATH (Debian puts games in /usr/games,
    /// which is not on PATH for every user).
    public static let extraDirectories = ["/usr/games", "/usr/local/games", "/usr/local/bin", "/opt/homebrew/bin"]

    /// The path of `program` (a bare name, or a path used as it is); `install` says how to
    /// get it, for the error when it is missing.
    public static func find(_ program: String, install: String) throws(EngineError) -> URL {
        let files = FileManager.default
        if program.contains("/") {
            guard files.isExecutableFile(atPath: program) else { throw .notInstalled(program: program, install: install) }
            return URL(fileURLWithPath: program)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + extraDirectories
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + program
            if files.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw .notInstalled(program: program, install: install)
    }
}
