import Testing
@testable import Neural

/// Whole-network checks: gradients of both families against finite differences,
/// parameter counts against hand formulas, determinism, and fitting a fixed mapping.
@Suite struct ModelTests {
    static let tinyMLP = ModelConfig(architecture: .mlp, width: 8, depth: 2, vocabularySize: 5, maxLength: 4, actionCount: 3)
    static let tinyDenseMLP = ModelConfig(architecture: .mlp, width: 8, depth: 3, vocabularySize: 1, maxLength: 1,
                                          denseFeatures: 6, actionCount: 4)
    /// The conv family on a 2 x 2 grid: positions 0 ... 3 are lines 0 and 1.
    static let tinyConv = ModelConfig(architecture: .conv, width: 8, depth: 2, vocabularySize: 5, maxLength: 4, actionCount: 3,
                                      gridColumns: 2)
    /// The MLP with a game gate (`GameGate` reads each sequence's first run of consecutive
    /// positions: its first line).
    static let tinyGated: ModelConfig = {
        var config = ModelConfig(architecture: .mlp, width: 8, depth: 2, vocabularySize: 5, maxLength: 6, actionCount: 3)
        config.gameGate = true
        return config
    }()
    /// The MLP with two glimpse heads on a 3 x 4 grid (positions 0 ... 11: lines of 4).
    static let tinyGlimpses: ModelConfig = {
        var config = ModelConfig(architecture: .mlp, width: 8, depth: 2, vocabularySize: 5, maxLength: 12, actionCount: 3, gridColumns: 4)
        config.glimpses = 2
        return config
    }()
    /// The same with a 5x5 window.
    static let tinyWideGlimpses: ModelConfig = {
        var config = tinyGlimpses
        config.glimpseRadius = 2
        return config
    }()
    static let tinyTransformer = ModelConfig(architecture: .transformer, width: 8, depth: 2, heads: 2, feedForwardMultiple: 2,
                                             vocabularySize: 5, maxLength: 4, actionCount: 3)

    /// Sequences of different lengths, so padding and masks are exercised.
    static let sequences: [[Int32]] = [[1, 2, 3], [4, 0, 1, 2], [2], [3, 3]]

    static func input(for config: ModelConfig) -> EncoderInput {
        if let f = config.denseFeatures {
            // Seed 40 puts one ReLU pre-activation within 1e-3 of its kink, where a central
            // difference with step 1e-3 is not the derivative (it passes with step 1e-4).
            return .dense(features: valuesAwayFromZero(sequences.count * f, seed: 41), batch: sequences.count)
        }
        if config.hasGameGate {
            // Lines of two: positions 0 1, then 4 5. Three sequences share their first line
            // (1 2, "the id line"), so the gate's gradient sums over sequences; one has its own.
            let gated: [[Int32]] = [[1, 2, 3], [1, 2, 4, 4], [3, 0, 1], [1, 2, 0]]
            let positions = gated.map { $0.indices.map { Int32($0 < 2 ? $0 : $0 + 2) } }
            return .tokens(TokenBatch(sequences: gated, positions: positions, length: config.maxLength))
        }
        if config.glimpseCount > 0 {
            // Characters with neighbours in every direction, a gap in a line, a character
            // that occurs more than once, and one example with a single cell.
            let grids: [[Int32]] = [[1, 2, 3, 1, 4], [2, 2, 3, 0], [3], [4, 1, 1, 2, 3, 3, 0]]
            let positions: [[Int32]] = [[0, 1, 2, 5, 6], [1, 4, 5, 10], [6], [0, 1, 2, 3, 5, 9, 11]]
            return .tokens(TokenBatch(sequences: grids, positions: positions, length: 7))
        }
        return .tokens(TokenBatch(sequences: sequences, length: config.maxLength))
    }

    static func targets(for config: ModelConfig) -> PolicyGradientTargets {
        PolicyGradientTargets(actions: (0..<sequences.count).map { Int32($0 % config.actionCount) },
                              advantages: [0.9, -0.6, 1.3, -0.4], returns: [0.5, -1.0, 0.2, 0.8])
    }

