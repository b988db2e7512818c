/// The Transformer family: a pre-LayerNorm encoder (as in GPT-2 and PyTorch's
/// `norm_first=True`) with learned token and position embeddings, a final layer
/// norm and masked mean pooling over the real tokens.
///
///     x = E_tok[tokens] + E_pos                      (B, T, C)
///     for each block:
///         x = x + proj(attention(qkv(ln1(x)), mask))
///         x = x + fc2(gelu(fc1(ln2(x))))
///     out = mean over real tokens of lnf(x)          (B, C)
public final class TransformerEncoder: FeatureEncoder {
    public let config: ModelConfig
    public var outputWidth: Int { config.width }

    /// One block's parameters.
    struct Block {
        var ln1Gain, ln1Offset, qkvWeight, qkvBias, projWeight, projBias: ParameterView
        var ln2Gain, ln2Offset, fc1Weight, fc1Bias, fc2Weight, fc2Bias: ParameterView
    }

    /// One block's saved activations (written by forward, read by backward).
    final class BlockActivations {
        let ln1 = FloatBuffer(), ln1Mean = FloatBuffer(), ln1Rstd = FloatBuffer()   // (B,T,C), (B,T), (B,T)
        let qkv = FloatBuffer()                                                       // (B,T,3C)
        let att = FloatBuffer()                                                       // (B,NH,T,T)
        let attOut = FloatBuffer()                                                    // (B,T,C)
        let proj = FloatBuffer()                                                      // (B,T,C)
        let residual1 = FloatBuffer()                                                 // (B,T,C)
        let ln2 = FloatBuffer(), ln2Mean = FloatBuffer(), ln2Rstd = FloatBuffer()   // (B,T,C), (B,T), (B,T)
        let fc1 = FloatBuffer(), gelu = FloatBuffer()                                 // (B,T,F), (B,T,F)
        let fc2 = FloatBuffer()                                                       // (B,T,C)
        let residual2 = FloatBuffer()                                                 // (B,T,C)
    }

    private let tokenEmbedding: ParameterView      // (V, C)
    private let positionEmbedding: ParameterView   // (T, C)
    private let blocks: [Block]
    private let finalGain, finalOffset: ParameterView  // (C), (C)

    private var input = TokenBatch(tokens: [], mask: [], batch: 0, length: 0)
    private let embedded = FloatBuffer()                       // (B,T,C)
    private let saved: [BlockActivations]
    private let lnf = FloatBuffer(), lnfMean = FloatBuffer(), lnfRstd = FloatBuffer()  // (B,T,C), (B,T), (B,T)
    private let pooled = FloatBuffer()                          // (B,C)
    // Backward scratch.
    private let dResidual = FloatBuffer()   // (B,T,C) gradient flowing along the residual stream
    private let dC = FloatBuffer()          // (B,T,C)
    private let dC2 = FloatBuffer()         // (B,T,C)
    private let dQKV = FloatBuffer()        // (B,T,3C)
    private let dF = FloatBuffer()          // (B,T,F)
    private let dF2 = FloatBuffer()         // (B,T,F)
    private let dAtt = FloatBuffer()        // (T,T)

