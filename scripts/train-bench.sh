#!/usr/bin/env bash
# Times a MobileFaceNet + ArcFace training step (batch 64, 2 threads, 112x112 and 64x64) in TorchSharp, plain and with
# jemalloc, and in Debian's PyTorch, in one run on this machine: compare the ratios, the machine is shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
missing=""
[ -e "$jemalloc" ] || missing="$missing libjemalloc2"
/usr/bin/python3 -c "import torch" 2>/dev/null || missing="$missing python3-torch"
if [ -n "$missing" ]; then apt-get update -qq && apt-get install -y -qq $missing; fi
dotnet build src/ArcFaceKit.Training.Cli -c Release -o artifacts/train -nologo -v quiet
for size in 112 64; do
  echo -n "glibc malloc: "
  ARCFACE_NO_JEMALLOC=1 dotnet artifacts/train/arcface-train.dll bench --input-size "$size"
  echo -n "jemalloc (arcface-train's default where libjemalloc2 is installed): "
  dotnet artifacts/train/arcface-train.dll bench --input-size "$size"
  /usr/bin/python3 scripts/torch_step.py --input-size "$size"
done
