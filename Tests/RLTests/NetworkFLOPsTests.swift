import Testing
import GameKit
import Games
import Neural
@testable import RL

/// FLOP counts against hand counts of tiny networks, and the training compute of a run.
@Suite struct NetworkFLOPsTests {
    @Test func mlpMatchesAHandCount() {
        // Width 16 -> token embedding width 4. T = 10 tokens, A = 3 actions, depth 2:
        //   first layer 2*10*4*16 = 1280, hidden (16,16) 2*256 = 512;
        //   query 2*256 = 512, value 2*16 = 32; per action key 2*256 + logit 2*16 = 544, x3 = 1632.
        let config = TextPolicyNetwork.config(architecture: .mlp, width: 16, depth: 2)
        let flops = NetworkFLOPs(config: config, tokens: 10, actions: 3)
        #expect(flops.forward == 1280 + 512 + 512 + 32 + 1632)
        #expect(flops.backward == 2 * 3968 && flops.training == 3 * 3968)
    }

    @Test func convAddsItsConvolutionsAndPoolProjectionToTheMLPsCount() {
        // The MLP above (3968) plus, with D = 4 channels: per layer and cell a (9D, D)
        // product 2*10*36*4 = 2880, two layers 5760; the pooled (2D) features times (2D, H)
        // 2*8*16 = 256. Three layers add one more 2880.
        let config = TextPolicyNetwork.config(architecture: .conv, width: 16, depth: 2)
        #expect(NetworkFLOPs(config: config, tokens: 10, actions: 3).forward == 3968 + 5760 + 256)
        let deeper = TextPolicyNetwork.config(architecture: .conv, width: 16, depth: 2, convolutionLayers: 3)
        #expect(NetworkFLOPs(config: deeper, tokens: 10, actions: 3).forward == 3968 + 3 * 2880 + 256)
    }

    @Test func glimpsesAddTheirProjectionToTheMLPsCount() {
        // The MLP above (3968) plus, with D'' = 4 (the embedding width at width 16) and two
        // heads: 2 (2 + 9*4) = 76 features times (76, 16): 2*76*16 = 2432; a 5x5 window:
        // 2 (2 + 25*4) = 204 features, 2*204*16 = 6528.
        let config = TextPolicyNetwork.config(architecture: .mlp, width: 16, depth: 2, glimpses: 2)
        #expect(NetworkFLOPs(config: config, tokens: 10, actions: 3).forward == 3968 + 2432)
        let wide = TextPolicyNetwork.config(architecture: .mlp, width: 16, depth: 2, glimpses: 2, glimpseRadius: 2)
        #expect(NetworkFLOPs(config: wide, tokens: 10, actions: 3).forward == 3968 + 6528)
    }

    @Test func transformerMatchesAHandCount() {
        // Width 8, feed-forward 32, one block, T = 5, A = 2:
        //   qkv 2*5*8*24 = 1920, proj 2*5*8*8 = 640, fc1 2*5*8*32 = 2560, fc2 2560,
        //   scores 2*5*5*8 = 400, weighted sum 400; head 2*64 + 2*8 + 2 * (2*64 + 2*8) = 432.
        let config = TextPolicyNetwork.config(architecture: .transformer, width: 8, depth: 1, heads: 2)
        #expect(NetworkFLOPs(config: config, tokens: 5, actions: 2).forward == 1920 + 640 + 2560 + 2560 + 400 + 400 + 432)
        // Two blocks count the blocks twice; the head once.
        let deeper = TextPolicyNetwork.config(architecture: .transformer, width: 8, depth: 2, heads: 2)
        #expect(NetworkFLOPs(config: deeper, tokens: 5, actions: 2).forward == 2 * 8480 + 432)
    }

    @Test func attentionGrowsWithTheSquareOfTheTokens() {
        let config = TextPolicyNetwork.config(architecture: .transformer, width: 8, depth: 1, heads: 2)
        let f = { (t: Int) in NetworkFLOPs(config: config, tokens: t, actions: 1).forward }
        // f(t) = a t^2 + b t + c: the second difference is 2a = 2 * 4 * C.
        #expect(f(12) - 2 * f(11) + f(10) == 2 * 4 * 8)
    }

    @Test func trainingComputeCountsTheRolloutAndEveryEpoch() throws {
        let games = try GameCatalog.registry.games("tic-tac-toe,maze-7x7")
        var config = TrainingConfig(games: games.map(\.id))
        config.width = 16
        config.depth = 1
        let perDecision = games.map { TrainingCompute.forwardFLOPsPerDecision(config: config.model, game: $0) }
        #expect(perDecision.allSatisfy { $0 > 0 })
        // Tic-tac-toe's observation is its id and 3 rows of 3: 11 + 9 tokens, 1 to 9 actions.
        let ttt = config.model
        #expect(perDecision[0] > NetworkFLOPs(config: ttt, tokens: 20, actions: 1).forward)
        #expect(perDecision[0] < NetworkFLOPs(config: ttt, tokens: 20, actions: 9).forward)
        let mean = (perDecision[0] + perDecision[1]) / 2
        config.epochs = 4
        #expect(TrainingCompute.flops(config: config, games: games, decisions: 1000) == 1000 * mean * (1 + 3 * 4))
        config.algorithm = .a2c
        #expect(TrainingCompute.flops(config: config, games: games, decisions: 1000) == 1000 * mean * (1 + 3))
        // The estimate is seeded: the same on every call.
        #expect(TrainingCompute.forwardFLOPsPerDecision(config: config.model, game: games[0]) == perDecision[0])
    }
}
