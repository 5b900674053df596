#!/usr/bin/env bash
# Draw the sample site's favicon (assets/site/favicon.ico): a 16x16 and a 32x32
# image in one ICO, drawn with ImageMagick primitives (no SVG delegate needed),
# so the output depends only on this script and the ImageMagick version.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/assets/site/favicon.ico"

if ! command -v convert >/dev/null 2>&1; then
	echo "make-favicon: ImageMagick convert not found; install it with: apt-get install imagemagick" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Blue rounded square with two white arrows, as in logo.svg.
convert -size 32x32 xc:none -fill '#1565c0' -draw 'roundrectangle 0,0 31,31 6,6' \
	-stroke white -strokewidth 3 -fill none \
	-draw 'line 7,12 23,12' -draw 'line 19,8 23,12' \
	-draw 'line 25,20 9,20' -draw 'line 13,24 9,20' \
	"$tmp/32.png"
convert "$tmp/32.png" -resize 16x16 "$tmp/16.png"
convert "$tmp/16.png" "$tmp/32.png" -strip "$out"
echo "wrote $out"
