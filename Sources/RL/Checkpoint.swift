import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Neural

/// Everything a resumed run needs, in one file:
///
///     magic "MGLCHECK" | version u32
///     header length u64 | header JSON (config, counters, generator states, optimizer, opponent)
///     network length u64 | the ParameterStore's own binary form (parameters, Adam moments, layout, checksum)
///     pool count u32 | per snapshot: float count u64, Float32 x count
///     checksum u64: FNV-1a (64-bit) of every byte before it
///
/// Checkpoints are taken at update boundaries where the trainer also restarts every game
/// in play (`Trainer.runUpdate`), so a run resumed from one continues exactly as the
/// uninterrupted run does. Files are written atomically: a temporary file beside the
/// target, flushed to disk, then renamed over it, so a crash leaves the old file or the new.
public struct Checkpoint: Sendable {
    public static let magic: [UInt8] = Array("MGLCHECK".utf8)
    public static let formatVersion: UInt32 = 1

    public struct Header: Codable, Sendable, Hashable {
        public var config: TrainingConfig
        public var updates: Int
        public var decisions: Int
        public var gamesFinished: Int
        /// Training time already spent (a resumed `--minutes` run gets the rest).
        public var elapsedSeconds: Double
        public var trainerGenerator: SeededGenerator
        public var rolloutGenerator: SeededGenerator
        public var optimizer: AdamW
        /// Which pool snapshot plays the pool's side of the coming games.
        public var opponent: Int?
        /// The rollouts' running means of decisions per game (`SelfPlayRollouts.decisionsPerGame`);
        /// nil in checkpoints written before games were sampled by them.
        public var decisionsPerGame: [Double]?
        /// How many games of each game those means count (at most 16).
        public var endedPerGame: [Int]?
        /// The update's running advantage variances per game (`PolicyGradientUpdate.advantageVariances`);
        /// nil before the first update, with `AdvantageScaling.batch`, and in older checkpoints.
        public var advantageVariances: [Double]?
        /// A weights-only checkpoint (`weightsOnly()`): for playing and analysis, not for resuming.
        public var weightsOnly: Bool?
        /// Self-imitation's kept moves (`Trainer.successReplay`); nil when it is off.
        public var successReplay: SuccessReplay?
        /// The tasks' backplay schedule (`SelfPlayRollouts.backplay`); nil when it is off.
        public var backplay: Backplay?
    }

    /// This checkpoint without the Adam moments and the opponent pool: the network alone,
    /// 1/(3 + pool size) of the size, for playing, evaluating, analysing and committing.
    public func weightsOnly(of network: ParameterStore) -> Checkpoint {
        var header = self.header
        header.weightsOnly = true
        header.opponent = nil
        header.successReplay = nil
        header.backplay = nil
        return Checkpoint(header: header, network: network.serialized(weightsOnly: true), pool: [])
    }

    public var header: Header
    /// `ParameterStore.serialized()` of the network.
    public var network: [UInt8]
    /// The opponent pool, oldest first.
    public var pool: [[Float]]

    public var bytes: [UInt8] {
        var out = ByteWriter()
        out.bytes(Self.magic)
        out.u32(Self.formatVersion)
        let json = (try? JSONEncoder().encode(header)).map(Array.init) ?? []
        out.u64(UInt64(json.count))
        out.bytes(json)
        out.u64(UInt64(network.count))
        out.bytes(network)
        out.u32(UInt32(pool.count))
        for snapshot in pool {
            out.u64(UInt64(snapshot.count))
            for value in snapshot { out.u32(value.bitPattern) }
        }
        out.u64(fnv1a64(out.data))
        return out.data
    }

