#!/usr/bin/env bash
# Fetch MathJax 3, which typesets the book's formulas, so pages show math without a CDN
# (offline, and in the browser tests). Sphinx loads it via `mathjax_path` in _config.yml.
#
#   bash book/_static/mathjax/fetch.sh        # re-creates the vendored files beside this script
#
# From the npm package's es5/ folder it keeps what the book uses: the combined TeX + MathML ->
# CommonHTML component, its web fonts, and the TeX extensions it loads on demand (\color,
# \cancel, \boldsymbol, ...). The layout is the package's own, since MathJax finds its parts
# relative to the script. To change version, edit VERSION and TARBALL_SHA256 and check that
# `make browser` still finds every formula typeset.
set -euo pipefail

VERSION=3.2.2
TARBALL_SHA256=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "mathjax@$VERSION" >/dev/null)
tarball="$work/mathjax-$VERSION.tgz"
echo "$TARBALL_SHA256  $tarball" | sha256sum --check --quiet
tar -xzf "$tarball" -C "$work"

es5="$work/package/es5"
rm -rf "$here/output" "$here/input"
mkdir -p "$here/output/chtml/fonts" "$here/input/tex"
cp "$es5/tex-mml-chtml.js" "$here/"
cp -r "$es5/output/chtml/fonts/woff-v2" "$here/output/chtml/fonts/"
cp -r "$es5/input/tex/extensions" "$here/input/tex/"
cp "$work/package/LICENSE" "$here/LICENSE"
echo "vendored mathjax@$VERSION into $here"