    /// Registers the encoder's parameters in `layout`.
    public init(config: ModelConfig, layout: inout ParameterLayout) {
        precondition(config.problem == nil, config.problem ?? "")
        self.config = config
        let c = config.width, f = config.width * config.feedForwardMultiple
        tokenEmbedding = layout.add("transformer.token_embedding", shape: [config.vocabularySize, c],
                                    initializer: .normal(std: 0.02), decays: false)
        positionEmbedding = layout.add("transformer.position_embedding", shape: [config.maxLength, c],
                                       initializer: .normal(std: 0.02), decays: false)
        let boundC = 1 / Float(c).squareRoot(), boundF = 1 / Float(f).squareRoot()
        blocks = (0..<config.depth).map { i in
            let name = "transformer.block\(i)"
            return Block(
                ln1Gain: layout.add("\(name).ln1.gain", shape: [c], initializer: .constant(1), decays: false),
                ln1Offset: layout.add("\(name).ln1.offset", shape: [c], initializer: .constant(0), decays: false),
                qkvWeight: layout.add("\(name).attention.qkv.weight", shape: [c, 3 * c], initializer: .uniform(bound: boundC), decays: true),
                qkvBias: layout.add("\(name).attention.qkv.bias", shape: [3 * c], initializer: .constant(0), decays: false),
                projWeight: layout.add("\(name).attention.proj.weight", shape: [c, c], initializer: .uniform(bound: boundC), decays: true),
                projBias: layout.add("\(name).attention.proj.bias", shape: [c], initializer: .constant(0), decays: false),
                ln2Gain: layout.add("\(name).ln2.gain", shape: [c], initializer: .constant(1), decays: false),
                ln2Offset: layout.add("\(name).ln2.offset", shape: [c], initializer: .constant(0), decays: false),
                fc1Weight: layout.add("\(name).mlp.fc1.weight", shape: [c, f], initializer: .uniform(bound: boundC), decays: true),
                fc1Bias: layout.add("\(name).mlp.fc1.bias", shape: [f], initializer: .constant(0), decays: false),
                fc2Weight: layout.add("\(name).mlp.fc2.weight", shape: [f, c], initializer: .uniform(bound: boundF), decays: true),
                fc2Bias: layout.add("\(name).mlp.fc2.bias", shape: [c], initializer: .constant(0), decays: false))
        }
        finalGain = layout.add("transformer.lnf.gain", shape: [c], initializer: .constant(1), decays: false)
        finalOffset = layout.add("transformer.lnf.offset", shape: [c], initializer: .constant(0), decays: false)
        saved = (0..<config.depth).map { _ in BlockActivations() }
    }

    public func forward(_ input: EncoderInput, store: ParameterStore) -> UnsafeMutablePointer<Float> {
        guard case .tokens(let batch) = input else { preconditionFailure("the transformer reads tokens, not dense features") }
        precondition(batch.length <= config.maxLength, "sequence length \(batch.length) exceeds the model's \(config.maxLength)")
        precondition(batch.tokens.allSatisfy { $0 >= 0 && Int($0) < config.vocabularySize }, "token outside the vocabulary")
        self.input = batch
        let (b, t, c, nh) = (batch.batch, batch.length, config.width, config.heads)
        let f = c * config.feedForwardMultiple, n = b * t
        let p = store.parameters

        var x = reserved(embedded, n * c)
        batch.tokens.withUnsafeBufferPointer {
            embeddingForward(out: x, indices: $0.baseAddress!, table: p + tokenEmbedding.offset, count: n, channels: c)
        }
        if let ids = batch.positions {
            precondition(ids.allSatisfy { $0 >= 0 && Int($0) < config.maxLength }, "position id outside the model's \(config.maxLength)")
            ids.withUnsafeBufferPointer {
                embeddingAddForward(out: x, indices: $0.baseAddress!, table: p + positionEmbedding.offset, count: n, channels: c)
            }
        } else {
            positionEmbeddingForward(out: x, positions: p + positionEmbedding.offset, batch: b, length: t, channels: c)
        }

        batch.mask.withUnsafeBufferPointer { maskBuffer in
            let mask = maskBuffer.baseAddress!
            for (block, a) in zip(blocks, saved) {
                let ln1 = reserved(a.ln1, n * c)
                layerNormForward(out: ln1, mean: reserved(a.ln1Mean, n), rstd: reserved(a.ln1Rstd, n), inp: x,
                                 gain: p + block.ln1Gain.offset, offset: p + block.ln1Offset.offset, rows: n, channels: c)
                let qkv = reserved(a.qkv, n * 3 * c)
                linearForward(out: qkv, inp: ln1, weight: p + block.qkvWeight.offset, bias: p + block.qkvBias.offset,
                              rows: n, inFeatures: c, outFeatures: 3 * c)
                let attOut = reserved(a.attOut, n * c)
                attentionForward(out: attOut, att: reserved(a.att, b * nh * t * t), qkv: qkv, mask: mask,
                                 batch: b, length: t, channels: c, heads: nh)
                let proj = reserved(a.proj, n * c)
                linearForward(out: proj, inp: attOut, weight: p + block.projWeight.offset, bias: p + block.projBias.offset,
                              rows: n, inFeatures: c, outFeatures: c)
                let residual1 = reserved(a.residual1, n * c)
                residualForward(out: residual1, a: x, b: proj, count: n * c)
                let ln2 = reserved(a.ln2, n * c)
                layerNormForward(out: ln2, mean: reserved(a.ln2Mean, n), rstd: reserved(a.ln2Rstd, n), inp: residual1,
                                 gain: p + block.ln2Gain.offset, offset: p + block.ln2Offset.offset, rows: n, channels: c)
                let fc1 = reserved(a.fc1, n * f)
                linearForward(out: fc1, inp: ln2, weight: p + block.fc1Weight.offset, bias: p + block.fc1Bias.offset,
                              rows: n, inFeatures: c, outFeatures: f)
                let gelu = reserved(a.gelu, n * f)
                geluForward(out: gelu, inp: fc1, count: n * f)
                let fc2 = reserved(a.fc2, n * c)
                linearForward(out: fc2, inp: gelu, weight: p + block.fc2Weight.offset, bias: p + block.fc2Bias.offset,
                              rows: n, inFeatures: f, outFeatures: c)
                let residual2 = reserved(a.residual2, n * c)
                residualForward(out: residual2, a: residual1, b: fc2, count: n * c)
                x = residual2
            }
            layerNormForward(out: reserved(lnf, n * c), mean: reserved(lnfMean, n), rstd: reserved(lnfRstd, n), inp: x,
                             gain: p + finalGain.offset, offset: p + finalOffset.offset, rows: n, channels: c)
            maskedMeanPoolForward(out: reserved(pooled, b * c), inp: lnf.pointer, mask: mask, batch: b, length: t, channels: c)
        }
        return pooled.pointer
    }