    /// Reads a checkpoint, checking its magic, version and checksum first.
    public init(bytes: [UInt8]) throws(CheckpointError) {
        guard bytes.count >= Self.magic.count + 12 else { throw .truncated }
        guard Array(bytes[0..<Self.magic.count]) == Self.magic else { throw .notACheckpoint }
        var tail = ByteReader(bytes[(bytes.count - 8)...])
        let body = bytes[0..<(bytes.count - 8)]
        var reader = ByteReader(body)
        _ = reader.take(Self.magic.count)
        guard let version = reader.u32() else { throw .truncated }
        guard version == Self.formatVersion else { throw .unsupportedVersion(found: version, supported: Self.formatVersion) }
        guard let stored = tail.u64(), stored == fnv1a64(body) else { throw .checksumMismatch }
        guard let headerLength = reader.u64(), let json = reader.take(Int(clamping: headerLength)) else { throw .truncated }
        do { header = try JSONDecoder().decode(Header.self, from: Data(json)) } catch { throw .badHeader("\(error)") }
        guard let networkLength = reader.u64(), let network = reader.take(Int(clamping: networkLength)) else { throw .truncated }
        self.network = Array(network)
        guard let poolCount = reader.u32() else { throw .truncated }
        var pool: [[Float]] = []
        for _ in 0..<poolCount {
            guard let count = reader.u64(), let raw = reader.take(Int(clamping: count) * 4) else { throw .truncated }
            var snapshot = [Float](repeating: 0, count: Int(count))
            var floats = ByteReader(raw)
            for i in 0..<Int(count) { snapshot[i] = Float(bitPattern: floats.u32()!) }
            pool.append(snapshot)
        }
        self.pool = pool
        guard reader.position == body.endIndex else { throw .badHeader("unexpected bytes after the pool") }
    }

    public init(header: Header, network: [UInt8], pool: [[Float]]) {
        self.header = header
        self.network = network
        self.pool = pool
    }

    /// Writes the checkpoint atomically (temporary file, fsync, rename).
    public func write(to url: URL) throws(CheckpointError) {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw CheckpointError.io("cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
            try handle.close()
            // rename(2) replaces the target atomically (Foundation's replaceItemAt does not
            // on Linux: it failed here and left no file).
            guard rename(temporary.path, url.path) == 0 else {
                throw CheckpointError.io("cannot rename \(temporary.path) to \(url.path): errno \(errno)")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .io("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Reads the checkpoint at `url`.
    public static func read(from url: URL) throws(CheckpointError) -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .io("no checkpoint at \(url.path)")
        }
        do { return try Checkpoint(bytes: Array(data)) } catch { throw error.at(url.path) }
    }
}

/// A checkpoint that cannot be used; the description says why and what to do.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case truncated, notACheckpoint, checksumMismatch
    case unsupportedVersion(found: UInt32, supported: UInt32)
    case badHeader(String)
    case mismatch(String)
    case io(String)
    indirect case file(String, CheckpointError)

    func at(_ path: String) -> CheckpointError { .file(path, self) }

    public var description: String {
        switch self {
        case .truncated: "the checkpoint is truncated (an interrupted copy?); use an earlier one"
        case .notACheckpoint: "this is not a lab checkpoint (it does not start with MGLCHECK)"
        case .checksumMismatch: "the checkpoint is damaged (its checksum does not match); use an earlier one"
        case let .unsupportedVersion(found, supported): "checkpoint format version \(found); this build reads version \(supported)"
        case .badHeader(let why): "the checkpoint's header cannot be read: \(why)"
        case .mismatch(let why): "the checkpoint does not fit: \(why)"
        case .io(let why): why
        case let .file(path, error): "\(path): \(error.description)"
        }
    }
}

extension TextPolicyNetwork {
    /// The network saved in `checkpoint`, ready to play (its training config tells how it
    /// reads observations, e.g. without the id line).
    public static func load(from checkpoint: Checkpoint) throws(CheckpointError) -> TextPolicyNetwork {
        let config = checkpoint.header.config
        if let problem = config.model.problem { throw .badHeader(problem) }
        let network = TextPolicyNetwork(config: config.model, seed: 0)
        do { try network.store.restore(serialized: checkpoint.network) } catch { throw .mismatch(error.description) }
        return network
    }
}
