#!/usr/bin/env bash
# Regenerates tests/data/hf/<name>/ (tiny random Hugging Face Llama checkpoints) and their
# reference_logits.json, computed by karpathy/llama2.c's run.c (not part of this repository).
#   tools/reference/llama2c_fixtures.sh path/to/run.c [COMMIT]
# COMMIT is llama2.c's commit that run.c comes from; when left out it is read from the git
# clone that holds run.c. Needs gcc, python3 and numpy. Everything llama2.c-specific (the
# driver binary, the llama2.c checkpoints) stays in a temporary folder. $PYTHON overrides
# the Python interpreter (default python3).
set -euo pipefail

run_c=${1:?usage: $0 path/to/run.c [COMMIT]}
run_c_dir=$(cd "$(dirname "$run_c")" && pwd)
[[ -f $run_c_dir/run.c ]] || { echo "no run.c in $run_c_dir" >&2; exit 1; }
commit=${2:-$(git -C "$run_c_dir" rev-parse HEAD)}
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gcc -O2 -DTESTING -I "$run_c_dir" -o "$tmp/llama2c_logits" "$here/llama2c_logits.c" -lm
"$python" "$here/make_llama_fixtures.py" "$tmp"

implementation="karpathy/llama2.c run.c at commit $commit, float32"
for bin in "$tmp"/*.bin; do
  name=$(basename "$bin" .bin)
  # shellcheck disable=SC2046  # the ids file is one line of integers
  "$tmp/llama2c_logits" "$bin" "$implementation" $(cat "$tmp/$name.ids") \
    > "$root/tests/data/hf/$name/reference_logits.json"
  echo "wrote tests/data/hf/$name/reference_logits.json"
done
echo "run.c sha256: $(sha256sum "$run_c_dir/run.c" | cut -d' ' -f1)"
"$python" "$here/make_llama_fixtures.py" --check
