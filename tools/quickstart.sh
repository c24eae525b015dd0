#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, run experiments/quickstart.json
# (full fine-tuning vs LoRA, 2 seeds; a few minutes on 2 CPU cores). Results land in
# results/; extra arguments go to `tunebench run` (e.g. training.steps=100).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh tunebench
build/tunebench run experiments/quickstart.json "$@"
