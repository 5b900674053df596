#!/usr/bin/env bash
# Cut Noto Sans CJK SC Regular down to the characters NetAssist's UI needs and
# write it as a TrueType font the app bundles, so that the Chinese UI renders
# on a Linux machine without any CJK font installed.
#
#   scripts/make-font.sh
#
# Output:
#   assets/fonts/NotoSansSC-NetAssist.ttf   TrueType (glyf) outlines
#   assets/fonts/OFL.txt                    the font's copyright and licence (SIL OFL 1.1)
#
# Characters kept (nothing else, so the file stays small):
#   printable ASCII U+0020-007E, Latin-1 U+00A0-00FF, General Punctuation
#   U+2000-206F, CJK Symbols and Punctuation U+3000-303F, fullwidth forms
#   U+FF01-FF60 and U+FFE0-FFE6, plus every character in the string values
#   of assets/translations/*.json (none yet is fine). The ellipsis U+2026 is
#   redrawn as three baseline full stops (Noto Sans CJK centres it: "···").
#
# Re-run it whenever a translation changes; assets/font_test.go fails when a
# translated character is missing from the bundled font. The output depends
# only on the inputs (no timestamps), and files are rewritten only when their
# content changes.
#
# Needs Debian packages fonts-noto-cjk and python3-fonttools (and fontconfig
# for fc-list, which is used to locate the font).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/assets/fonts/NotoSansSC-NetAssist.ttf"
ofl="$root/assets/fonts/OFL.txt"
translations="$root/assets/translations"

die() { echo "make-font: $*" >&2; exit 1; }

# A Python 3 that has fontTools (python3-fonttools installs it for the
# system interpreter, which a pyenv/venv python3 on PATH may not see).
py=""
for cand in python3 /usr/bin/python3; do
	if command -v "$cand" >/dev/null 2>&1 &&
		"$cand" -c 'import fontTools.subset, fontTools.pens.cu2quPen' >/dev/null 2>&1; then
		py=$cand
		break
	fi
done
[[ -n $py ]] || die "Python fontTools not found; install it with: apt-get install python3-fonttools"

