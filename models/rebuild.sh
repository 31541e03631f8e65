#!/usr/bin/env bash
# Rebuilds the shipped default models (models/generator.onnx, models/reward.onnx) and the figures on their model cards
# with the project's own commands, from the real-format fixtures in ../shared/fixtures. About 25 minutes on 2 cores.
#   models/rebuild.sh [work-folder]      (FIXTURES=<path> to use other fixtures)
# Writes into the work folder (default: a new temporary folder), then copies the two ONNX files and their metrics.json
# into models/; update the model cards (models/*.md) with the printed figures.
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURES=${FIXTURES:-../shared/fixtures}
WORK=${1:-$(mktemp -d)}
mkdir -p "$WORK"
dotnet publish src/CqtMl.Cli -c Release -o "$WORK/cli" > "$WORK/publish.log"
C="dotnet $WORK/cli/cqtml.dll"

# The generator: the demo preset on the MusicNet-format fixture (3 training recordings + 24 synthetic pieces), seed 0.
$C train-generator --data "$FIXTURES/musicnet" --out "$WORK/generator" --seed 0

# The reward model: 1,920 pairs of 480 three-second clips of every fixture, labelled by the register-energy judge,
# CQT encoder started from the generator, 4 epochs, float16 weight storage (half the size).
$C compare --data "$FIXTURES" --model "$WORK/generator/generator.onnx" --out "$WORK/pairs.parquet" --clips 480 --clip-seconds 3 --seed 21
$C judge --judge register-energy --pairs "$WORK/pairs.parquet" --data "$FIXTURES" --out "$WORK/pairs-labelled.parquet"
$C train-reward --pairs "$WORK/pairs-labelled.parquet" --data "$FIXTURES" --out "$WORK/reward" --epochs 4 \
  --init-from "$WORK/generator/generator.safetensors" --seed 1 --float16-weights

# The card's fresh-clip figure: 40 other clips (seed 12), judged, scored (tests/CqtMl.Cli.Tests re-checks it).
$C compare --data "$FIXTURES" --model "$WORK/generator/generator.onnx" --out "$WORK/fresh.parquet" --clips 40 --clip-seconds 3 --seed 12
$C judge --judge register-energy --pairs "$WORK/fresh.parquet" --data "$FIXTURES" --out "$WORK/fresh-labelled.parquet"
$C score --model "$WORK/reward/reward.onnx" --pairs "$WORK/fresh-labelled.parquet" --data "$FIXTURES" --out "$WORK/fresh-scored.parquet"

cp "$WORK/generator/generator.onnx" models/generator.onnx
cp "$WORK/generator/metrics.json" models/generator.metrics.json
cp "$WORK/reward/reward.onnx" models/reward.onnx
cp "$WORK/reward/metrics.json" models/reward.metrics.json
ls -l models/*.onnx
echo "models rebuilt from $WORK; now update the figures in models/generator.md and models/reward.md"