    @Test(arguments: [tinyMLP, tinyDenseMLP, tinyConv, tinyGated, tinyGlimpses, tinyWideGlimpses, tinyTransformer])
    func wholeNetworkGradient(config: ModelConfig) {
        let network = PolicyValueNetwork(config: config, seed: 7)
        // A larger policy head than the default init makes every gradient term visible. The
        // gated network gets larger weights everywhere: its gate starts near 1, and its
        // default-size weights leave most gradients below the check's tolerance.
        let enlarged = config.hasGameGate || config.glimpseCount > 0 ? network.store.views.map(\.name).filter { $0.hasSuffix("weight") } : ["policy.weight"]
        for name in enlarged {
            guard let view = network.store.view(named: name) else { continue }
            let values = randomValues(view.count, seed: 8, scale: 0.5)
            for i in 0..<view.count { network.store.parameters[view.offset + i] = values[i] }
        }
        let objective = PolicyGradientObjective(valueCoefficient: 0.5, entropyCoefficient: 0.05)
        let input = Self.input(for: config), targets = Self.targets(for: config)
        network.store.zeroGradients()
        objective.lossAndGradients(network, input: input, targets: targets)
        let analytic = network.store.snapshot(.gradients)
        func loss() -> Double {
            // A fresh gradient buffer each time so the check's own forward passes leave no trace.
            network.store.zeroGradients()
            return Double(objective.lossAndGradients(network, input: input, targets: targets))
        }
        var rng = SeededGenerator(seed: 9)
        var significant = 0, picked = 0
        for view in network.store.views {
            // Up to 6 elements of every tensor, chosen at random among those with a gradient
            // (rows of an embedding that the batch never reads have none, rightly).
            let touched = (view.offset..<(view.offset + view.count)).filter { analytic[$0] != 0 }
            let picks = (0..<min(6, touched.count)).map { _ in touched[Int(rng.next() % UInt64(touched.count))] }
            checkGradient(view.name, values: network.store.parameters, analytic: analytic, indices: picks, step: 1e-3, loss: loss)
            picked += picks.count
            significant += picks.filter { abs(analytic[$0]) > 1e-2 }.count
            // Every tensor gets some gradient from this batch.
            #expect(!touched.isEmpty, "no gradient reached \(view.name)")
        }
        // The check is only meaningful if many picks are well above the absolute tolerance (1e-3).
        #expect(significant * 3 >= picked, "only \(significant) of \(picked) checked gradients exceed 1e-2")
    }

    @Test func oneObjectiveServesNetworksWithDifferentActionCounts() {
        // Same batch size, different action counts: the objective must rebuild its groups.
        var wide = Self.tinyMLP
        wide.actionCount = 7
        let objective = PolicyGradientObjective()
        let input = Self.input(for: wide), targets = Self.targets(for: Self.tinyMLP)
        let narrowNetwork = PolicyValueNetwork(config: Self.tinyMLP, seed: 1)
        let wideNetwork = PolicyValueNetwork(config: wide, seed: 1)
        objective.lossAndGradients(wideNetwork, input: input, targets: targets)
        let reused = objective.lossAndGradients(narrowNetwork, input: input, targets: targets)
        let fresh = PolicyGradientObjective().lossAndGradients(PolicyValueNetwork(config: Self.tinyMLP, seed: 1),
                                                                input: input, targets: targets)
        #expect(reused == fresh)
    }

    @Test func mlpParameterCountMatchesFormula() {
        let (t, v, h, d, a) = (16, 96, 64, 3, 10)
        let e = 8  // the default token embedding width at width 64: 64 / 8
        let config = ModelConfig(architecture: .mlp, width: h, depth: d, vocabularySize: v, maxLength: t, actionCount: a)
        #expect(config.embeddingWidth == e)
        let expected = v * e + t * e * h + h + (d - 1) * (h * h + h) + (a * h + a) + (h + 1)
        #expect(PolicyValueNetwork(config: config, seed: 0).parameterCount == expected)
    }

