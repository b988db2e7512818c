import Testing
@testable import Neural

/// The binary form of a ParameterStore: exact round trips, and a clear error
/// (with the store left untouched) for every kind of damage.
@Suite struct SerializationTests {
    static let config = ModelConfig(architecture: .transformer, width: 8, depth: 1, heads: 2, vocabularySize: 5,
                                    maxLength: 4, actionCount: 3)

    /// A network that has taken two AdamW steps, so the moments are not zero.
    func trainedNetwork(seed: UInt64) -> PolicyValueNetwork {
        let network = PolicyValueNetwork(config: Self.config, seed: seed)
        let objective = PolicyGradientObjective()
        var adam = AdamW(learningRate: 1e-2)
        for _ in 0..<2 {
            network.store.zeroGradients()
            objective.lossAndGradients(network, input: .tokens(TokenBatch(sequences: [[1, 2], [3]], length: 4)),
                                       targets: PolicyGradientTargets(actions: [0, 2], advantages: [1, -1], returns: [0.5, 0]))
            adam.update(network.store)
        }
        return network
    }

    func bits(_ store: ParameterStore) -> [[UInt32]] {
        ParameterStore.serializedBuffers.map { store.snapshot($0).map(\.bitPattern) }
    }

    @Test func roundTripIsExact() throws {
        let source = trainedNetwork(seed: 1), target = PolicyValueNetwork(config: Self.config, seed: 2)
        #expect(bits(source.store) != bits(target.store))
        try target.store.restore(serialized: source.store.serialized())
        #expect(bits(source.store) == bits(target.store))
    }

    @Test func damageIsReportedAndChangesNothing() {
        let bytes = trainedNetwork(seed: 1).store.serialized()
        let target = PolicyValueNetwork(config: Self.config, seed: 2)
        let before = bits(target.store)
        func expectError(_ data: [UInt8], _ expected: ParameterStoreError, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: expected, sourceLocation: sourceLocation) { try target.store.restore(serialized: data) }
        }
        expectError([], .truncated)
        expectError(Array(bytes.prefix(12)), .truncated)
        expectError(Array(bytes.prefix(bytes.count / 2)), .checksumMismatch)
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        expectError(flipped, .checksumMismatch)
        var wrongMagic = bytes
        wrongMagic[0] = UInt8(ascii: "X")
        expectError(wrongMagic, .notAParameterFile)
        #expect(bits(target.store) == before)
    }

    @Test func versionIsChecked() {
        var bytes = trainedNetwork(seed: 1).store.serialized()
        bytes[8] = 9   // version field, then a fresh checksum so only the version is wrong
        let body = bytes.prefix(bytes.count - 8)
        var writer = ByteWriter(data: Array(body))
        writer.u64(fnv1a64(body))
        let target = PolicyValueNetwork(config: Self.config, seed: 2)
        #expect(throws: ParameterStoreError.unsupportedVersion(found: 9, supported: 1)) {
            try target.store.restore(serialized: writer.data)
        }
    }

    @Test func anotherArchitectureIsRejectedByName() {
        let bytes = trainedNetwork(seed: 1).store.serialized()
        var other = Self.config
        other.width = 12
        let target = PolicyValueNetwork(config: other, seed: 2)
        let before = bits(target.store)
        #expect {
            try target.store.restore(serialized: bytes)
        } throws: { error in
            guard let error = error as? ParameterStoreError, case .layoutMismatch = error else { return false }
            return error.description.contains("transformer.token_embedding") && error.description.contains("different model")
        }
        #expect(bits(target.store) == before)
    }

    /// Re-signs edited bytes, so only the edit (not the checksum) is wrong.
    func resigned(_ bytes: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(data: Array(bytes.prefix(bytes.count - 8)))
        writer.u64(fnv1a64(writer.data))
        return writer.data
    }

    @Test func damageBehindAValidChecksumThrowsInsteadOfTrapping() {
        let bytes = trainedNetwork(seed: 1).store.serialized()
        let target = PolicyValueNetwork(config: Self.config, seed: 2)
        let before = bits(target.store)
        // The first tensor's first dimension: magic 8 + version 4 + count 4 + name length 4 + name + rank 4.
        let nameLength = Int(bytes[16]) | Int(bytes[17]) << 8
        let firstDimension = 8 + 4 + 4 + 4 + nameLength + 4
        var hugeDimension = bytes
        for k in 0..<8 { hugeDimension[firstDimension + k] = 0xFF }
        #expect(throws: ParameterStoreError.self) { try target.store.restore(serialized: resigned(hugeDimension)) }
        var trailing = Array(bytes.prefix(bytes.count - 8))
        trailing.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect {
            try target.store.restore(serialized: resigned(trailing))
        } throws: { error in
            (error as? ParameterStoreError)?.description.contains("unexpected bytes") == true
        }
        #expect(bits(target.store) == before)
    }

    @Test func fnvMatchesPublishedVectors() {
        // FNV-1a 64 test vectors (Fowler/Noll/Vo reference: "" and "a").
        #expect(fnv1a64([UInt8]()) == 0xCBF2_9CE4_8422_2325)
        #expect(fnv1a64(Array("a".utf8)) == 0xAF63_DC4C_8601_EC8C)
    }
}
