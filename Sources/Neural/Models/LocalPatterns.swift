/// The convolutional path of the `conv` family: detectors of local patterns that work the
/// same at every cell of the character grid, pooled over the board and added to the
/// MLP's first layer.
///
/// Why: the MLP's first layer gives every (position, character) pair its own weights, so
/// a conjunction such as "the agent has a wall above it" must be learned separately at
/// every cell, and a procedurally generated maze rarely repeats one. A 3x3 convolution
/// learns such a pattern once; max-pooling reports whether it occurs anywhere (the agent
/// is one cell, so "wall above the agent" becomes one feature) and mean-pooling how often.
///
///     x0[cell] = E'[character at cell]                          (N, D)   character cells only
///     x_l = relu(conv3x3(x_{l-1}) + b_l)                        (N, D)   l = 1 ... L
///     p = [mean over the example's cells of x_L, max of x_L]    (B, 2D)
///     pre0 += p Wp                                              (B, H)   into the MLP's first layer
///
/// Every layer has D channels, the MLP's token embedding width (`ModelConfig.embeddingWidth`:
/// width / 8 within 4...16), so the path grows with the model's width. Cells without a character (past a line's end, below the last line) count as zeros.
/// There are L = `ModelConfig.convolutionDepth` layers (2 by default: a 5x5 window).
final class LocalPatterns {
    let config: ModelConfig
    private let embedding: ParameterView                               // (V, D)
    private let convolutions: [(weight: ParameterView, bias: ParameterView)]  // (9D, D), (D)
    private let projection: ParameterView                              // (2D, H)
    private let columns: Int
    var channels: Int { config.embeddingWidth }

    // Saved by forward for backward.
    private var batch = 0, rows = 0
    private var tokens: [Int32] = []                  // (N) each row's character
    private var starts: [Int32] = []                  // (B + 1)
    private var cellOf: [Int32] = []                  // (N)
    private var neighbours: [Int32] = []              // (N, 9)
    private var scratch: [Int32] = []                 // (cells), all -1 between calls
    private var argmax: [Int32] = []                  // (B, D)
    private let inputs = FloatBuffer()                // (N, D) x0
    private let cols: [FloatBuffer]                   // L x (N, 9D)
    private let preActivations: [FloatBuffer]         // L x (N, D)
    private let activations: [FloatBuffer]            // L x (N, D)
    private let pooled = FloatBuffer()                // (B, 2D)
    private let dPooled = FloatBuffer(), dActivation = FloatBuffer(), dPreActivation = FloatBuffer(), dCols = FloatBuffer()
    private let dInputs = FloatBuffer()                // (N, D) scratch

    init(config: ModelConfig, layout: inout ParameterLayout) {
        guard let columns = config.gridColumns else { preconditionFailure("the conv family needs the grid's columns (ModelConfig.gridColumns)") }
        self.config = config
        self.columns = columns
        let d = config.embeddingWidth
        embedding = layout.add("conv.token_embedding", shape: [config.vocabularySize, d], initializer: .uniform(bound: 1), decays: false)
        convolutions = (0..<config.convolutionDepth).map { l in
            let fanIn = 9 * d
            let bound = 1 / Float(fanIn).squareRoot()
            return (layout.add("conv.layer\(l + 1).weight", shape: [fanIn, d], initializer: .uniform(bound: bound), decays: true),
                    layout.add("conv.layer\(l + 1).bias", shape: [d], initializer: .constant(0), decays: false))
        }
        projection = layout.add("conv.pool.weight", shape: [2 * d, config.width], initializer: .uniform(bound: 1 / Float(2 * d).squareRoot()),
                                decays: true)
        cols = (0..<config.convolutionDepth).map { _ in FloatBuffer() }
        preActivations = (0..<config.convolutionDepth).map { _ in FloatBuffer() }
        activations = (0..<config.convolutionDepth).map { _ in FloatBuffer() }
    }

