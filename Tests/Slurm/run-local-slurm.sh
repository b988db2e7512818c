#!/usr/bin/env bash
# Proves the cluster path of `play sweep` on a real, single-node Slurm on this machine:
# starts munged, slurmctld and slurmd on localhost (private sockets, ports and state under
# a temporary directory, so nothing of the system's is touched), emits the Slurm job array
# of a tiny sweep plan with `play sweep --emit slurm`, submits it with sbatch, waits for
# it, and checks that every cell's run directory has its final checkpoint and final
# evaluation, then runs `play scaling` on the result. Everything it started is stopped on
# exit, whatever happens.
#
#   Tests/Slurm/run-local-slurm.sh [PLAY]     PLAY: the play executable (default .build/debug/play)
#
# Needs root and the Debian packages slurm-wlm and munge. Exit status 0: the array ran and
# the results are in place; 1: something failed (the daemons' logs are printed).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PLAY=$(realpath "${1:-$ROOT/.build/debug/play}")
TIMEOUT=${SLURM_TEST_TIMEOUT:-300}
for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y slurm-wlm munge"; exit 1; }
done
[ -x "$PLAY" ] || { echo "no play executable at $PLAY: run swift build first"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root (slurmd must start jobs)"; exit 1; }

WORK=$(mktemp -d /tmp/mgl-slurm.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ "$status" != 0 ]; then
        for log in "$WORK"/*.log "$WORK"/sweep/logs/*; do
            [ -f "$log" ] && { echo "--- $log"; tail -n 25 "$log"; }
        done
    fi
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT INT TERM

# munge: a fresh key and a private socket, run as the munge user (munged refuses root).
install -d -o munge -g munge -m 755 "$WORK/munge"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1 count=1024 status=none
chown munge:munge "$WORK/munge/munge.key"
chmod 400 "$WORK/munge/munge.key"
SOCKET="$WORK/munge/munge.socket"
runuser -u munge -- munged --foreground --socket="$SOCKET" --key-file="$WORK/munge/munge.key" \
    --pid-file="$WORK/munge/munged.pid" --seed-file="$WORK/munge/munged.seed" \
    --log-file="$WORK/munge/munged.log" >"$WORK/munged.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done
[ -S "$SOCKET" ] || { echo "munged did not start"; exit 1; }

# Slurm: one node, this machine as slurmd -C describes it (CPUs, sockets, cores, memory).
HOST=$(hostname -s)
NODE=$(slurmd -C | head -n 1)
PORT=$((20000 + RANDOM % 20000))
mkdir -p "$WORK/state" "$WORK/spool"
export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=mgl
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=60
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i >"$WORK/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D >"$WORK/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do
    sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
    sleep 0.2
done
sinfo -h -N -o '%N %T %c %m' || true
sinfo -h -N -o '%T' | grep -qE '^(idle|mixed|allocated)' || { echo "the node did not come up"; exit 1; }

# A tiny plan: 2 games x 1 architecture x 2 widths x 1 seed = 4 cells, a few hundred steps each.
cat >"$WORK/plan.json" <<'EOF'
{"name": "slurm-smoke", "games": ["tic-tac-toe", "maze-7x7"], "architectures": ["mlp"], "widths": [8, 16],
 "depths": [1], "seeds": 1, "steps": 300, "threads": 1,
 "train": {"envs": 8, "decisions-per-update": 128, "eval-every": 0, "eval-games": 10, "eval-mcts": 0},
 "slurm": {"time": "00:10:00"}}
EOF
"$PLAY" sweep "$WORK/plan.json" --emit slurm --out "$WORK/sweep"
bash -n "$WORK/sweep/sweep.sbatch"
sbatch --test-only "$WORK/sweep/sweep.sbatch"
JOB=$(sbatch --parsable "$WORK/sweep/sweep.sbatch")
JOB=${JOB%%;*}
echo "submitted job array $JOB"
DEADLINE=$((SECONDS + TIMEOUT))
while squeue -h -j "$JOB" 2>/dev/null | grep -q .; do
    [ "$SECONDS" -lt "$DEADLINE" ] || { echo "job $JOB still queued or running after $TIMEOUT s"; squeue; scancel "$JOB" || true; exit 1; }
    sleep 1
done

# Every cell finished, as the sweep itself judges it, and the results aggregate.
CELLS=$(($(wc -l <"$WORK/sweep/cells.tsv") - 1))
LIST=$("$PLAY" sweep "$WORK/plan.json" --list --out "$WORK/sweep")
echo "$LIST"
FINISHED=$(grep -c ' finished ' <<<"$LIST" || true)
[ "$FINISHED" = "$CELLS" ] || { echo "only $FINISHED of $CELLS cells finished"; exit 1; }
ls "$WORK"/sweep/logs/slurm-"$JOB"_*.out >/dev/null
"$PLAY" scaling "$WORK/sweep" | tail -n 3
[ -s "$WORK/sweep/scaling.json" ]
echo "slurm: all $CELLS cells of job array $JOB finished under slurmctld/slurmd on $HOST"
