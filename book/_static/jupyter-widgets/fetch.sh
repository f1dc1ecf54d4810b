#!/usr/bin/env bash
# Fetch the ipywidgets HTML manager that renders saved widget state in the book's pages, so the
# published book (and its offline browser tests) never load it from a CDN.
#
#   bash book/_static/jupyter-widgets/fetch.sh        # re-creates the vendored files beside this script
#
# It downloads the package from the npm registry with `npm pack`, checks the tarball's checksum,
# and copies the standalone bundle (dist/embed.js, which needs no require.js) and the web fonts it
# loads (Font Awesome's .woff2 files, found next to embed.js at run time). To move to another
# version, change VERSION and TARBALL_SHA256 (printed by `npm pack`'s shasum or sha256sum) and
# check `make browser` still renders the widgets. Pick the html-manager release that belongs to
# the ipywidgets 8 release the notebooks are executed with.
set -euo pipefail

VERSION=1.0.15
TARBALL_SHA256=2b9d65cb7913e1c7d671757a10008b32c9c2448d4429513371e55c07d6107638

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "@jupyter-widgets/html-manager@$VERSION" >/dev/null)
tarball="$work/jupyter-widgets-html-manager-$VERSION.tgz"
echo "$TARBALL_SHA256  $tarball" | sha256sum --check --quiet
tar -xzf "$tarball" -C "$work"

cp "$work/package/dist/embed.js" "$here/embed.js"
cp "$work/package/dist/embed.js.LICENSE.txt" "$here/embed.js.LICENSE.txt"
cp "$work/package/dist/"*.woff2 "$here/"
# the bundle ends with a pointer to a 6 MB source map we do not ship
sed -i '/^\/\/# sourceMappingURL=/d' "$here/embed.js"
# Patch: the manager typesets widget labels with MathJax 2's `MathJax.Hub.Queue`, but Sphinx loads
# MathJax 3, which has no `Hub`: every widget with a label threw "Cannot read properties of undefined
# (reading 'Queue')". Use MathJax 3's typesetPromise when there is no Hub (and nothing before
# MathJax has loaded). The bundle has this call twice; the patch checks it replaced both.
python3 - "$here/embed.js" <<'PATCH'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
old = 'void 0!==window.MathJax&&MathJax.Hub.Queue(["Typeset",MathJax.Hub,e])'
new = ('void 0!==window.MathJax&&(MathJax.Hub?MathJax.Hub.Queue(["Typeset",MathJax.Hub,e])'
       ':MathJax.typesetPromise&&MathJax.typesetPromise([e]))')
if text.count(old) != 2:
    sys.exit(f"expected 2 MathJax.Hub.Queue calls in {path}, found {text.count(old)}: check the patch")
open(path, "w", encoding="utf-8").write(text.replace(old, new))
PATCH
echo "vendored @jupyter-widgets/html-manager@$VERSION into $here"
