#!/usr/bin/env bash
# The Chinchilla refit as a user runs it, side by side with its Python peer
# (tools/bench/chinchilla_scipy.py: scipy's L-BFGS-B over the same 4,500-start grid):
# wall time of each whole command, each run 3 times, and the ratio of the medians.
# tunebench's time includes its process start and, by default, its 4,000-resample
# bootstrap; `tunebench fit --bootstrap 0` is timed too. The peer does no bootstrap.
# Needs python3-scipy (apt-get install python3-scipy).
# Usage (from the repository root, after tools/build.sh): tools/bench/chinchilla_vs_scipy.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
data=tests/data/chinchilla_svg_extracted.csv
python=""
for candidate in python3 /usr/bin/python3; do  # Debian's python3 has python3-scipy
  if "$candidate" -c "import scipy" 2>/dev/null; then python="$candidate"; break; fi
done
[ -n "$python" ] || { echo "needs python3-scipy (apt-get install python3-scipy)" >&2; exit 1; }
fit=(build/tunebench fit --law chinchilla --data "$data" --drop-highest 5
     --x "N=Model Size" --x "D=Training FLOP / 6 / Model Size" --y loss)
wall() {  # seconds of one whole command
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
declare -a ours ours_plain peer
for i in 1 2 3; do
  ours+=("$(wall "${fit[@]}")")
  ours_plain+=("$(wall "${fit[@]}" --bootstrap 0)")
  peer+=("$(wall "$python" tools/bench/chinchilla_scipy.py "$data" 5)")
done
m_ours=$(printf '%s\n' "${ours[@]}" | median)
m_plain=$(printf '%s\n' "${ours_plain[@]}" | median)
m_peer=$(printf '%s\n' "${peer[@]}" | median)
"$python" tools/bench/chinchilla_scipy.py "$data" 5
"${fit[@]}" --bootstrap 0 | grep -E 'starts|^\| (E|A|B|alpha|beta) '
awk -v o="$m_ours" -v p="$m_plain" -v s="$m_peer" 'BEGIN {
  printf "median wall time of 3: tunebench fit %.2f s (with its default 4,000-resample bootstrap), %.2f s with --bootstrap 0; scipy %.2f s\n", o, p, s;
  printf "ratio scipy / tunebench: %.1fx (default), %.1fx (--bootstrap 0)\n", s / o, s / p }'
