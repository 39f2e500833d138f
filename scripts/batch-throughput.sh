#!/usr/bin/env bash
# Throughput of `batch` against ImageJ alone reading and writing the same files as 32-bit TIFF.
# Usage: scripts/batch-throughput.sh [N=200] [RUNS=5] [FORMAT=png|tif] [THREADS=all cores]
# Generates N variants of sample-images/camera.png under $TMPDIR/convolve2d-throughput and prints each run and
# the medians. Builds the CLI jar first if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/convolve2d-cli.jar ] || mvn -B -q package -DskipTests
exec java -Djava.awt.headless=true -cp target/convolve2d-cli.jar io.github.convolve2d.cli.BatchThroughput "$@"
