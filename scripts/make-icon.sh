#!/usr/bin/env bash
# Re-render the NetAssist icon PNG from its SVG source.
#
#   scripts/make-icon.sh                 writes assets/icon/netassist.png (512x512, FyneApp.toml Icon)
#   scripts/make-icon.sh --preview DIR   also writes 16/32/48/256 px renders to DIR for a visual check
#
# Needs rsvg-convert (Debian package librsvg2-bin). The output depends only on
# the SVG and the renderer version, so re-running it is harmless.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
svg="$root/assets/icon/netassist.svg"
png="$root/assets/icon/netassist.png"

preview=""
if [[ ${1:-} == "--preview" ]]; then
	preview=${2:?"usage: $0 [--preview DIR]"}
elif [[ $# -gt 0 ]]; then
	echo "usage: $0 [--preview DIR]" >&2
	exit 2
fi

if ! command -v rsvg-convert >/dev/null 2>&1; then
	echo "make-icon: rsvg-convert not found; install it with: apt-get install librsvg2-bin" >&2
	exit 1
fi
[[ -f $svg ]] || { echo "make-icon: missing $svg" >&2; exit 1; }

render() { # size output
	rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio --format png "$svg" --output "$2"
}

tmp=$(mktemp "${png}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
render 512 "$tmp"
if [[ -f $png ]] && cmp -s "$tmp" "$png"; then
	echo "make-icon: assets/icon/netassist.png unchanged"
else
	chmod 0644 "$tmp"
	mv "$tmp" "$png"
	echo "make-icon: wrote assets/icon/netassist.png ($(wc -c <"$png") bytes)"
fi

if [[ -n $preview ]]; then
	mkdir -p "$preview"
	for s in 16 32 48 256; do
		render "$s" "$preview/netassist-$s.png"
	done
	echo "make-icon: previews in $preview"
fi
