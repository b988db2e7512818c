import Testing
import SeededRandom
import GameKit
@testable import Games

/// The registered grid tasks, by id; `everyRegisteredGridTaskIsListed` keeps this in step
/// with the registry.
let gridTasks: [String: any GridTask] = {
    let tasks: [any GridTask] = [
        Maze(size: 7), Maze(size: 9), Maze(size: 11), KeyDoor(size: 7), KeyDoor(size: 9),
        Lava(size: 7, rivers: 1), Lava(size: 9, rivers: 2), Coins(size: 6, coins: 3), Coins(size: 8, coins: 4, blocks: 4),
    ]
    return Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, $0) })
}()

/// A grid read back from observation text, with distances computed on the characters
/// alone: an oracle independent of `GridState`, `play` and the solver.
struct TextGrid {
    let cells: [[Character]]

    /// The board rows of an observation (a key-door status line is dropped).
    init(_ rows: [String], boardRows: Int) { cells = rows.prefix(boardRows).map(Array.init) }

    var positions: [(Int, Int)] { cells.indices.flatMap { r in cells[r].indices.map { (r, $0) } } }
    func find(_ symbol: Character) -> [(Int, Int)] { positions.filter { cells[$0.0][$0.1] == symbol } }

    /// Fewest moves from `start` to every cell over cells `passable` accepts (nil: unreachable).
    func distances(from start: (Int, Int), passable: (Character) -> Bool) -> [[Int?]] {
        var distance = cells.map { $0.map { _ -> Int? in nil } }
        distance[start.0][start.1] = 0
        var queue = [start], head = 0
        while head < queue.count {
            let (r, c) = queue[head]
            head += 1
            for (nr, nc) in [(r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)]
            where cells.indices.contains(nr) && cells[nr].indices.contains(nc) && distance[nr][nc] == nil && passable(cells[nr][nc]) {
                distance[nr][nc] = distance[r][c]! + 1
                queue.append((nr, nc))
            }
        }
        return distance
    }

    /// The fewest actions that solve the level, from the rules as the task family states them.
    func optimum(keyDoor: Bool) -> Int? {
        let agent = find("@")[0]
        let open: (Character) -> Bool = { $0 != "#" && $0 != "~" && $0 != "D" }
        let coins = find("$")
        if !coins.isEmpty {
            // Shortest tour from the agent through every coin, over all orders.
            let stops = [agent] + coins
            let table = stops.map { distances(from: $0, passable: open) }
            func tour(_ from: Int, _ left: [Int]) -> Int? {
                if left.isEmpty { return 0 }
                return left.compactMap { next -> Int? in
                    guard let leg = table[from][stops[next].0][stops[next].1],
                          let rest = tour(next, left.filter { $0 != next }) else { return nil }
                    return leg + rest
                }.min()
            }
            return tour(0, Array(1..<stops.count))
        }
        let goal = find("G")[0]
        guard keyDoor else { return distances(from: agent, passable: open)[goal.0][goal.1] }
        // Walk to the key, pick it, walk next to the door, toggle, walk through to the goal.
        let key = find("K")[0], door = find("D")[0]
        guard let toKey = distances(from: agent, passable: open)[key.0][key.1] else { return nil }
        let fromKey = distances(from: key, passable: open)
        return [(door.0 - 1, door.1), (door.0 + 1, door.1), (door.0, door.1 - 1), (door.0, door.1 + 1)].compactMap { side -> Int? in
            guard let toSide = fromKey[side.0][side.1],
                  let toGoal = distances(from: side, passable: { $0 != "#" && $0 != "~" })[goal.0][goal.1] else { return nil }
            return toKey + 1 + toSide + 1 + toGoal
        }.min()
    }
}

/// Plays action texts and returns the final state.
func playing<T: GridTask>(_ task: T, _ actions: [String], from start: GridState) throws -> GridState {
    var state = start
    for action in actions { try task.apply(action, to: &state) }
    return state
}

@Suite struct GridTaskTests {
    // MARK: Hand-built levels, shortest paths counted by hand

