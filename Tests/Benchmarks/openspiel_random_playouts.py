#!/usr/bin/env python3
"""Random playouts per second with OpenSpiel's Python API, the reference the lab's
`play bench --workloads games` is compared with (game-suite issue).

    pip install open-spiel
    python3 Tests/Benchmarks/openspiel_random_playouts.py [--seconds 3] [--blocks 3]

Each game is played from the start with uniformly random legal actions until it ends,
in one Python thread; one JSON line per game gives the median of the blocks. The lab's
ids are mapped to the nearest OpenSpiel game (same board, same rules where OpenSpiel
has them; OpenSpiel's go allows suicide-free simple ko and its othello is 8x8 only).
"""
import argparse
import json
import random
import statistics
import time

import pyspiel

GAMES = {
    "tic-tac-toe": ("tic_tac_toe", {}),
    "connect-four": ("connect_four", {}),
    "breakthrough-6x6": ("breakthrough", {"rows": 6, "columns": 6}),
    "othello-8x8": ("othello", {}),
    "hex-7x7": ("hex", {"board_size": 7}),
    "go-lite-5x5": ("go", {"board_size": 5, "komi": 24.5}),
    "go-lite-7x7": ("go", {"board_size": 7, "komi": 8.5}),
    "go-lite-9x9": ("go", {"board_size": 9, "komi": 7.5}),
}


def block(game, seconds, rng):
    games = moves = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        state = game.new_initial_state()
        while not state.is_terminal():
            state.apply_action(rng.choice(state.legal_actions()))
            moves += 1
        games += 1
    return games / (time.perf_counter() - start), moves / games


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--blocks", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(0)
    for lab_id, (name, params) in GAMES.items():
        game = pyspiel.load_game(name, params)
        results = [block(game, args.seconds, rng) for _ in range(args.blocks)]
        print(json.dumps({"game": lab_id, "openspiel_game": name, "params": params,
                          "games_per_second": round(statistics.median(r[0] for r in results), 1),
                          "moves_per_game": round(statistics.median(r[1] for r in results), 2),
                          "open_spiel": pyspiel.__version__ if hasattr(pyspiel, "__version__") else "?"}),
              flush=True)


if __name__ == "__main__":
    main()
