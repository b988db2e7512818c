import Testing
@testable import Neural

/// Finite-difference checks of every layer's backward against its forward.
@Suite struct LayerGradientTests {
    @Test func linear() {
        let (n, c, oc) = (3, 5, 4)
        let x = tensor(randomValues(n * c, seed: 1)), w = tensor(randomValues(oc * c, seed: 2)), b = tensor(randomValues(oc, seed: 3))
        let proj = randomValues(n * oc, seed: 4)
        let out = zeros(n * oc)
        func loss() -> Double {
            linearForward(out: out.pointer, inp: x.pointer, weight: w.pointer, bias: b.pointer, rows: n, inFeatures: c, outFeatures: oc)
            return projected(out.pointer, proj)
        }
        _ = loss()
        let dx = zeros(n * c), dw = zeros(oc * c), db = zeros(oc), dout = tensor(proj)
        linearBackward(dinp: dx.pointer, dweight: dw.pointer, dbias: db.pointer, dout: dout.pointer, inp: x.pointer,
                       weight: w.pointer, rows: n, inFeatures: c, outFeatures: oc)
        checkGradient("x", values: x.pointer, analytic: dx.array(), loss: loss)
        checkGradient("w", values: w.pointer, analytic: dw.array(), loss: loss)
        checkGradient("b", values: b.pointer, analytic: db.array(), loss: loss)
    }

    @Test func linearForwardByHand() {
        // x (1, 2) · W (2, 3) + b, weights stored (in, out).
        let out = zeros(3)
        linearForward(out: out.pointer, inp: tensor([1, 2]).pointer, weight: tensor([1, 2, 3, 4, 5, 6]).pointer,
                      bias: tensor([0.5, 0, 0]).pointer, rows: 1, inFeatures: 2, outFeatures: 3)
        #expect(out.array() == [9.5, 12, 15])
    }

    @Test func linearWithoutBiasOverwritesItsOutput() {
        let out = tensor([100, 100, 100])
        linearForward(out: out.pointer, inp: tensor([1, 2]).pointer, weight: tensor([1, 2, 3, 4, 5, 6]).pointer,
                      bias: nil, rows: 1, inFeatures: 2, outFeatures: 3)
        #expect(out.array() == [9, 12, 15])
    }

