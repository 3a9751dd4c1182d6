#!/bin/sh
# The bench's outside anchors, from Debian: faiss 1.7.3 with numpy for `bench search` (run as root).
set -e
DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-faiss python3-numpy
