#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SeededRandom

/// Monte Carlo tree search with UCT selection (Kocsis and Szepesvari 2006) and
/// uniformly random rollouts, `simulations` per move. Seeded through the generator
/// it is given, so the same seed plays the same game.
public struct MCTSPlayer: GamePlayer {
    public let simulations: Int
    /// The UCT exploration constant c in Q + c sqrt(ln N / n). UCB1's sqrt(2) is for rewards
    /// in [0, 1]; the default 2 sqrt(2) is the same for returns in [-1, 1], whose range is 2.
    public let exploration: Double

    public var name: String { "mcts:\(simulations)" }

    public init(simulations: Int, exploration: Double = 2 * 2.0.squareRoot()) {
        precondition(simulations >= 1, "MCTS needs at least one simulation")
        self.simulations = simulations
        self.exploration = exploration
    }

    private struct Node<State> {
        var state: State
        /// The player who chose the move into this node (whose return its total counts).
        var owner: Int
        var untried: [Int]
        var children: [(action: Int, node: Int)] = []
        var visits = 0
        var total = 0.0
        var terminalReturns: [Double]?
    }

    public mutating func chooseAction<G: Game>(in game: G, state: G.State, using rng: inout SeededGenerator) -> Int {
        let rootActions = game.legalActionIDs(in: state)
        precondition(!rootActions.isEmpty, "MCTS asked to move in a finished game of \(game.id)")
        if rootActions.count == 1 { return rootActions[0] }
        var nodes = [Node(state: state, owner: -1, untried: rootActions, terminalReturns: nil)]
        var path: [Int] = []
        for _ in 0..<simulations {
            path.removeAll(keepingCapacity: true)
            var index = 0
            path.append(index)
            // Selection: descend through fully expanded nodes.
            while nodes[index].untried.isEmpty && !nodes[index].children.isEmpty {
                let parentVisits = Double(nodes[index].visits)
                var best = -Double.infinity, bestChild = 0
                for child in nodes[index].children {
                    let node = nodes[child.node]
                    let score = node.total / Double(node.visits) + exploration * (log(parentVisits) / Double(node.visits)).squareRoot()
                    if score > best { best = score; bestChild = child.node }
                }
                index = bestChild
                path.append(index)
            }
            // Expansion: one untried action.
            if !nodes[index].untried.isEmpty {
                let pick = Int(rng.next() % UInt64(nodes[index].untried.count))
                let action = nodes[index].untried.remove(at: pick)
                var child = nodes[index].state
                let owner = game.currentPlayer(in: child)
                game.play(action, in: &child)
                let childReturns = game.returns(in: child)
                nodes.append(Node(state: child, owner: owner, untried: childReturns == nil ? game.legalActionIDs(in: child) : [],
                                  terminalReturns: childReturns))
                nodes[index].children.append((action, nodes.count - 1))
                index = nodes.count - 1
                path.append(index)
            }
            // Rollout.
            let returns = nodes[index].terminalReturns
                ?? game.returns(in: game.randomPlayout(from: nodes[index].state, using: &rng))!
            // Backpropagation: each node counts the return of the player who moved into it.
            for i in path {
                nodes[i].visits += 1
                if nodes[i].owner >= 0 { nodes[i].total += returns[nodes[i].owner] }
            }
        }
        return nodes[0].children.max { nodes[$0.node].visits < nodes[$1.node].visits }!.action
    }
}