    /// The gate a state gets is the one its first line gives (`gameGates(firstLine:)`): the
    /// same for states that share the line, whatever follows it.
    @Test func theGateOfAStateIsTheGateOfItsFirstLine() throws {
        var layout = ParameterLayout()
        let encoder = MLPEncoder(config: Self.tinyGated, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 3)
        for l in 1...2 {
            let view = try #require(store.view(named: "gate.layer\(l).weight"))
            let values = randomValues(view.count, seed: UInt64(l), scale: 0.5)
            for i in 0..<view.count { store.parameters[view.offset + i] = values[i] }
        }
        guard case .tokens(let batch) = Self.input(for: Self.tinyGated) else { Issue.record("a token batch"); return }
        _ = encoder.forward(.tokens(batch), store: store)
        let gate = try #require(encoder.gameGate)
        let firstLines: [[Int32]] = [[1, 2], [1, 2], [3, 0], [1, 2]]  // positions 0 and 1 of each sequence
        for (s, line) in firstLines.enumerated() {
            let expected = try #require(encoder.gameGates(firstLine: line, store: store))
            // The same values up to rounding (a batch's gates come from one matrix product).
            for l in 0..<2 {
                #expect(zip(gate.gate(layer: l, sequence: s), expected[l]).allSatisfy { abs($0 - $1) < 1e-6 }, "sequence \(s), layer \(l + 1)")
            }
        }
        #expect(gate.contextCount == 2, "two distinct first lines")
        #expect(gate.gate(layer: 0, sequence: 0) != gate.gate(layer: 0, sequence: 2))
    }

    @Test func gatedParameterCountIsTheMLPsPlusTheGate() {
        let (t, v, h, d) = (32, 96, 64, 3)
        let e = 8  // width 64 / 8
        let mlp = ModelConfig(architecture: .mlp, width: h, depth: d, vocabularySize: v, maxLength: t, actionCount: 10)
        var gated = mlp
        gated.gameGate = true
        // E' (V, D), and per layer P (16 D, H) and a bias (H).
        let gate = v * e + d * (GameGate.columns * e * h + h)
        #expect(PolicyValueNetwork(config: gated, seed: 0).parameterCount == PolicyValueNetwork(config: mlp, seed: 0).parameterCount + gate)
        gated.architecture = .transformer
        gated.heads = 4
        #expect(gated.problem?.contains("game gate") == true, "a Transformer with a game gate is refused: \(gated.problem ?? "nil")")
        gated.gameGate = false
        #expect(gated.problem == nil)
    }

    /// A head whose saliency favours one character reads that character's place and the
    /// characters around it, the same window wherever the character stands.
    @Test func aGlimpseReadsThePlaceAndWindowOfItsCharacter() throws {
        var config = Self.tinyGlimpses
        config.glimpses = 1
        var layout = ParameterLayout()
        let encoder = MLPEncoder(config: config, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 5)
        let saliency = try #require(store.view(named: "glimpse.saliency"))
        for token in 0..<5 { store.parameters[saliency.offset + token] = token == 3 ? 5 : 0 }  // head 0 looks for 3
        // 4 1 . .      . . . .
        // 1 3 2 .      . 4 1 .
        // . . . .      . 1 3 2     (columns 0-3; '.' is no character)
        let grids: [[Int32]] = [[4, 1, 1, 3, 2], [4, 1, 1, 3, 2]]
        let positions: [[Int32]] = [[0, 1, 4, 5, 6], [5, 6, 9, 10, 11]]
        _ = encoder.forward(.tokens(TokenBatch(sequences: grids, positions: positions, length: 5)), store: store)
        let glimpses = try #require(encoder.glimpses)
        let table = try #require(store.view(named: "glimpse.token_embedding"))
        let d = glimpses.channels
        func row(_ token: Int32?) -> [Float] {
            token.map { t in (0..<d).map { store.parameters[table.offset + Int(t) * d + $0] } } ?? [Float](repeating: 0, count: d)
        }
        let expectedWindow = [4, 1, nil, 1, 3, 2, nil, nil, nil].flatMap { row($0) }
        for (example, place) in [(0, (1, 1)), (1, (2, 2))] {
            let features = glimpses.features(example: example)
            // The other characters keep a weight of about exp(-20) each.
            #expect(abs(features[0] - Float(place.0) / 8) < 1e-6 && abs(features[1] - Float(place.1) / 8) < 1e-6, "place of example \(example)")
            #expect(zip(features.dropFirst(2), expectedWindow).allSatisfy { abs($0 - $1) < 1e-5 }, "window of example \(example)")
        }
        // Two characters that occur once and twice share a head's weight as characters.
        store.parameters[saliency.offset + 3] = 0
        _ = encoder.forward(.tokens(TokenBatch(sequences: grids, positions: positions, length: 5)), store: store)
        let weights = glimpses.attention(example: 0)
        #expect(weights.map(\.token) == [4, 1, 3, 2])
        #expect(weights.allSatisfy { abs($0.weights[0] - 0.25) < 1e-6 }, "equal saliency: each character a quarter")
    }

