import Neural

extension Trainer {
    /// Starts this (fresh) run from `checkpoint`'s network weights, for fine-tuning: the
    /// weights are copied, while the optimizer (Adam moments and step count), the opponent
    /// pool, the counters and the generators stay those of a new run. The checkpoint may
    /// have trained other games; only the model's shape must match (`play train --init-from`).
    public func initializeWeights(from checkpoint: Checkpoint) throws(CheckpointError) {
        let theirs = checkpoint.header.config
        guard theirs.model == config.model else {
            throw .mismatch("it holds a \(Self.shape(theirs)) network, this run builds a \(Self.shape(config)) one; "
                                        + "pass the same --arch, --width, --depth, --heads, --conv-layers, --game-gate or --no-game-gate, --glimpses and --glimpse-radius")
        }
        try initializeWeights(fromSerialized: checkpoint.network)
    }

    /// Copies the parameters of `network` (`ParameterStore.serialized()` of a model of this
    /// run's shape) into the learner and zeroes the Adam moments they came with.
    public func initializeWeights(fromSerialized network: [UInt8]) throws(CheckpointError) {
        precondition(updates == 0, "weights are initialised before the first update")
        do {
            try self.network.store.restore(serialized: network)
        } catch {
            throw .mismatch(error.description)
        }
        let zeros = [Float](repeating: 0, count: self.network.store.count)
        try? self.network.store.restore(.firstMoment, from: zeros)
        try? self.network.store.restore(.secondMoment, from: zeros)
    }

    /// "mlp width 128 depth 2" (and the heads of a Transformer, the layers of a conv network).
    static func shape(_ config: TrainingConfig) -> String {
        "\(config.architecture.rawValue) width \(config.width) depth \(config.depth)"
            + (config.architecture == .transformer ? " heads \(config.heads)" : "")
            + (config.architecture == .conv ? " conv layers \(config.convolutionLayers)" : "")
            + (config.gameGate ? " with a game gate" : "")
            + (config.glimpses > 0 ? " with \(config.glimpses) glimpses" + (config.glimpseRadius != 1 ? " of radius \(config.glimpseRadius)" : "") : "")
    }
}
