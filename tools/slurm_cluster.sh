#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, to try `execution.backend: "slurm"` and to test
# it: Debian's slurm-wlm (slurmctld, slurmd, the client commands) with munge, run as root.
#   tools/slurm_cluster.sh start   install what is missing, write the configuration, start
#                                  munged, slurmctld and slurmd, wait until the node is idle
#                                  (nothing to do when they already run)
#   tools/slurm_cluster.sh stop    stop the daemons
#   tools/slurm_cluster.sh status  sinfo and squeue
# The configuration (/etc/slurm/slurm.conf) describes this machine's real CPUs and memory,
# one partition "tunebench", no accounting database (tunebench then reads job states from
# squeue and from the run folders). A slurm.conf this script did not write is never touched.
set -euo pipefail

conf=/etc/slurm/slurm.conf
marker="# written by tunebench tools/slurm_cluster.sh"
spool=/var/spool/tunebench-slurm
logs=/var/log/tunebench-slurm

say() { echo "slurm_cluster: $*"; }
die() { echo "slurm_cluster: $*" >&2; exit 1; }

need_root() { [ "$(id -u)" -eq 0 ] || die "run as root: it installs packages and starts the Slurm daemons"; }

install_missing() {
  local missing=()
  for p in munge slurmctld slurmd slurm-client; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

start_munge() {
  mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
  chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key
  if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
    pkill -x munged 2>/dev/null || true
    if id munge >/dev/null 2>&1; then
      su -s /bin/sh munge -c "/usr/sbin/munged --force" || /usr/sbin/munged --force
    else
      /usr/sbin/munged --force
    fi
    for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  munge -n </dev/null | unmunge >/dev/null || die "munged does not answer (see /var/log/munge/munged.log)"
}

write_conf() {
  if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
    die "$conf exists and was not written by this script; not touching it"
  fi
  local host node
  host=$(hostname -s)
  # slurmd -C prints this node's line (CPUs, sockets, cores, threads, RealMemory).
  node=$(slurmd -C | grep '^NodeName=' | sed -e 's/ UpTime=.*//')
  [ -n "$node" ] || die "slurmd -C did not describe this node"
  # A job that names no memory gets its CPUs' share of the node's, not all of it (which
  # would let one job at a time run).
  local cpus memory
  cpus=$(echo "$node" | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p')
  memory=$(echo "$node" | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
  mkdir -p /etc/slurm "$spool/ctld" "$spool/d" "$logs"
  cat >"$conf" <<EOF
$marker
ClusterName=tunebench
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$spool/ctld
SlurmdSpoolDir=$spool/d
SlurmctldPidFile=/run/tunebench-slurmctld.pid
SlurmdPidFile=/run/tunebench-slurmd.pid
SlurmctldLogFile=$logs/slurmctld.log
SlurmdLogFile=$logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Seconds between the SIGTERM of a cancelled or timed-out job and its SIGKILL: a tunebench
# worker checkpoints at its next step and exits well within it.
KillWait=10
MinJobAge=300
DefMemPerCPU=$((memory / cpus))
MaxArraySize=10001
$node
PartitionName=tunebench Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

start_daemons() {
  if pgrep -x slurmctld >/dev/null && pgrep -x slurmd >/dev/null && sinfo -h >/dev/null 2>&1; then
    say "already running (tools/slurm_cluster.sh stop, then start, to restart it)"
    return 0
  fi
  pkill -x slurmd 2>/dev/null || true
  pkill -x slurmctld 2>/dev/null || true
  sleep 0.5
  /usr/sbin/slurmctld -i || die "slurmctld did not start (see $logs/slurmctld.log)"
  /usr/sbin/slurmd || die "slurmd did not start (see $logs/slurmd.log)"
  local host
  host=$(hostname -s)
  for _ in $(seq 100); do
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
    case "$state" in idle*) say "node $host is $state"; return 0 ;; esac
    sleep 0.2
  done
  scontrol update nodename="$host" state=resume 2>/dev/null || true
  sleep 1
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  case "$state" in idle*) say "node $host is $state"; return 0 ;; esac
  die "the node is '${state:-unknown}', not idle, 20 s after start (see $logs/)"
}

case "${1:-start}" in
  start)
    need_root
    install_missing
    start_munge
    write_conf
    start_daemons
    ;;
  stop)
    pkill -x slurmd 2>/dev/null || true
    pkill -x slurmctld 2>/dev/null || true
    say "stopped"
    ;;
  status)
    sinfo
    squeue
    ;;
  *) die "usage: $0 start|stop|status" ;;
esac
