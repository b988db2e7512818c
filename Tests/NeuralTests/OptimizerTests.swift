import Testing
@testable import Neural

/// AdamW and the flat parameter store against hand-computed values.
@Suite struct OptimizerTests {
    /// A store with one decaying 2-element weight and one non-decaying bias.
    func makeStore() -> (ParameterStore, ParameterView, ParameterView) {
        var layout = ParameterLayout()
        let w = layout.add("w", shape: [2], initializer: .constant(1), decays: true)
        let b = layout.add("b", shape: [1], initializer: .constant(-2), decays: false)
        return (ParameterStore(layout: layout, seed: 0), w, b)
    }

    @Test func adamTwoStepsByHand() {
        let (store, w, b) = makeStore()
        var adam = AdamW(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5)
        // Step 1, g = 0.5: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25, step = 0.1 * 0.5 / 0.5 = 0.1.
        // Decay on w: 0.1 * 0.5 * 1 = 0.05, so w = 1 - 0.1 - 0.05 = 0.85; b (no decay) = -2 - 0.1 = -2.1.
        store.gradients[w.offset] = 0.5; store.gradients[w.offset + 1] = 0.5; store.gradients[b.offset] = 0.5
        adam.update(store)
        #expect(abs(store.parameters[w.offset] - 0.85) < 1e-6)
        #expect(abs(store.parameters[b.offset] + 2.1) < 1e-6)
        // Step 2 on b, g = -1: m = -0.055, v = 0.00124975, m^ = -0.055 / 0.19 = -0.2894737,
        // v^ = 0.00124975 / 0.001999 = 0.6251876, step = 0.1 * m^ / (sqrt(v^) + eps) = -0.0366104.
        store.zeroGradients()
        store.gradients[b.offset] = -1
        adam.update(store)
        #expect(abs(store.parameters[b.offset] - (-2.1 + 0.0366104)) < 1e-5)
        #expect(adam.step == 2)
    }

    /// The threaded step splits views into pieces; every element must get exactly the
    /// serial update (decay only where the view decays), whatever the thread count.
    @Test(arguments: [2, 3, 8])
    func threadedStepEqualsSerialStep(threads: Int) {
        func store() -> ParameterStore {
            var layout = ParameterLayout()
            _ = layout.add("big", shape: [70_001], initializer: .uniform(bound: 1), decays: true)
            _ = layout.add("bias", shape: [40_000], initializer: .uniform(bound: 1), decays: false)
            let store = ParameterStore(layout: layout, seed: 3)
            for i in 0..<store.count { store.gradients[i] = Float((i * 7919) % 201 - 100) / 100 }
            return store
        }
        let serial = store(), threaded = store()
        var a = AdamW(learningRate: 0.01, weightDecay: 0.1), b = a
        for _ in 0..<3 {
            a.update(serial)
            b.update(threaded, threads: threads)
        }
        // The stores must outlive every read through their pointers.
        let initial = store()
        withExtendedLifetime((serial, threaded, initial)) {
            var same = true
            for i in 0..<serial.count where serial.parameters[i] != threaded.parameters[i]
                || serial.secondMoment[i] != threaded.secondMoment[i] { same = false }
            #expect(same)
            #expect(serial.parameters[0] != initial.parameters[0])
        }
    }

    @Test func clipGradientNorm() {
        let (store, w, b) = makeStore()
        store.gradients[w.offset] = 3; store.gradients[w.offset + 1] = 0; store.gradients[b.offset] = 4
        #expect(abs(store.gradientNorm() - 5) < 1e-6)
        let before = store.clipGradientNorm(1)
        #expect(abs(before - 5) < 1e-6)
        #expect(abs(store.gradientNorm() - 1) < 1e-5)
        #expect(abs(store.gradients[b.offset] - 0.8) < 1e-5)
        store.clipGradientNorm(10)   // below the limit: unchanged
        #expect(abs(store.gradients[b.offset] - 0.8) < 1e-5)
        store.zeroGradients()
        #expect(store.gradientNorm() == 0)
    }

    @Test func layoutIsAlignedAndNamed() {
        let (store, w, b) = makeStore()
        #expect(w.offset == 0 && b.offset == 16)
        #expect(store.parameterCount == 3)
        #expect(store.view(named: "b") == b)
        #expect(store.view(named: "missing") == nil)
    }

    @Test func restoreRejectsWrongSize() throws {
        let (store, _, _) = makeStore()
        let saved = store.snapshot()
        #expect(throws: ParameterStoreError.sizeMismatch(expected: store.count, found: 5)) {
            try store.restore(.parameters, from: [1, 2, 3, 4, 5])
        }
        store.parameters[0] = 42
        try store.restore(.parameters, from: saved)
        #expect(store.parameters[0] == 1)
        let message = ParameterStoreError.sizeMismatch(expected: 17, found: 5).description
        #expect(message.contains("17") && message.contains("5") && message.contains("different architecture"))
    }
}