    @Test func mazeShortestPathCountedByHand() throws {
        let maze = Maze(size: 7)
        let level = maze.level([
            "#######",
            "#@..#.#",
            "###.#.#",
            "#...#.#",
            "#.###.#",
            "#....G#",
            "#######",
        ])
        // right 2, down 2, left 2, down 2, right 4: the only way round.
        let solution = try #require(maze.shortestSolution(from: level))
        #expect(solution.map(GridAction.text) == ["right", "right", "down", "down", "left", "left",
                                                  "down", "down", "right", "right", "right", "right"])
        #expect(maze.observationRows(of: level)[1] == "#@..#.#")
        let end = try playing(maze, solution.map(GridAction.text), from: level)
        #expect(maze.returns(in: end) == [TaskReward.success(steps: 12, maxLength: 98)])
        #expect(maze.render(end).contains("step 12 of 98, solved"))
        #expect(maze.legalActionIDs(in: end).isEmpty)
        // Bumping a wall costs a step and moves nothing.
        let bumped = try playing(maze, ["up"], from: level)
        #expect(bumped.agent == level.agent && bumped.steps == 1)
        #expect(maze.legalActions(in: level) == ["down", "left", "right", "up"])
    }

    @Test func keyDoorNeedsTheKeyThenTheToggle() throws {
        let task = KeyDoor(size: 7)
        let level = task.level([
            "#######",
            "#@.#..#",
            "#..#..#",
            "#K.D.G#",
            "#..#..#",
            "#..#..#",
            "#######",
        ])
        // down 2 to the key, pick, right 1 next to the door, toggle, right 3 through it: 8.
        let solution = try #require(task.shortestSolution(from: level))
        #expect(solution.map(GridAction.text) == ["down", "down", "pick", "right", "toggle", "right", "right", "right"])
        #expect(task.legalActions(in: level) == ["down", "left", "pick", "right", "toggle", "up"])

        // Next to the door without the key: toggling does nothing, walking in bumps.
        let noKey = try playing(task, ["down", "down", "right", "toggle", "right"], from: level)
        #expect(!noKey.doorOpen && noKey.agent == level.agent + 2 * 7 + 1)
        #expect(task.observationRows(of: noKey).count == 7, "no status line without the key")
        // Pick away from the key and toggle away from the door do nothing either.
        let early = try playing(task, ["pick", "down", "down", "pick", "toggle"], from: level)
        #expect(early.holdsKey && !early.doorOpen)
        #expect(task.observationRows(of: early).last == "key----")
        #expect(task.observationRows(of: early)[3] == "#@.D.G#")
        #expect(task.render(early).contains("holding the key, door locked"))

        let end = try playing(task, solution.map(GridAction.text), from: level)
        #expect(end.doorOpen && task.returns(in: end) == [TaskReward.success(steps: 8, maxLength: 98)])
        // Once open the door is floor, and stays open.
        let through = try playing(task, ["down", "down", "pick", "right", "toggle", "right", "toggle"], from: level)
        #expect(through.doorOpen && task.observationRows(of: through)[3] == "#..@.G#")
    }

    @Test func lavaEndsTheEpisodeWithNothing() throws {
        let task = Lava(size: 7, rivers: 1)
        let level = task.level([
            "#######",
            "#@.~..#",
            "#..~..#",
            "#..~.G#",
            "#.....#",
            "#..~..#",
            "#######",
        ])
        // The goal is 6 steps away as the crow flies, 8 through the gap: down 3, right 4, up 1.
        #expect(task.shortestSolution(from: level)?.count == 8)
        let burnt = try playing(task, ["right", "right"], from: level)
        #expect(task.returns(in: burnt) == [0])
        #expect(task.legalActionIDs(in: burnt).isEmpty)
        #expect(task.shortestSolution(from: burnt) == nil)
        #expect(task.render(burnt).contains("fell into lava"))
        let solution = try #require(task.shortestSolution(from: level))
        let end = try playing(task, solution.map(GridAction.text), from: level)
        #expect(task.returns(in: end) == [TaskReward.success(steps: 8, maxLength: 98)])
    }

    @Test func coinsAreAllNeeded() throws {
        let task = Coins(size: 6, coins: 3)
        let level = task.level([
            "######",
            "#@..$#",
            "#....#",
            "#$...#",
            "#...$#",
            "######",
        ])
        // Tours: left coin first 2 + 4 + 3 = 9; every other order takes 10 or more.
        let solution = try #require(task.shortestSolution(from: level))
        #expect(solution.count == 9)
        let twoCoins = try playing(task, ["down", "down", "down", "right", "right", "right"], from: level)
        #expect(twoCoins.coins.count == 1 && task.returns(in: twoCoins) == nil)
        #expect(task.observationRows(of: twoCoins) == ["######", "#...$#", "#....#", "#....#", "#...@#", "######"])
        #expect(task.render(twoCoins).contains("1 coin left"))
        let end = try playing(task, ["up", "up", "up"], from: twoCoins)
        #expect(task.returns(in: end) == [TaskReward.success(steps: 9, maxLength: 72)])
    }

    @Test func theStepBudgetEndsEpisodesAndBoundsSolutions() throws {
        let maze = Maze(size: 7)
        var level = maze.level([
            "#######",
            "#@..#.#",
            "###.#.#",
            "#...#.#",
            "#.###.#",
            "#....G#",
            "#######",
        ])
        level.steps = maze.maxLength - 11
        #expect(maze.shortestSolution(from: level) == nil, "12 steps needed, 11 left")
        level.steps = maze.maxLength - 12
        let solution = try #require(maze.shortestSolution(from: level))
        let end = try playing(maze, solution.map(GridAction.text), from: level)
        #expect(maze.returns(in: end) == [TaskReward.success(steps: maze.maxLength, maxLength: maze.maxLength)])
        var wasted = maze.level(["#######", "#@..#.#", "###.#.#", "#...#.#", "#.###.#", "#....G#", "#######"])
        for _ in 0..<maze.maxLength { maze.play(GridAction.up, in: &wasted) }
        #expect(maze.returns(in: wasted) == [0])
        #expect(maze.render(wasted).contains("out of steps"))
    }

    // MARK: Every registered task, many seeds

    @Test func everyRegisteredGridTaskIsListed() {
        let registered = GameCatalog.registry.entries.map { $0.make() }.filter { $0.initialState(seed: 0).base is GridState }
        #expect(Set(registered.map(\.id)) == Set(gridTasks.keys))
        #expect(registered.allSatisfy { $0.isSolvableTask })
    }

    @Test(arguments: gridTasks.keys.sorted())
    func solutionsAreShortestAndReplayToSuccess(id: String) {
        check(gridTasks[id]!)
    }

    /// For seeds 0..<500: the solver's length equals the text oracle's and leaves the budget
    /// room to explore, replaying it succeeds with the reward for that length; for the first
    /// 100, random walks never beat it.
    func check(_ task: some GridTask) {
        var problems: [String] = []
        var rng = SeededGenerator(seed: 99)
        var randomSuccesses = 0
        for seed in 0..<500 {
            let start = task.initialState(seed: UInt64(seed))
            guard let solution = task.shortestSolution(from: start) else { problems.append("seed \(seed) unsolvable"); continue }
            let grid = TextGrid(task.observationRows(of: start), boardRows: task.rows)
            let oracle = grid.optimum(keyDoor: task.hasKeyAndDoor)
            if 3 * solution.count > task.maxLength { problems.append("seed \(seed): optimum \(solution.count) is over a third of the budget") }
            if oracle != solution.count { problems.append("seed \(seed): solver \(solution.count), oracle \(oracle.map(String.init) ?? "none")") }
            var state = start
            for action in solution { task.play(action, in: &state) }
            if task.returns(in: state) != [TaskReward.success(steps: solution.count, maxLength: task.maxLength)] {
                problems.append("seed \(seed): replay ends with \(String(describing: task.returns(in: state)))")
            }
            guard seed < 100 else { continue }
            // Random walks up to three times the optimum: a success must not come sooner.
            for _ in 0..<200 {
                var walk = start
                while walk.steps < 3 * solution.count, task.returns(in: walk) == nil {
                    let actions = task.legalActionIDs(in: walk)
                    task.play(actions[rng.below(actions.count)], in: &walk)
                }
                if walk.outcome == .success {
                    randomSuccesses += 1
                    if walk.steps < solution.count { problems.append("seed \(seed): a random walk won in \(walk.steps) < \(solution.count)") }
                }
            }
            if problems.count > 5 { break }
        }
        #expect(problems.isEmpty, "\(task.id): \(problems.prefix(5).joined(separator: "; "))")
        #expect(randomSuccesses > 0, "\(task.id): the random walks never succeeded, so they checked nothing")
    }

    @Test(arguments: ["maze-7x7", "maze-9x9", "maze-11x11"])
    func mazesArePerfect(id: String) {
        // A perfect maze's open cells form a spanning tree: connected, with one adjacency
        // fewer than cells (a connected graph with V - 1 edges has no cycle).
        let maze = gridTasks[id]!
        for seed in 0..<500 {
            let grid = TextGrid(maze.observationRows(of: maze.initialState(seed: UInt64(seed))), boardRows: maze.rows)
            let open = grid.positions.filter { grid.cells[$0.0][$0.1] != "#" }
            var adjacent = 0
            for (r, c) in open {
                if grid.cells[r][c + 1] != "#" { adjacent += 1 }
                if grid.cells[r + 1][c] != "#" { adjacent += 1 }
            }
            let reached = grid.distances(from: open[0]) { $0 != "#" }.joined().compactMap { $0 }.count
            #expect(adjacent == open.count - 1 && reached == open.count, "\(id) seed \(seed) is not a perfect maze")
            #expect(open.count == 2 * ((maze.rows - 1) / 2) * ((maze.rows - 1) / 2) - 1, "every room is carved")
            if adjacent != open.count - 1 || reached != open.count { break }
        }
    }

    @Test func generatedLevelsHaveTheirFamilysShape() {
        for seed in 0..<200 {
            for task in [KeyDoor(size: 7), KeyDoor(size: 9)] {
                let grid = TextGrid(task.observationRows(of: task.initialState(seed: UInt64(seed))), boardRows: task.rows)
                // The locked door is the only way to the goal.
                let agent = grid.find("@")[0], goal = grid.find("G")[0]
                #expect(grid.distances(from: agent) { $0 != "#" && $0 != "D" }[goal.0][goal.1] == nil)
                #expect(grid.find("K").count == 1 && grid.find("D").count == 1)
            }
            for task in [Lava(size: 7, rivers: 1), Lava(size: 9, rivers: 2)] {
                let grid = TextGrid(task.observationRows(of: task.initialState(seed: UInt64(seed))), boardRows: task.rows)
                // Each river spans the room's inside but for one gap.
                #expect(grid.find("~").count == task.rivers * (task.size - 3))
            }
            for task in [Coins(size: 6, coins: 3), Coins(size: 8, coins: 4, blocks: 4)] {
                let grid = TextGrid(task.observationRows(of: task.initialState(seed: UInt64(seed))), boardRows: task.rows)
                #expect(grid.find("$").count == task.coins)
                #expect(grid.find("#").count == 4 * (task.size - 1) + task.blocks)
            }
        }
    }

    @Test(arguments: gridTasks.keys.sorted())
    func sameSeedSameLevelAndSeedsVary(id: String) {
        let task = gridTasks[id]!
        let levels = (0..<100).map { task.initialState(seed: UInt64($0)) }
        #expect(levels == (0..<100).map { task.initialState(seed: UInt64($0)) })
        #expect(Set(levels).count >= 90, "\(id): only \(Set(levels).count) distinct levels in 100 seeds")
    }
}
