import ArgumentParser
import CBLAS
import Foundation
import Games
import GameKit
import Neural

/// `play bench`: training-step and inference throughput of the network core on the
/// fixed workloads of `shared/bench/torch_workloads.py`, so the two can be compared
/// line by line. One JSON object per result on standard output.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the network core (W1 mlp, W2 transformer, W3 mlp-sweep, W4 infer, sgemm).",
        discussion: """
        Timing follows the PyTorch reference: warm-up steps, then --blocks blocks of individually \
        timed steps; a block's steps/s is 1 / median step time; reported is the median over blocks \
        with the min and max. Build with -c release for figures you quote.
        """
    )

    /// The workloads, named as in the issue.
    enum Workload: String, CaseIterable, ExpressibleByArgument {
        case mlp, transformer, mlpSweep = "mlp-sweep", infer, sgemm, games
    }

    @Option(help: "Comma-separated workloads: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")) (default: all but games).")
    var workloads: String = Workload.allCases.filter { $0 != .games }.map(\.rawValue).joined(separator: ",")

    @Option(help: "'all' or comma-separated game ids for the games workload.")
    var games: String = "all"

    @Option(help: "Timed blocks per workload (the median over blocks is reported).")
    var blocks: Int = 5

    @Option(help: "Hidden widths for mlp-sweep, comma-separated.")
    var widths: String = "64,128,256,512,1024,2048"

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard blocks >= 1 else { throw ValidationError("--blocks must be at least 1 (got \(blocks)).") }
        _ = try parsedWorkloads()
        _ = try parsedWidths()
        do { _ = try GameCatalog.registry.games(games) } catch { throw ValidationError(error.description) }
    }

    func parsedWorkloads() throws -> [Workload] {
        try workloads.split(separator: ",").map { name in
            guard let workload = Workload(rawValue: String(name)) else {
                throw ValidationError("unknown workload '\(name)'; known: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return workload
        }
    }

    func parsedWidths() throws -> [Int] {
        try widths.split(separator: ",").map { text in
            guard let width = Int(text), width >= 1 else {
                throw ValidationError("--widths takes positive integers separated by commas (got '\(text)').")
            }
            return width
        }
    }

    func run() throws {
        compute.apply()
        emit(["blas_core": .string(BLAS.coreName), "threads": .int(BLAS.threads),
              "openblas_coretype": .string(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "")])
        for workload in try parsedWorkloads() {
            switch workload {
            case .mlp: emit(trainingResult("mlp", mlpConfig(width: 256), batch: 256, dense: true))
            case .transformer: emit(trainingResult("transformer", transformerConfig(), batch: 128, dense: false))
            case .mlpSweep:
                for width in try parsedWidths() {
                    emit(trainingResult("mlp-sweep", mlpConfig(width: width), batch: 256, dense: true, extra: ["width": .int(width)]))
                }
            case .infer: emit(inferenceResult())
            case .sgemm: for size in [256, 512, 1024] { emit(sgemmResult(size: size)) }
            case .games:
                for game in try GameCatalog.registry.games(games) { emit(randomPlayoutResult(try GameCatalog.registry.entry(game.id))) }
            }
        }
    }

    // MARK: Workloads

    /// W1 / W3: 1024 dense inputs, two ReLU layers of `width`, 128 logits and a value.
    func mlpConfig(width: Int) -> ModelConfig {
        ModelConfig(architecture: .mlp, width: width, depth: 2, vocabularySize: 1, maxLength: 1,
                    denseFeatures: 1024, actionCount: 128)
    }

    /// W2: 64 tokens of a 64-symbol vocabulary, d_model 128, 4 heads, 4 pre-LN blocks with MLP 512.
    func transformerConfig() -> ModelConfig {
        ModelConfig(architecture: .transformer, width: 128, depth: 4, heads: 4, feedForwardMultiple: 4,
                    vocabularySize: 64, maxLength: 64, actionCount: 128)
    }

    /// FLOPs of one training step by the reference's convention (torch_workloads.py):
    /// 6 x (linear weights + biases) x rows, plus 12 T C L per token for attention in the transformer.
    func trainingFlops(_ config: ModelConfig, batch: Int) -> Double {
        let c = config.width, a = config.actionCount
        let heads = Double(a * c + a + c + 1)
        switch config.architecture {
        case .mlp, .conv:  // the benchmark networks are the dense MLP and the transformer
            let first = Double((config.denseFeatures ?? 0) * c + c)
            let hidden = Double((config.depth - 1) * (c * c + c))
            return 6 * (first + hidden + heads) * Double(batch)
        case .transformer:
            let f = c * config.feedForwardMultiple
            let perBlock = Double(3 * c * c + 3 * c + c * c + c + f * c + f + c * f + c)
            let tokens = Double(batch * config.maxLength)
            let linear = perBlock * Double(config.depth) + heads
            return 6 * linear * tokens + 12 * Double(config.maxLength * c * config.depth) * tokens
        }
    }

    func trainingResult(_ name: String, _ config: ModelConfig, batch: Int, dense: Bool,
                        extra: [String: JSONValue] = [:]) -> [String: JSONValue] {
        let network = PolicyValueNetwork(config: config, seed: 0)
        var rng = SeededGenerator(seed: 1)
        let input: EncoderInput = dense
            ? .dense(features: (0..<(batch * 1024)).map { _ in rng.nextGaussian() }, batch: batch)
            : .tokens(TokenBatch(tokens: (0..<(batch * 64)).map { _ in Int32.random(in: 0..<64, using: &rng) },
                                 mask: [Float](repeating: 1, count: batch * 64), batch: batch, length: 64))
        let targets = PolicyGradientTargets(
            actions: (0..<batch).map { _ in Int32.random(in: 0..<128, using: &rng) },
            advantages: (0..<batch).map { _ in rng.nextGaussian() },
            returns: (0..<batch).map { _ in rng.nextGaussian() })
        let objective = PolicyGradientObjective()
        var adam = AdamW(learningRate: 3e-4, epsilon: 1e-5)
        var loss: Float = 0
        let timing = timeBlocks(warmup: 10, steps: 50) {
            network.store.zeroGradients()
            loss = objective.lossAndGradients(network, input: input, targets: targets)
            adam.update(network.store)
        }
        let flops = trainingFlops(config, batch: batch)
        var result = timing.json(workload: name, batch: batch, flopsPerStep: flops)
        result["parameters"] = .int(network.parameterCount)
        result["final_loss"] = .double(Double(loss))
        return result.merging(extra) { a, _ in a }
    }

    /// W4: W1's network at width 64, forward only, batch 32.
    func inferenceResult() -> [String: JSONValue] {
        let config = mlpConfig(width: 64)
        let network = PolicyValueNetwork(config: config, seed: 0)
        var rng = SeededGenerator(seed: 1)
        let input = EncoderInput.dense(features: (0..<(32 * 1024)).map { _ in rng.nextGaussian() }, batch: 32)
        let timing = timeBlocks(warmup: 50, steps: 500) { network.forward(input) }
        // A forward pass is a third of a training step's 6 x params x rows.
        return timing.json(workload: "infer", batch: 32, flopsPerStep: trainingFlops(config, batch: 32) / 3)
    }

    /// Single-call sgemm, C (n, n) = A (n, n) · B (n, n)^T, the machine's ceiling for the steps above.
    func sgemmResult(size n: Int) -> [String: JSONValue] {
        var rng = SeededGenerator(seed: 2)
        let a = (0..<(n * n)).map { _ in rng.nextGaussian() }
        let b = (0..<(n * n)).map { _ in rng.nextGaussian() }
        var c = [Float](repeating: 0, count: n * n)
        let steps = max(5, Int(2e9 / (2 * Double(n * n * n))))
        let timing = timeBlocks(warmup: 2, steps: steps) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(n),
                        1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
        }
        var result = timing.json(workload: "sgemm", batch: n, flopsPerStep: 2 * Double(n * n * n))
        result["size"] = .int(n)
        return result
    }

    /// Random playouts per second of one game, single thread, on the concrete game type.
    /// A step is a batch of 100 games; games/s = 100 x steps/s.
    func randomPlayoutResult(_ entry: GameEntry) -> [String: JSONValue] {
        var moves = 0, batches = 0
        let timing = timeBlocks(warmup: 2, steps: 20) {
            moves += entry.playRandomGames(100, UInt64(batches))
            batches += 1
        }
        return ["workload": .string("games"), "game": .string(entry.id), "threads": .int(1),
                "games_per_second": .double(timing.medianStepsPerSecond * 100),
                "moves_per_game": .double(Double(moves) / Double(batches * 100))]
    }

    // MARK: Timing

    struct Timing {
        var blockStepsPerSecond: [Double]
        var bestStep: Double

        /// The median over blocks of each block's steps/s.
        var medianStepsPerSecond: Double { blockStepsPerSecond.sorted()[blockStepsPerSecond.count / 2] }

        func json(workload: String, batch: Int, flopsPerStep: Double) -> [String: JSONValue] {
            let sorted = blockStepsPerSecond.sorted()
            let median = medianStepsPerSecond
            return ["workload": .string(workload), "threads": .int(BLAS.threads), "batch": .int(batch),
                    "steps_per_second": .double(median), "steps_per_second_min": .double(sorted.first!),
                    "steps_per_second_max": .double(sorted.last!), "steps_per_second_best_single": .double(1 / bestStep),
                    "gflops": .double(flopsPerStep * median / 1e9), "gflop_per_step": .double(flopsPerStep / 1e9)]
        }
    }

    func timeBlocks(warmup: Int, steps: Int, _ body: () -> Void) -> Timing {
        for _ in 0..<warmup { body() }
        var blockRates: [Double] = []
        var best = Double.infinity
        for _ in 0..<blocks {
            var times: [Double] = []
            times.reserveCapacity(steps)
            for _ in 0..<steps {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            times.sort()
            best = min(best, times[0])
            blockRates.append(1 / times[times.count / 2])
        }
        return Timing(blockStepsPerSecond: blockRates, bestStep: best)
    }

    func emit(_ object: [String: JSONValue]) {
        print(JSONValue.object(object).text)
        fflush(nil)  // all streams: `stdout` itself is a C global Swift 6 will not touch
    }
}