# Locate Noto Sans CJK SC Regular: fontconfig first, then the Debian path.
src="" index=""
if command -v fc-list >/dev/null 2>&1; then
	line=$(fc-list --format '%{file}|%{index}\n' ':family=Noto Sans CJK SC:style=Regular' |
		LC_ALL=C sort | head -n 1 || true)
	if [[ -n $line ]]; then
		src=${line%%|*}
		index=${line##*|}
	fi
fi
if [[ -z $src ]]; then
	for cand in /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
		/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf; do
		if [[ -f $cand ]]; then
			src=$cand
			break
		fi
	done
fi
[[ -n $src && -f $src ]] || die "Noto Sans CJK SC Regular not found; install it with: apt-get install fonts-noto-cjk"

mkdir -p "$(dirname "$out")"
"$py" - "$src" "${index:-}" "$translations" "$out" "$ofl" "$root" <<'PY'
import glob
import io
import json
import os
import sys
import tempfile
import unicodedata

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

src, index_hint, tr_dir, out_path, ofl_path, root = sys.argv[1:7]
FAMILY, STYLE = "Noto Sans CJK SC", "Regular"

RANGES = [
    (0x0020, 0x007E),  # printable ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF01, 0xFF60),  # fullwidth ASCII variants and brackets
    (0xFFE0, 0xFFE6),  # fullwidth signs
]


def log(msg):
    print("make-font: " + msg, file=sys.stderr)


def names(font):
    n = font["name"]
    return n.getDebugName(1), n.getDebugName(2)


def open_font():
    """Open the SC Regular face; in a collection, check the index by name."""
    with open(src, "rb") as f:
        is_collection = f.read(4) == b"ttcf"
    if not is_collection:
        font = TTFont(src, lazy=False)
        if names(font) != (FAMILY, STYLE):
            sys.exit("make-font: %s is %s %s, not %s %s" % ((src,) + names(font) + (FAMILY, STYLE)))
        return font, 0
    count = len(TTCollection(src, lazy=True).fonts)
    order = list(range(count))
    if index_hint.isdigit() and int(index_hint) < count:
        order.remove(int(index_hint))
        order.insert(0, int(index_hint))
    for i in order:
        font = TTFont(src, fontNumber=i, lazy=False)
        if names(font) == (FAMILY, STYLE):
            return font, i
    sys.exit("make-font: no %s %s face in %s; install it with: apt-get install fonts-noto-cjk" % (FAMILY, STYLE, src))


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


def translation_chars():
    chars = set()
    files = sorted(glob.glob(os.path.join(tr_dir, "*.json")))
    for path in files:
        with open(path, encoding="utf-8") as f:
            try:
                data = json.load(f)
            except ValueError as e:
                sys.exit("make-font: %s is not valid JSON: %s" % (path, e))
        for s in strings(data):
            chars.update(c for c in s if not unicodedata.category(c).startswith("C"))
    return chars, files


def to_truetype(font):
    """Replace CFF outlines by quadratic glyf outlines (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        tt_pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(tt_pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, g in glyf.glyphs.items():
        if hasattr(g, "xMin"):
            hmtx[name] = (hmtx[name][0], g.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names
    font.sfntVersion = "\0\1\0\0"


def baseline_ellipsis(font):
    """Draw U+2026 as three of the font's own full stops on the baseline.

    Noto Sans CJK centres its ellipsis (Chinese typography), so Fyne's
    truncation and our "Save view…" labels showed "···" next to Latin text,
    in the English UI too. Three baseline dots read right in both."""
    from fontTools.pens.transformPen import TransformPen
    cmap = font.getBestCmap()
    ell, dot = cmap.get(0x2026), cmap.get(0x2E)
    if ell is None or dot is None:
        return
    glyf, hmtx = font["glyf"], font["hmtx"]
    glyph_set = font.getGlyphSet()
    adv = hmtx[dot][0]
    pen = TTGlyphPen(glyph_set)
    for i in range(3):
        glyph_set[dot].draw(TransformPen(pen, (1, 0, 0, 1, i * adv, 0)))
    g = pen.glyph()
    g.recalcBounds(glyf)
    glyf[ell] = g
    hmtx[ell] = (3 * adv, g.xMin)


def licence_text():
    """The OFL text, from the font's directory (upstream LICENSE) or Debian's copyright file."""
    for cand in (os.path.join(os.path.dirname(src), "LICENSE"),
                 "/usr/share/doc/fonts-noto-cjk/copyright"):
        if not os.path.isfile(cand):
            continue
        with open(cand, encoding="utf-8") as f:
            text = f.read()
        if cand.endswith("LICENSE") and "SIL OPEN FONT LICENSE" in text:
            return text.strip() + "\n"
        # Debian copyright format: the "License: SIL-1.1" paragraph, indented,
        # with " ." for blank lines.
        # The first "License: SIL-1.1" line (in "Files: *") has no body.
        lines, grab = [], False
        for line in text.splitlines():
            if line.strip() == "License: SIL-1.1":
                grab = True
            elif grab and line.startswith(" "):
                body = line[1:]
                lines.append("" if body == "." else body)
            elif grab:
                if lines:
                    break
                grab = False
        if lines:
            return "\n".join(lines).strip() + "\n"
    sys.exit("make-font: OFL licence text not found; install it with: apt-get install fonts-noto-cjk")


def write_if_changed(path, data):
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".make-font-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


font, number = open_font()
licence = licence_text()
version = font["name"].getDebugName(5)
copyright_ = font["name"].getDebugName(0)
cmap = font.getBestCmap()

wanted = set()
for lo, hi in RANGES:
    wanted.update(range(lo, hi + 1))
tr_chars, tr_files = translation_chars()
wanted.update(ord(c) for c in tr_chars)
missing = sorted(ord(c) for c in tr_chars if ord(c) not in cmap)
keep = sorted(u for u in wanted if u in cmap)

opts = subset.Options()
opts.layout_features = ["kern", "liga", "ccmp", "mark", "mkmk", "palt", "halt"]
opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
opts.name_languages = [0x0409]
opts.notdef_outline = True
opts.glyph_names = False
opts.hinting = False
opts.desubroutinize = True
opts.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "DSIG"]
opts.recalc_timestamp = False
sub = subset.Subsetter(opts)
sub.populate(unicodes=keep)
sub.subset(font)

to_truetype(font)
baseline_ellipsis(font)
font.recalcTimestamp = False  # keep head.modified from the source: reproducible output
buf = io.BytesIO()
font.save(buf)
data = buf.getvalue()

# Sanity check: everything we asked for is in the result.
check = TTFont(io.BytesIO(data))
lost = [u for u in keep if u not in check.getBestCmap()]
if lost:
    sys.exit("make-font: subset lost %d characters, e.g. U+%04X" % (len(lost), lost[0]))

changed = write_if_changed(out_path, data)
log("%s %s (face %d of %s), %d characters (%d from %d translation file(s)), %d glyphs"
    % (FAMILY, version, number, os.path.basename(src), len(keep), len(tr_chars), len(tr_files),
       len(check.getGlyphOrder())))
log("%s %s (%d bytes)" % ("wrote" if changed else "unchanged:", os.path.relpath(out_path, root), len(data)))

ofl = ("NotoSansSC-NetAssist.ttf is a subset of %s %s\n(%s),\ncut down by "
       "scripts/make-font.sh to the characters NetAssist's user interface uses.\n\n"
       "%s\n\n"
       "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
       "This license is copied below, and is also available with a FAQ at:\n"
       "https://openfontlicense.org\n\n%s") % (FAMILY, STYLE, version, copyright_, licence)
changed = write_if_changed(ofl_path, ofl.encode("utf-8"))
log("%s %s" % ("wrote" if changed else "unchanged:", os.path.relpath(ofl_path, root)))

if missing:
    log("WARNING: %s has no glyph for %d translated character(s): %s"
        % (FAMILY, len(missing), " ".join("U+%04X(%s)" % (u, chr(u)) for u in missing)))
    log("they will fall back to system fonts; assets/font_test.go reports them")
PY