    @Test func linearBackwardAccumulates() {
        // Backward only adds: running it twice doubles every gradient.
        let (n, c, oc) = (2, 3, 2)
        let x = tensor(randomValues(n * c, seed: 5)), w = tensor(randomValues(oc * c, seed: 6))
        let dout = tensor(randomValues(n * oc, seed: 7))
        let dx = zeros(n * c), dw = zeros(oc * c), db = zeros(oc)
        linearBackward(dinp: dx.pointer, dweight: dw.pointer, dbias: db.pointer, dout: dout.pointer, inp: x.pointer,
                       weight: w.pointer, rows: n, inFeatures: c, outFeatures: oc)
        let once = dw.array() + dx.array() + db.array()
        linearBackward(dinp: dx.pointer, dweight: dw.pointer, dbias: db.pointer, dout: dout.pointer, inp: x.pointer,
                       weight: w.pointer, rows: n, inFeatures: c, outFeatures: oc)
        let twice = dw.array() + dx.array() + db.array()
        for (a, b) in zip(once, twice) { #expect(abs(2 * a - b) <= 1e-6 * max(1, abs(b))) }
    }

    @Test func tokenAndPositionEmbeddings() {
        let (b, t, c, v) = (2, 3, 4, 5)
        let indices: [Int32] = [0, 4, 4, 2, 1, 0]
        let table = tensor(randomValues(v * c, seed: 8)), positions = tensor(randomValues(t * c, seed: 9))
        let proj = randomValues(b * t * c, seed: 10)
        let out = zeros(b * t * c)
        func loss() -> Double {
            embeddingForward(out: out.pointer, indices: indices, table: table.pointer, count: b * t, channels: c)
            positionEmbeddingForward(out: out.pointer, positions: positions.pointer, batch: b, length: t, channels: c)
            return projected(out.pointer, proj)
        }
        _ = loss()
        let dtable = zeros(v * c), dpositions = zeros(t * c), dout = tensor(proj)
        embeddingBackward(dtable: dtable.pointer, dout: dout.pointer, indices: indices, count: b * t, channels: c)
        positionEmbeddingBackward(dpositions: dpositions.pointer, dout: dout.pointer, batch: b, length: t, channels: c)
        checkGradient("table", values: table.pointer, analytic: dtable.array(), loss: loss)
        checkGradient("positions", values: positions.pointer, analytic: dpositions.array(), loss: loss)
        // Row 3 of the table is never used: its gradient must be exactly zero.
        #expect(dtable.array()[(3 * c)..<(4 * c)].allSatisfy { $0 == 0 })
    }

    @Test func embeddingBagWithMask() {
        let (b, t, c, rows) = (2, 3, 4, 7)
        let indices: [Int32] = [1, 3, 6, 0, 3, 5]
        let mask: [Float] = [1, 1, 0, 1, 1, 1]
        let table = tensor(randomValues(rows * c, seed: 11))
        let proj = randomValues(b * c, seed: 12)
        let out = zeros(b * c)
        func loss() -> Double {
            embeddingBagForward(out: out.pointer, indices: indices, mask: mask, table: table.pointer, batch: b, length: t, channels: c)
            return projected(out.pointer, proj)
        }
        _ = loss()
        let dtable = zeros(rows * c)
        embeddingBagBackward(dtable: dtable.pointer, dout: tensor(proj).pointer, indices: indices, mask: mask,
                             batch: b, length: t, channels: c)
        checkGradient("table", values: table.pointer, analytic: dtable.array(), loss: loss)
        // Index 6 sits under a mask of 0: no gradient reaches it.
        #expect(dtable.array()[(6 * c)..<(7 * c)].allSatisfy { $0 == 0 })
    }

    @Test func gatheredDot() {
        // Three queries, four keys, six pairs (one key used twice, one query never).
        let (b, u, c) = (3, 4, 5)
        let queryOf: [Int32] = [0, 0, 2, 2, 2, 0], keyOf: [Int32] = [1, 3, 0, 1, 2, 3]
        let queries = tensor(randomValues(b * c, seed: 41)), keys = tensor(randomValues(u * c, seed: 42))
        let proj = randomValues(queryOf.count, seed: 43)
        let out = zeros(queryOf.count)
        func loss() -> Double {
            gatheredDotForward(out: out.pointer, queries: queries.pointer, keys: keys.pointer, queryOf: queryOf, keyOf: keyOf,
                               count: queryOf.count, channels: c, scale: 0.7)
            return projected(out.pointer, proj)
        }
        _ = loss()
        let dq = zeros(b * c), dk = zeros(u * c)
        gatheredDotBackward(dqueries: dq.pointer, dkeys: dk.pointer, dout: tensor(proj).pointer, queries: queries.pointer,
                            keys: keys.pointer, queryOf: queryOf, keyOf: keyOf, count: queryOf.count, channels: c, scale: 0.7)
        checkGradient("queries", values: queries.pointer, analytic: dq.array(), loss: loss)
        checkGradient("keys", values: keys.pointer, analytic: dk.array(), loss: loss)
        #expect(dq.array()[c..<(2 * c)].allSatisfy { $0 == 0 }, "query 1 scores nothing")
    }

    @Test func layerNorm() {
        let (n, c) = (3, 6)
        let x = tensor(randomValues(n * c, seed: 13, scale: 2))
        let gain = tensor(randomValues(c, seed: 14).map { 1 + $0 * 0.5 }), offset = tensor(randomValues(c, seed: 15))
        let proj = randomValues(n * c, seed: 16)
        let out = zeros(n * c), mean = zeros(n), rstd = zeros(n)
        func loss() -> Double {
            layerNormForward(out: out.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: x.pointer, gain: gain.pointer,
                             offset: offset.pointer, rows: n, channels: c)
            return projected(out.pointer, proj)
        }
        _ = loss()
        let dx = zeros(n * c), dgain = zeros(c), doffset = zeros(c)
        layerNormBackward(dinp: dx.pointer, dgain: dgain.pointer, doffset: doffset.pointer, dout: tensor(proj).pointer,
                          inp: x.pointer, gain: gain.pointer, mean: mean.pointer, rstd: rstd.pointer, rows: n, channels: c)
        checkGradient("x", values: x.pointer, analytic: dx.array(), loss: loss)
        checkGradient("gain", values: gain.pointer, analytic: dgain.array(), loss: loss)
        checkGradient("offset", values: offset.pointer, analytic: doffset.array(), loss: loss)
        // Forward facts: with unit gain and zero offset every row has mean 0 and variance ~1.
        let plain = zeros(n * c)
        layerNormForward(out: plain.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: x.pointer,
                         gain: tensor([Float](repeating: 1, count: c)).pointer, offset: zeros(c).pointer, rows: n, channels: c)
        for row in 0..<n {
            let values = plain.array()[(row * c)..<((row + 1) * c)]
            let m = values.reduce(0, +) / Float(c)
            let variance = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(c)
            #expect(abs(m) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
    }

    @Test(arguments: ["relu", "tanh", "gelu"])
    func activation(_ name: String) {
        let n = 16
        let x = tensor(valuesAwayFromZero(n, seed: 17).map { $0 * 2 })
        let proj = randomValues(n, seed: 18)
        let out = zeros(n)
        func forward() {
            switch name {
            case "relu": reluForward(out: out.pointer, inp: x.pointer, count: n)
            case "tanh": tanhForward(out: out.pointer, inp: x.pointer, count: n)
            default: geluForward(out: out.pointer, inp: x.pointer, count: n)
            }
        }
        func loss() -> Double { forward(); return projected(out.pointer, proj) }
        forward()
        let dx = zeros(n), dout = tensor(proj)
        switch name {
        case "relu": reluBackward(din: dx.pointer, dout: dout.pointer, inp: x.pointer, count: n)
        case "tanh": tanhBackward(din: dx.pointer, dout: dout.pointer, out: out.pointer, count: n)
        default: geluBackward(din: dx.pointer, dout: dout.pointer, inp: x.pointer, count: n)
        }
        checkGradient(name, values: x.pointer, analytic: dx.array(), loss: loss)
    }

    @Test func geluMatchesPublishedValues() {
        // gelu(1) = 0.8412 and gelu(-1) = -0.1588 (tanh form; the erf form gives 0.8413 / -0.1587).
        let out = zeros(3)
        geluForward(out: out.pointer, inp: tensor([1, -1, 0]).pointer, count: 3)
        #expect(abs(out.array()[0] - 0.84119) < 1e-4)
        #expect(abs(out.array()[1] + 0.15881) < 1e-4)
        #expect(out.array()[2] == 0)
    }

    @Test func residual() {
        let n = 5
        let a = tensor(randomValues(n, seed: 19)), b = tensor(randomValues(n, seed: 20))
        let proj = randomValues(n, seed: 21)
        let out = zeros(n)
        func loss() -> Double {
            residualForward(out: out.pointer, a: a.pointer, b: b.pointer, count: n)
            return projected(out.pointer, proj)
        }
        _ = loss()
        let da = zeros(n), db = zeros(n)
        residualBackward(da: da.pointer, db: db.pointer, dout: tensor(proj).pointer, count: n)
        checkGradient("a", values: a.pointer, analytic: da.array(), loss: loss)
        checkGradient("b", values: b.pointer, analytic: db.array(), loss: loss)
    }

    @Test func attentionWithPaddingMask() {
        let (b, t, c, nh) = (2, 4, 6, 2)
        let mask: [Float] = [1, 1, 1, 0, 1, 1, 0, 0]
        let qkv = tensor(randomValues(b * t * 3 * c, seed: 22))
        let proj = randomValues(b * t * c, seed: 23)
        let out = zeros(b * t * c), att = zeros(b * nh * t * t)
        func loss() -> Double {
            attentionForward(out: out.pointer, att: att.pointer, qkv: qkv.pointer, mask: mask, batch: b, length: t, channels: c, heads: nh)
            return projected(out.pointer, proj)
        }
        _ = loss()
        // Probabilities: rows sum to 1, padded keys get exactly 0.
        let probabilities = att.array()
        for s in 0..<b {
            for h in 0..<nh {
                for i in 0..<t {
                    let row = probabilities[((s * nh + h) * t + i) * t..<((s * nh + h) * t + i + 1) * t]
                    #expect(abs(row.reduce(0, +) - 1) < 1e-5)
                    for (j, p) in row.enumerated() where mask[s * t + j] == 0 { #expect(p == 0) }
                }
            }
        }
        let dqkv = zeros(b * t * 3 * c), scratch = zeros(t * t)
        attentionBackward(dqkv: dqkv.pointer, scratch: scratch.pointer, dout: tensor(proj).pointer, qkv: qkv.pointer,
                          att: att.pointer, batch: b, length: t, channels: c, heads: nh)
        checkGradient("qkv", values: qkv.pointer, analytic: dqkv.array(), loss: loss)
    }

    @Test func maskedMeanPool() {
        let (b, t, c) = (2, 3, 4)
        let mask: [Float] = [1, 0, 1, 1, 1, 1]
        let x = tensor(randomValues(b * t * c, seed: 24))
        let proj = randomValues(b * c, seed: 25)
        let out = zeros(b * c)
        func loss() -> Double {
            maskedMeanPoolForward(out: out.pointer, inp: x.pointer, mask: mask, batch: b, length: t, channels: c)
            return projected(out.pointer, proj)
        }
        _ = loss()
        // First sequence: the mean of positions 0 and 2 only.
        let values = x.array()
        #expect(abs(out.array()[0] - (values[0] + values[2 * c]) / 2) < 1e-6)
        let dx = zeros(b * t * c)
        maskedMeanPoolBackward(din: dx.pointer, dout: tensor(proj).pointer, mask: mask, batch: b, length: t, channels: c)
        checkGradient("x", values: x.pointer, analytic: dx.array(), loss: loss)
    }

    @Test func raggedLogSoftmax() {
        let offsets: [Int32] = [0, 3, 4, 9]   // groups of 3, 1 and 5 actions
        let n = 9
        let logits = tensor(randomValues(n, seed: 26, scale: 3))
        let proj = randomValues(n, seed: 27)
        let logp = zeros(n)
        func loss() -> Double {
            raggedLogSoftmaxForward(logp: logp.pointer, logits: logits.pointer, offsets: offsets, groups: 3)
            return projected(logp.pointer, proj)
        }
        _ = loss()
        // Each group's probabilities sum to 1; a group of one action has logp exactly 0.
        let lp = logp.array()
        for g in 0..<3 {
            let total = (Int(offsets[g])..<Int(offsets[g + 1])).map { Double(expf(lp[$0])) }.reduce(0, +)
            #expect(abs(total - 1) < 1e-6)
        }
        #expect(lp[3] == 0)
        let dlogits = zeros(n)
        raggedLogSoftmaxBackward(dlogits: dlogits.pointer, dlogp: tensor(proj).pointer, logp: logp.pointer, offsets: offsets, groups: 3)
        checkGradient("logits", values: logits.pointer, analytic: dlogits.array(), loss: loss)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// GELU on lengths the vectorised loop handles in a tail.
@Suite struct GeluLengthTests {
    @Test func geluHandlesLengthsThatAreNotMultiplesOfSixteen() {
        let n = 37
        let x = tensor(randomValues(n, seed: 30, scale: 3)), out = zeros(n)
        geluForward(out: out.pointer, inp: x.pointer, count: n)
        for (xi, yi) in zip(x.array(), out.array()) {
            let reference = 0.5 * xi * (1 + tanhf(0.7978845608 * (xi + 0.044715 * xi * xi * xi)))
            #expect(abs(yi - reference) < 1e-6)
        }
    }
}