    /// With radius 2 the window is 5x5: the character's cell and everything up to two cells
    /// away, rows outside the grid (3 x 4 here) and cells without a character empty.
    @Test func aGlimpseOfRadiusTwoReadsAFiveByFiveWindow() throws {
        var config = Self.tinyGlimpses
        config.glimpses = 1
        config.glimpseRadius = 2
        var layout = ParameterLayout()
        let encoder = MLPEncoder(config: config, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 6)
        let saliency = try #require(store.view(named: "glimpse.saliency"))
        for token in 0..<5 { store.parameters[saliency.offset + token] = token == 3 ? 5 : 0 }
        let tokens: [Int32] = [4, 1, 2, 3, 2, 0, 1], cells: [Int32] = [0, 1, 3, 5, 6, 8, 11]
        _ = encoder.forward(.tokens(TokenBatch(sequences: [tokens], positions: [cells], length: tokens.count)), store: store)
        let glimpses = try #require(encoder.glimpses)
        let table = try #require(store.view(named: "glimpse.token_embedding"))
        let d = glimpses.channels
        // The window, written out by hand from the grid: line 0 "41.2", line 1 ".32.", line 2 "0..1";
        // the 3 stands at line 1, column 1.
        let window: [Int32?] = [nil, nil, nil, nil, nil,
                                nil, 4, 1, nil, 2,
                                nil, nil, 3, 2, nil,
                                nil, 0, nil, nil, 1,
                                nil, nil, nil, nil, nil]
        let expected = window.flatMap { token in
            token.map { t in (0..<d).map { store.parameters[table.offset + Int(t) * d + $0] } } ?? [Float](repeating: 0, count: d)
        }
        let features = glimpses.features(example: 0)
        #expect(features.count == 2 + 25 * d)
        #expect(abs(features[0] - 1.0 / 8) < 1e-6 && abs(features[1] - 1.0 / 8) < 1e-6)
        #expect(zip(features.dropFirst(2), expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func glimpseParameterCountAndRefusals() {
        let (t, v, h, k) = (32, 96, 64, 3)
        let e = 8  // width 64 / 8
        let mlp = ModelConfig(architecture: .mlp, width: h, depth: 2, vocabularySize: v, maxLength: t, actionCount: 10, gridColumns: 16)
        var glimpsed = mlp
        glimpsed.glimpses = k
        // E'' (V, D'' = min(8, D)), the saliency (V, K) and the projection of K (2 + 9 D'') features.
        let added = v * e + v * k + k * (2 + 9 * e) * h
        #expect(PolicyValueNetwork(config: glimpsed, seed: 0).parameterCount == PolicyValueNetwork(config: mlp, seed: 0).parameterCount + added)
        var withoutGrid = glimpsed
        withoutGrid.gridColumns = nil
        #expect(withoutGrid.problem?.contains("grid columns") == true, "\(withoutGrid.problem ?? "nil")")
        var transformer = glimpsed
        transformer.architecture = .transformer
        #expect(transformer.problem?.contains("glimpses") == true, "\(transformer.problem ?? "nil")")
        var wide = glimpsed
        wide.glimpseRadius = 2
        #expect(PolicyValueNetwork(config: wide, seed: 0).parameterCount
                == PolicyValueNetwork(config: mlp, seed: 0).parameterCount + v * e + v * k + k * (2 + 25 * e) * h)
        wide.glimpseRadius = 4
        #expect(wide.problem?.contains("radius must be 1 to 3") == true)
        glimpsed.glimpses = -1
        #expect(glimpsed.problem != nil)
    }

    @Test func convParameterCountIsTheMLPsPlusTheConvolutionalPath() {
        let (t, v, h, d, a) = (16, 96, 64, 3, 10)
        let e = 8
        let mlp = ModelConfig(architecture: .mlp, width: h, depth: d, vocabularySize: v, maxLength: t, actionCount: a)
        var conv = mlp
        conv.architecture = .conv
        conv.gridColumns = 4
        // Its own character embedding (V, D), two 3x3 layers (9D, D) + D, the pooled
        // projection (2D, H).
        let path = v * e + 2 * (9 * e * e + e) + 2 * e * h
        #expect(PolicyValueNetwork(config: conv, seed: 0).parameterCount == PolicyValueNetwork(config: mlp, seed: 0).parameterCount + path)
        conv.gridColumns = nil
        #expect(conv.problem != nil, "the conv family without grid columns is refused")
    }

    @Test func transformerParameterCountMatchesFormula() {
        let (t, v, c, d, f, a) = (16, 96, 32, 2, 128, 10)
        let config = ModelConfig(architecture: .transformer, width: c, depth: d, heads: 4, feedForwardMultiple: f / c,
                                 vocabularySize: v, maxLength: t, actionCount: a)
        let block = 2 * c + (3 * c * c + 3 * c) + (c * c + c) + 2 * c + (f * c + f) + (c * f + c)
        let expected = v * c + t * c + d * block + 2 * c + (a * c + a) + (c + 1)
        #expect(PolicyValueNetwork(config: config, seed: 0).parameterCount == expected)
    }

    /// The MLP computes each distinct (position, token) pair's first-layer vector once per
    /// batch. A batch whose sequences share pairs (the same token at the same position
    /// id) must give each sequence the outputs it gets alone, and the sum of the
    /// gradients the sequences give alone.
    @Test func mlpSharesRepeatedPositionTokenPairsExactlyAsSeparateSequences() {
        let config = ModelConfig(architecture: .mlp, width: 8, depth: 2, vocabularySize: 5, maxLength: 6, actionCount: 3)
        let sequences: [[Int32]] = [[1, 2, 3], [1, 2, 4, 0], [3, 2], [1, 2, 3]]
        let positions: [[Int32]] = [[0, 1, 5], [0, 1, 2, 3], [5, 1], [0, 1, 5]]
        var layout = ParameterLayout()
        let encoder = MLPEncoder(config: config, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 5)
        let upstream = randomValues(sequences.count * config.width, seed: 6, scale: 1)

        let batch = TokenBatch(sequences: sequences, positions: positions, length: 4)
        store.zeroGradients()
        let together = Array(UnsafeBufferPointer(start: encoder.forward(.tokens(batch), store: store), count: sequences.count * config.width))
        encoder.backward(dout: upstream, store: store)
        let batchGradients = store.snapshot(.gradients)

        store.zeroGradients()
        for s in sequences.indices {
            let one = TokenBatch(sequences: [sequences[s]], positions: [positions[s]], length: sequences[s].count)
            let alone = encoder.forward(.tokens(one), store: store)
            for j in 0..<config.width {
                #expect(abs(alone[j] - together[s * config.width + j]) <= 1e-5, "sequence \(s) unit \(j)")
            }
            Array(upstream[(s * config.width)..<((s + 1) * config.width)]).withUnsafeBufferPointer {
                encoder.backward(dout: $0.baseAddress!, store: store)
            }
        }
        let summed = store.snapshot(.gradients)
        #expect(summed.contains { $0 != 0 })
        for i in summed.indices { #expect(abs(summed[i] - batchGradients[i]) <= 1e-4, "gradient \(i)") }
    }

    /// The first layer sums each distinct run of consecutive positions once (a text line).
    /// Boards made of a few repeated lines, lines longer than a run (16), gaps between
    /// positions and lines that repeat at other places: each sequence's first layer must
    /// be relu(b0 + sum over its tokens of E[token] W0[position]), computed here by hand,
    /// and the batch's gradient the sum of its sequences' gradients.
    @Test func mlpFirstLayerOverRepeatedRunsMatchesTheTokenSum() {
        let (v, e, h, columns) = (6, 4, 8, 20)
        let config = ModelConfig(architecture: .mlp, width: h, depth: 1, vocabularySize: v, maxLength: 5 * columns, actionCount: 3)
        #expect(config.embeddingWidth == e)
        var layout = ParameterLayout()
        let encoder = MLPEncoder(config: config, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 11)
        var rng = SeededGenerator(seed: 12)
        let lines: [[Int32]] = (0..<4).map { _ in (0..<(3 + Int(rng.next() % 17))).map { _ in Int32(rng.next() % UInt64(v)) } }
        var sequences: [[Int32]] = [], positions: [[Int32]] = []
        for _ in 0..<40 {
            var tokens: [Int32] = [], places: [Int32] = []
            for line in 0..<5 where rng.next() % 4 != 0 {
                let text = lines[Int(rng.next() % 4)], start = Int(rng.next() % 2)
                for (column, token) in text.enumerated() where column + start < columns {
                    tokens.append(token)
                    places.append(Int32(line * columns + column + start))
                }
            }
            if tokens.isEmpty { tokens = [1]; places = [0] }
            sequences.append(tokens)
            positions.append(places)
        }
        let batch = TokenBatch(sequences: sequences, positions: positions, length: sequences.map(\.count).max()!)
        let upstream = randomValues(sequences.count * h, seed: 13, scale: 1)
        store.zeroGradients()
        let out = Array(UnsafeBufferPointer(start: encoder.forward(.tokens(batch), store: store), count: sequences.count * h))
        encoder.backward(dout: upstream, store: store)
        let batchGradients = store.snapshot(.gradients)

        let p = store.parameters
        let table = p + store.view(named: "mlp.token_embedding")!.offset
        let weight = p + store.view(named: "mlp.input.weight")!.offset, bias = p + store.view(named: "mlp.input.bias")!.offset
        for s in sequences.indices {
            for j in 0..<h {
                var pre = Double(bias[j])
                for (token, position) in zip(sequences[s], positions[s]) {
                    for k in 0..<e { pre += Double(table[Int(token) * e + k]) * Double(weight[(Int(position) * e + k) * h + j]) }
                }
                #expect(abs(Double(out[s * h + j]) - max(pre, 0)) <= 1e-5, "sequence \(s) unit \(j)")
            }
        }
        store.zeroGradients()
        for s in sequences.indices {
            let one = TokenBatch(sequences: [sequences[s]], positions: [positions[s]], length: sequences[s].count)
            _ = encoder.forward(.tokens(one), store: store)
            Array(upstream[(s * h)..<((s + 1) * h)]).withUnsafeBufferPointer { encoder.backward(dout: $0.baseAddress!, store: store) }
        }
        let summed = store.snapshot(.gradients)
        #expect(summed.contains { $0 != 0 })
        for i in summed.indices { #expect(abs(summed[i] - batchGradients[i]) <= 1e-4, "gradient \(i)") }
    }

    /// Runs split at gaps in position and after 16 tokens; a run seen before gets the
    /// index it got then, a run that is a prefix of another its own.
    @Test func runCollectorSplitsAndDeduplicatesRuns() {
        var collector = RunCollector(pairs: [9, 9], starts: [0, 7], table: RunTable(), occurrences: [4])
        for (pair, position) in [(1, 0), (2, 1), (3, 2), (1, 16), (2, 17), (1, 32), (2, 33), (3, 34)] {
            collector.add(pair: Int32(pair), at: position)
        }
        collector.closeRun()
        for i in 0..<20 { collector.add(pair: Int32(10 + i), at: 40 + i) }
        collector.closeRun()
        collector.add(pair: 1, at: 70)
        collector.add(pair: 2, at: 71)
        collector.closeRun()
        #expect(collector.occurrences == [0, 1, 0, 2, 3, 1])
        #expect(collector.starts == [0, 3, 5, 21, 25])
        #expect(collector.pairs == [1, 2, 3, 1, 2] + (10..<30).map { Int32($0) })
    }

    /// Runs that share a hash are told apart by the caller's comparison.
    @Test func runTableTellsApartRunsWithTheSameHash() {
        var table = RunTable()
        for index in 0..<3000 { table.insert(Int32(index), hash: UInt64(index % 7)) }
        #expect(table.find(2) { $0 == 2998 } == 2998)
        #expect(table.find(3) { $0 == 2998 } == nil, "2998 was stored under hash 2, not 3")
        #expect(table.find(3) { $0 == 2999 } == 2999)
        table.removeAll()
        #expect(table.find(4) { _ in true } == nil)
        table.insert(5, hash: 4)
        #expect(table.find(4) { _ in true } == 5)
    }

    @Test(arguments: Architecture.allCases)
    func familiesSpanTenToTheFourToTenToTheSeven(architecture: Architecture) {
        // The lab's scaling range: a small and a large setting of the same family, with the
        // lab's vocabulary (97 tokens) and position grid (16 x 16 = 256).
        let small = ModelConfig(architecture: architecture, width: 16, depth: 1, heads: 2, vocabularySize: 97, maxLength: 256, actionCount: 8,
                                gridColumns: 16)
        let large = ModelConfig(architecture: architecture, width: architecture == .transformer ? 512 : 1536,
                                depth: architecture == .transformer ? 3 : 4, heads: 8, vocabularySize: 97, maxLength: 256, actionCount: 8,
                                gridColumns: 16)
        let smallCount = PolicyValueNetwork(config: small, seed: 0).parameterCount
        let largeCount = PolicyValueNetwork(config: large, seed: 0).parameterCount
        #expect(smallCount <= 20_000, "smallest \(architecture) has \(smallCount) parameters")
        #expect(largeCount >= 9_000_000, "largest \(architecture) has \(largeCount) parameters")
    }

    @Test(arguments: [tinyMLP, tinyConv, tinyTransformer])
    func sameSeedGivesBitIdenticalTraining(config: ModelConfig) {
        func train(seed: UInt64) -> [Float] {
            let network = PolicyValueNetwork(config: config, seed: seed)
            let objective = PolicyGradientObjective()
            var adam = AdamW(learningRate: 1e-2)
            for _ in 0..<5 {
                network.store.zeroGradients()
                objective.lossAndGradients(network, input: Self.input(for: config), targets: Self.targets(for: config))
                adam.update(network.store)
            }
            return network.store.snapshot()
        }
        let first = train(seed: 3), second = train(seed: 3), other = train(seed: 4)
        #expect(first.map(\.bitPattern) == second.map(\.bitPattern))
        #expect(first != other)
    }

    @Test(arguments: [tinyMLP, tinyConv, tinyTransformer])
    func fitsAFixedMapping(config: ModelConfig) {
        // Each sequence has one right action and one value. With advantage 1 and no
        // entropy term the policy loss is the cross-entropy of the right action.
        let network = PolicyValueNetwork(config: config, seed: 11)
        let objective = PolicyGradientObjective(valueCoefficient: 1, entropyCoefficient: 0)
        let input = Self.input(for: config)
        let targets = PolicyGradientTargets(actions: [2, 0, 1, 2], advantages: [1, 1, 1, 1], returns: [0.5, -0.25, 1, -1])
        var adam = AdamW(learningRate: 1e-2)
        var loss: Float = .infinity
        for _ in 0..<400 {
            network.store.zeroGradients()
            loss = objective.lossAndGradients(network, input: input, targets: targets)
            adam.update(network.store)
        }
        #expect(loss < 0.02, "\(config.architecture) ended at loss \(loss)")
        let out = network.forward(input)
        for s in 0..<4 {
            let logits = (0..<3).map { out.logits[s * 3 + $0] }
            #expect(logits.firstIndex(of: logits.max()!) == Int(targets.actions[s]))
            #expect(abs(out.values[s] - targets.returns[s]) < 0.05)
        }
    }

    /// What the conv family (and a glimpse) is for: a pattern learned in some places is recognised in others.
    /// Boards of 4 lines x 8 columns of '.' (token 0) hold one 'a' (1) and one 'b' (2); the
    /// label is whether 'b' sits right of 'a'. Trained with 'a' in columns 0-3 only, tested
    /// with 'a' in columns 4-6, where the MLP's position-specific first layer has seen no
    /// 'a'. (Measured with these seeds: conv 0.955 of the held-out boards right, MLP 0.44,
    /// the MLP with one glimpse head 0.765, chance 0.5.)
    @Test func theConvFamilyAndAGlimpseRecogniseAPatternInPlacesTheyWereNotTrainedOn() {
        let (lines, columns) = (4, 8)
        func boards(count: Int, columns range: ClosedRange<Int>, seed: UInt64) -> (EncoderInput, [Int32]) {
            var rng = SeededGenerator(seed: seed)
            var sequences: [[Int32]] = [], labels: [Int32] = []
            for i in 0..<count {
                var board = [Int32](repeating: 0, count: lines * columns)
                let line = Int(rng.next() % UInt64(lines))
                let column = range.lowerBound + Int(rng.next() % UInt64(range.count))
                let a = line * columns + column
                board[a] = 1
                let adjacent = i % 2 == 0
                var b = a + 1
                if !adjacent {
                    // Anywhere else on the board but right of 'a'.
                    repeat { b = Int(rng.next() % UInt64(lines * columns)) } while b == a || b == a + 1
                }
                board[b] = 2
                sequences.append(board)
                labels.append(adjacent ? 1 : 0)
            }
            return (.tokens(TokenBatch(sequences: sequences, length: lines * columns)), labels)
        }
        func heldOutAccuracy(_ architecture: Architecture, glimpses: Int = 0) -> Double {
            var config = ModelConfig(architecture: architecture, width: 32, depth: 1, vocabularySize: 3, maxLength: lines * columns,
                                     actionCount: 2, gridColumns: columns)
            if glimpses > 0 { config.glimpses = glimpses }
            let network = PolicyValueNetwork(config: config, seed: 21)
            let objective = PolicyGradientObjective(valueCoefficient: 0, entropyCoefficient: 0)
            let (train, labels) = boards(count: 128, columns: 0...3, seed: 22)
            let targets = PolicyGradientTargets(actions: labels, advantages: [Float](repeating: 1, count: labels.count),
                                                returns: [Float](repeating: 0, count: labels.count))
            var adam = AdamW(learningRate: 1e-2)
            for _ in 0..<300 {
                network.store.zeroGradients()
                objective.lossAndGradients(network, input: train, targets: targets)
                adam.update(network.store)
            }
            let (test, truth) = boards(count: 200, columns: 4...6, seed: 23)
            let out = network.forward(test)
            let correct = (0..<truth.count).filter { s in (out.logits[2 * s + 1] > out.logits[2 * s] ? 1 : 0) == truth[s] }.count
            return Double(correct) / Double(truth.count)
        }
        let conv = heldOutAccuracy(.conv), mlp = heldOutAccuracy(.mlp), glimpsed = heldOutAccuracy(.mlp, glimpses: 1)
        #expect(conv >= 0.9, "conv: \(conv) of the held-out boards right")
        #expect(conv >= mlp + 0.2, "conv \(conv) against mlp \(mlp) on the held-out places")
        // One glimpse head that finds 'a' (or 'b') reads what is beside it wherever it stands.
        // (Measured: 0.765, below the conv family. With the places zeroed, 0.875: part of the gap
        // is the head's place, an input outside its training range on the held-out columns;
        // the MLP's position-specific first layer beside it may be the rest.)
        #expect(glimpsed >= 0.7, "mlp with a glimpse: \(glimpsed) of the held-out boards right")
        #expect(glimpsed >= mlp + 0.2, "mlp with a glimpse \(glimpsed) against mlp \(mlp) on the held-out places")
    }
}