    /// Adds the pooled pattern features of `batch`, projected, into `pre0` (B, H).
    func forward(_ input: TokenBatch, store: ParameterStore, addingInto pre0: UnsafeMutablePointer<Float>) {
        let p = store.parameters, d = channels, h = config.width
        collectCells(input)
        let n = rows, b = batch
        let x0 = reserved(inputs, n * d)
        tokens.withUnsafeBufferPointer { embeddingForward(out: x0, indices: $0.baseAddress!, table: p + embedding.offset, count: n, channels: d) }
        var previous = UnsafePointer(x0)
        neighbours.withUnsafeBufferPointer { table in
            for (l, layer) in convolutions.enumerated() {
                let pre = reserved(preActivations[l], n * d)
                gridConvolutionForward(out: pre, cols: reserved(cols[l], n * 9 * d), inp: previous, neighbours: table.baseAddress!,
                                       weight: p + layer.weight.offset, bias: p + layer.bias.offset, rows: n, inChannels: d, outChannels: d)
                reluForward(out: reserved(activations[l], n * d), inp: pre, count: n * d)
                previous = UnsafePointer(activations[l].pointer)
            }
        }
        if argmax.count < b * d { argmax = [Int32](repeating: 0, count: b * d) }
        let pooledOut = reserved(pooled, b * 2 * d)
        starts.withUnsafeBufferPointer { starts in
            argmax.withUnsafeMutableBufferPointer { argmax in
                segmentMeanMaxPoolForward(out: pooledOut, argmax: argmax.baseAddress!, inp: previous, starts: starts.baseAddress!,
                                          batch: b, channels: d)
            }
        }
        // pre0 += pooled Wp: an sgemm with beta = 1 (linearForward without bias overwrites).
        linearAddForward(out: pre0, inp: pooledOut, weight: p + projection.offset, rows: b, inFeatures: 2 * d, outFeatures: h)
    }

    /// Backpropagates dPre0 (B, H), the gradient of the MLP's first pre-activation, through
    /// the last forward, adding into `store.gradients`.
    func backward(dPre0: UnsafePointer<Float>, store: ParameterStore) {
        let p = store.parameters, g = store.gradients, d = channels, h = config.width, n = rows, b = batch
        let dp = reserved(dPooled, b * 2 * d)
        dp.update(repeating: 0, count: b * 2 * d)
        linearBackward(dinp: dp, dweight: g + projection.offset, dbias: nil, dout: dPre0, inp: pooled.pointer,
                       weight: p + projection.offset, rows: b, inFeatures: 2 * d, outFeatures: h)
        let dAct = reserved(dActivation, n * d), dPre = reserved(dPreActivation, n * d)
        dAct.update(repeating: 0, count: n * d)
        starts.withUnsafeBufferPointer { starts in
            argmax.withUnsafeBufferPointer { argmax in
                segmentMeanMaxPoolBackward(din: dAct, dout: dp, argmax: argmax.baseAddress!, starts: starts.baseAddress!, batch: b, channels: d)
            }
        }
        let dx0 = reserved(dInputs, n * d)
        neighbours.withUnsafeBufferPointer { table in
            for l in stride(from: convolutions.count - 1, through: 0, by: -1) {
                dPre.update(repeating: 0, count: n * d)
                reluBackward(din: dPre, dout: dAct, inp: preActivations[l].pointer, count: n * d)
                // The layer's input gradient goes to the previous activation, or for the
                // first layer to x0, whose gradient flows into the embedding.
                let dInput = l > 0 ? dAct : dx0
                dInput.update(repeating: 0, count: n * d)
                let layer = convolutions[l]
                gridConvolutionBackward(dinp: dInput, dweight: g + layer.weight.offset, dbias: g + layer.bias.offset,
                                        dcols: reserved(dCols, n * 9 * d), dout: dPre, cols: cols[l].pointer, neighbours: table.baseAddress!,
                                        weight: p + layer.weight.offset, rows: n, inChannels: d, outChannels: d)
            }
        }
        tokens.withUnsafeBufferPointer {
            embeddingBackward(dtable: g + embedding.offset, dout: dx0, indices: $0.baseAddress!, count: n, channels: d)
        }
    }

    /// Lists the real tokens of `input` as rows (their characters, cells and examples) and
    /// builds the neighbour table.
    private func collectCells(_ input: TokenBatch) {
        let cells = config.maxLength
        batch = input.batch
        tokens.removeAll(keepingCapacity: true)
        cellOf.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        for s in 0..<input.batch {
            starts.append(Int32(tokens.count))
            for t in 0..<input.length where input.mask[s * input.length + t] != 0 {
                let cell = input.position(s, t)
                precondition(cell >= 0 && cell < cells, "position \(cell) outside the model's \(cells)")
                tokens.append(input.tokens[s * input.length + t])
                cellOf.append(Int32(cell))
            }
        }
        starts.append(Int32(tokens.count))
        rows = tokens.count
        if scratch.count != cells { scratch = [Int32](repeating: -1, count: cells) }
        if neighbours.count < rows * 9 { neighbours = [Int32](repeating: 0, count: rows * 9) }
        neighbours.withUnsafeMutableBufferPointer { table in
            cellOf.withUnsafeBufferPointer { cellOf in
                starts.withUnsafeBufferPointer { starts in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        gridNeighbours(neighbours: table.baseAddress!, cellOf: cellOf.baseAddress!, starts: starts.baseAddress!,
                                       scratch: scratch.baseAddress!, batch: batch, cells: cells, columns: columns)
                    }
                }
            }
        }
    }
}
