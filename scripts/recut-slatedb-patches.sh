#!/usr/bin/env bash
# Regenerates the bodies of engine-rs/patches/<crate>/*.patch from an edited copy of the SlateDB
# sources (default target/slatedb-patched, as scripts/prepare-slatedb.sh leaves it), against the
# pristine crates.io release in cargo's registry. Each patch keeps its header (the leading `#`
# lines, one line per hunk) and the list of files it owns (its `+++ b/FILE` lines); a file belongs
# to exactly one patch. Review the diff of engine-rs/patches afterwards: hunk counts in the headers
# and in HACKING.md are yours to keep right.
# Usage: bash scripts/recut-slatedb-patches.sh [edited-tree]
set -euo pipefail
shopt -s nullglob
root="$(cd "$(dirname "$0")/.." && pwd)"
edited="$(cd "${1:-$root/target/slatedb-patched}" && pwd -P)"
version="$(sed -n 's/^version="\(.*\)"$/\1/p' "$root/scripts/prepare-slatedb.sh")"
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"

for p in "$root"/engine-rs/patches/*/*.patch; do
  crate="$(basename "$(dirname "$p")")"
  pristine="$(find "$registry" -mindepth 2 -maxdepth 2 -type d -name "$crate-$version" | head -n 1)"
  [ -n "$pristine" ] || { echo "recut: $crate-$version is not in $registry (run scripts/prepare-slatedb.sh)" >&2; exit 1; }
  out="$(mktemp)"
  sed -n '/^[^#]/q; p' "$p" > "$out"
  for f in $(sed -n 's|^+++ b/||p' "$p"); do
    if [ -e "$pristine/$f" ]; then
      diff -u --label "a/$f" --label "b/$f" "$pristine/$f" "$edited/$crate/$f" >> "$out" || [ $? -eq 1 ]
    else
      diff -u --label /dev/null --label "b/$f" /dev/null "$edited/$crate/$f" >> "$out" || [ $? -eq 1 ]
    fi
  done
  mv "$out" "$p"
  echo "recut: $crate/$(basename "$p"): $(grep -c '^@@' "$p") hunk(s), $(awk '/^(\+\+\+|---) /{next} /^\+/{a++} /^-/{d++} END{print "+" a+0 "/-" d+0}' "$p")"
done