    /// Each block's output (B, T, C) of the last forward, averaged over every sequence's
    /// real tokens as the encoder's output is ("block 1" ... "block depth"), then the
    /// output itself ("output": the final norm, pooled).
    public func hiddenLayers() -> [HiddenLayer] {
        let (b, t, c) = (input.batch, input.length, config.width)
        guard b > 0 else { return [] }
        let pooledBlock = FloatBuffer(count: b * c)
        var layers: [HiddenLayer] = input.mask.withUnsafeBufferPointer { mask in
            saved.enumerated().map { index, block in
                maskedMeanPoolForward(out: pooledBlock.pointer, inp: block.residual2.pointer, mask: mask.baseAddress!,
                                      batch: b, length: t, channels: c)
                return HiddenLayer(name: "block \(index + 1)", width: c, values: Array(UnsafeBufferPointer(start: pooledBlock.pointer, count: b * c)))
            }
        }
        layers.append(HiddenLayer(name: "output", width: c, values: Array(UnsafeBufferPointer(start: pooled.pointer, count: b * c))))
        return layers
    }

    public func backward(dout: UnsafePointer<Float>, store: ParameterStore) {
        let batch = input
        let (b, t, c, nh) = (batch.batch, batch.length, config.width, config.heads)
        let f = c * config.feedForwardMultiple, n = b * t
        let p = store.parameters, g = store.gradients
        let dRes = reserved(dResidual, n * c), dc = reserved(dC, n * c), dc2 = reserved(dC2, n * c)
        let dqkv = reserved(dQKV, n * 3 * c), df = reserved(dF, n * f), df2 = reserved(dF2, n * f)
        let datt = reserved(dAtt, t * t)

        batch.mask.withUnsafeBufferPointer { maskBuffer in
            let mask = maskBuffer.baseAddress!
            // Pooling and the final norm.
            dc.update(repeating: 0, count: n * c)
            maskedMeanPoolBackward(din: dc, dout: dout, mask: mask, batch: b, length: t, channels: c)
            dRes.update(repeating: 0, count: n * c)
            let lastX = config.depth > 0 ? saved[config.depth - 1].residual2.pointer : embedded.pointer
            layerNormBackward(dinp: dRes, dgain: g + finalGain.offset, doffset: g + finalOffset.offset, dout: dc,
                              inp: lastX, gain: p + finalGain.offset, mean: lnfMean.pointer, rstd: lnfRstd.pointer,
                              rows: n, channels: c)
            // Blocks in reverse. dRes is dL/dx at the block's output; each residual branch adds into it.
            for l in stride(from: config.depth - 1, through: 0, by: -1) {
                let block = blocks[l], a = saved[l]
                let blockInput = l > 0 ? saved[l - 1].residual2.pointer : embedded.pointer
                // x = residual1 + fc2(gelu(fc1(ln2(residual1))))
                df.update(repeating: 0, count: n * f)
                linearBackward(dinp: df, dweight: g + block.fc2Weight.offset, dbias: g + block.fc2Bias.offset, dout: dRes,
                               inp: a.gelu.pointer, weight: p + block.fc2Weight.offset, rows: n, inFeatures: f, outFeatures: c)
                df2.update(repeating: 0, count: n * f)
                geluBackward(din: df2, dout: df, inp: a.fc1.pointer, count: n * f)
                dc.update(repeating: 0, count: n * c)
                linearBackward(dinp: dc, dweight: g + block.fc1Weight.offset, dbias: g + block.fc1Bias.offset, dout: df2,
                               inp: a.ln2.pointer, weight: p + block.fc1Weight.offset, rows: n, inFeatures: c, outFeatures: f)
                layerNormBackward(dinp: dRes, dgain: g + block.ln2Gain.offset, doffset: g + block.ln2Offset.offset, dout: dc,
                                  inp: a.residual1.pointer, gain: p + block.ln2Gain.offset, mean: a.ln2Mean.pointer,
                                  rstd: a.ln2Rstd.pointer, rows: n, channels: c)
                // residual1 = x_in + proj(attention(qkv(ln1(x_in))))
                dc2.update(repeating: 0, count: n * c)
                linearBackward(dinp: dc2, dweight: g + block.projWeight.offset, dbias: g + block.projBias.offset, dout: dRes,
                               inp: a.attOut.pointer, weight: p + block.projWeight.offset, rows: n, inFeatures: c, outFeatures: c)
                dqkv.update(repeating: 0, count: n * 3 * c)
                attentionBackward(dqkv: dqkv, scratch: datt, dout: dc2, qkv: a.qkv.pointer, att: a.att.pointer,
                                  batch: b, length: t, channels: c, heads: nh)
                dc.update(repeating: 0, count: n * c)
                linearBackward(dinp: dc, dweight: g + block.qkvWeight.offset, dbias: g + block.qkvBias.offset, dout: dqkv,
                               inp: a.ln1.pointer, weight: p + block.qkvWeight.offset, rows: n, inFeatures: c, outFeatures: 3 * c)
                layerNormBackward(dinp: dRes, dgain: g + block.ln1Gain.offset, doffset: g + block.ln1Offset.offset, dout: dc,
                                  inp: blockInput, gain: p + block.ln1Gain.offset, mean: a.ln1Mean.pointer,
                                  rstd: a.ln1Rstd.pointer, rows: n, channels: c)
            }
        }
        // Embeddings.
        if let ids = batch.positions {
            ids.withUnsafeBufferPointer {
                embeddingBackward(dtable: g + positionEmbedding.offset, dout: dRes, indices: $0.baseAddress!, count: b * t, channels: c)
            }
        } else {
            positionEmbeddingBackward(dpositions: g + positionEmbedding.offset, dout: dRes, batch: b, length: t, channels: c)
        }
        batch.tokens.withUnsafeBufferPointer {
            embeddingBackward(dtable: g + tokenEmbedding.offset, dout: dRes, indices: $0.baseAddress!, count: n, channels: c)
        }
    }
}
