import Testing
import GameKit
import Neural
@testable import RL

/// The text policy network: encoding, shapes, and its gradients against finite differences.
@Suite struct TextPolicyNetworkTests {
    func sampleBatch() throws -> PolicyBatch {
        var builder = PolicyBatchBuilder()
        return try builder.batch([
            (observation: "tic-tac-toe\n...\n.x.\n..o", actions: ["a1", "a2", "a3", "b1", "b3", "c1", "c2"]),
            (observation: "connect-four-5x6\n......\n......\nx.....\no.....\nox....", actions: ["a4", "b2", "c1"]),
            (observation: "maze-7x7\n#######\n#@..#G#\n#######", actions: ["down", "left", "right", "up"]),
        ])
    }

    @Test func observationsAreLaidOutByLineAndColumn() throws {
        let (tokens, positions) = try TextEncoding.encodeObservation("ab\ncd")
        #expect(tokens == [Tokenizer.token(for: "a")!, Tokenizer.token(for: "b")!, Tokenizer.token(for: "c")!, Tokenizer.token(for: "d")!])
        #expect(positions == [0, 1, Int32(TextEncoding.columns), Int32(TextEncoding.columns + 1)])
        // A long id line is cut; a long board line is an error that names the limit.
        #expect(try TextEncoding.encodeObservation(String(repeating: "a", count: 30) + "\nx").tokens.count == TextEncoding.columns + 1)
        #expect {
            _ = try TextEncoding.encodeObservation("id\n" + String(repeating: ".", count: 17))
        } throws: { error in
            (error as? EncodingError)?.description.contains("at most 16") == true
        }
        #expect(throws: EncodingError.self) { _ = try TextEncoding.encodeAction("abcdefghi") }
    }

    @Test func batchesShareDistinctActionTexts() throws {
        let batch = try sampleBatch()
        #expect(batch.batch == 3)
        #expect(batch.actionCount == 14)
        #expect(batch.offsets == [0, 7, 10, 14])
        #expect(batch.distinctActions == 13, "a1..c2, a4, b2 (shared), c1 (shared): 7 + 2 + 4")
        #expect(batch.stateOf == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
    }

    /// The builder's packed-text tables against a plain `String`-keyed deduplication,
    /// over batches with more distinct texts than the tables start with (64 slots), texts
    /// that share prefixes ("a1", "a10", "a1a1"), and one builder reused across batches.
    @Test func packedActionTablesMatchAStringDictionary() throws {
        var builder = PolicyBatchBuilder()
        var rng = SeededGenerator(seed: 5)
        let pool = (0..<300).map { i in ["a\(i)", "a1" + String(i), "m\(i % 7)-\(i)", String(repeating: "z", count: 1 + i % 8)][i % 4] }
        for round in 0..<6 {
            let states = (0..<(20 + 10 * round)).map { _ in
                (observation: "maze-7x7\n#@G#", actions: (0..<(1 + Int(rng.next() % 40))).map { _ in pool[Int(rng.next() % 300)] })
            }
            let batch = try builder.batch(states)
            var expected: [String: Int32] = [:], order: [String] = []
            var textOf: [Int32] = []
            for state in states {
                for text in state.actions {
                    if expected[text] == nil { expected[text] = Int32(order.count); order.append(text) }
                    textOf.append(expected[text]!)
                }
            }
            #expect(batch.textOf == textOf, "round \(round)")
            #expect(batch.distinctActions == order.count)
            let width = TextEncoding.actionLength
            let tokens = try order.flatMap { try TextEncoding.encodeAction($0) }
            #expect(batch.actionTokens == tokens, "each distinct text's tokens, in order of first use")
            #expect(batch.actionTokens.count == order.count * width)
        }
        #expect(PolicyBatchBuilder.pack("a1") != PolicyBatchBuilder.pack("a1a1"))
        #expect(PolicyBatchBuilder.pack("") == nil && PolicyBatchBuilder.pack("abcdefghi") == nil && PolicyBatchBuilder.pack("a\u{0}") == nil)
        // Texts the network cannot read are errors that say why, packable or not, and
        // after a failed batch the builder still works.
        for bad in ["abcdefghi", "", "a\u{0}", "\u{e9}", "a\tb", "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}"] {
            var expected: EncodingError?
            do { _ = try TextEncoding.encodeAction(bad) } catch { expected = error }
            guard let expected else {
                Issue.record("'\(bad)' should not be a valid action")
                continue
            }
            #expect(throws: expected) { _ = try builder.batch([(observation: "x", actions: ["up", bad])]) }
        }
        #expect(TextEncoding.actionLength <= 8, "PolicyBatchBuilder.pack keeps an action text's bytes in one UInt64")
        #expect(try builder.batch([(observation: "x", actions: ["up", "down", "up"])]).distinctActions == 2)
    }

    /// A copy computes what the original computes, and stays a separate network: changing
    /// the original leaves the copy alone until `copyParameters` brings it up to date.
    @Test func copiesAreIndependentNetworksWithTheSameParameters() throws {
        let batch = try sampleBatch()
        let network = TextPolicyNetwork(config: TextPolicyNetwork.config(architecture: .mlp, width: 16, depth: 2), seed: 4)
        func outputs(_ network: TextPolicyNetwork) -> [Float] {
            let out = network.forward(batch)
            return Array(UnsafeBufferPointer(start: out.logits, count: batch.actionCount))
                + Array(UnsafeBufferPointer(start: out.values, count: batch.batch))
        }
        let copy = network.copy()
        #expect(copy.store !== network.store)
        #expect(outputs(copy) == outputs(network))
        for i in 0..<network.store.count { network.store.parameters[i] += 0.01 * Float(i % 7) }
        let changed = outputs(network)
        #expect(outputs(copy) != changed, "the copy has its own parameters")
        copy.copyParameters(from: network)
        #expect(outputs(copy) == changed)
    }

    @Test(arguments: [Architecture.mlp, .conv, .transformer])
    func gradientsMatchFiniteDifferences(architecture: Architecture) throws {
        let batch = try sampleBatch()
        let network = TextPolicyNetwork(config: TextPolicyNetwork.config(architecture: architecture, width: 8, depth: 2, heads: 2), seed: 3)
        // Larger keys than the initial 0.01 so the policy path carries real gradients.
        var rng = SeededGenerator(seed: 9)
        let p = network.store.parameters
        for i in 0..<network.store.count { p[i] += 0.3 * (rng.nextUnitFloat() - 0.5) }
        let logitWeights = (0..<batch.actionCount).map { _ in Double(rng.nextUnitFloat() - 0.5) }
        let valueWeights = (0..<batch.batch).map { _ in Double(rng.nextUnitFloat() - 0.5) }
        func loss() -> Double {
            let out = network.forward(batch)
            var total = 0.0
            for i in 0..<batch.actionCount { total += logitWeights[i] * Double(out.logits[i]) }
            for i in 0..<batch.batch { total += valueWeights[i] * Double(out.values[i]) }
            return total
        }
        _ = loss()
        network.store.zeroGradients()
        let dLogits = logitWeights.map(Float.init), dValues = valueWeights.map(Float.init)
        network.backward(dLogits: dLogits, dValues: dValues)
        let analytic = Array(UnsafeBufferPointer(start: network.store.gradients, count: network.store.count))
        // Every parameter of the small tensors, and in the big embedding tables those with a
        // gradient of note plus a sample (a step of 1e-3 keeps the difference from crossing
        // a ReLU kink).
        var checked = 0, large = 0, kinks = 0, failures: [String] = []
        let indices = network.store.views.flatMap { view in
            (view.offset..<(view.offset + view.count)).filter { view.count <= 4096 || abs(analytic[$0]) > 1e-4 || $0 % 97 == 0 }
        }
        let base = loss()
        for i in indices {
            let saved = p[i]
            p[i] = saved + 1e-3; let up = loss()
            p[i] = saved - 1e-3; let down = loss()
            p[i] = saved
            let numeric = (up - down) / 2e-3
            // Where the two one-sided slopes disagree the step crossed a ReLU kink or a change
            // of the max-pooled cell, and no central difference is the derivative: skipped,
            // and counted below. (The conv family's first layer moves every cell's features,
            // so it meets kinks at this step; the MLP and Transformer do not.)
            let slopeUp = (up - base) / 1e-3, slopeDown = (base - down) / 1e-3
            if abs(slopeUp - slopeDown) > 3e-2 * max(abs(slopeUp), abs(slopeDown)) + 4e-3 {
                kinks += 1
                continue
            }
            let a = Double(analytic[i])
            if abs(a - numeric) > 3e-2 * max(abs(a), abs(numeric)) + 2e-3, failures.count < 5 {
                failures.append("parameter \(i) (\(network.store.views.first { $0.offset <= i && i < $0.offset + $0.count }!.name)): analytic \(a), numeric \(numeric)")
            }
            checked += 1
            if abs(a) > 1e-2 { large += 1 }
        }
        #expect(failures.isEmpty, "\(architecture): \(failures)")
        #expect(checked > 200 && large > 50, "checked \(checked), of which \(large) large")
        #expect(kinks * 50 <= checked, "\(kinks) of \(checked + kinks) checks straddled a kink")
    }
}
