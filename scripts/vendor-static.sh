#!/usr/bin/env bash
# Copy htmx, Bootstrap, Bootstrap Icons and Chart.js from the npm registry into static/vendor/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --silent bootstrap@5 htmx.org@2 chart.js@4 bootstrap-icons@1
n=node_modules
v="$here/static/vendor"
mkdir -p "$v"/{bootstrap,htmx,chartjs,bootstrap-icons/fonts}
# Source maps too: the minified files name them, and the hashed static storage resolves every reference.
cp $n/bootstrap/dist/css/bootstrap.min.css{,.map} $n/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} $n/bootstrap/LICENSE "$v/bootstrap/"
cp $n/htmx.org/dist/htmx.min.js $n/htmx.org/LICENSE "$v/htmx/"
cp $n/chart.js/dist/chart.umd.min.js{,.map} $n/chart.js/LICENSE.md "$v/chartjs/"
cp $n/bootstrap-icons/font/bootstrap-icons.min.css $n/bootstrap-icons/LICENSE "$v/bootstrap-icons/"
cp $n/bootstrap-icons/font/fonts/bootstrap-icons.woff2 $n/bootstrap-icons/font/fonts/bootstrap-icons.woff "$v/bootstrap-icons/fonts/"
{
  echo "Vendored from the npm registry by scripts/vendor-static.sh:"
  for p in bootstrap htmx.org chart.js bootstrap-icons; do
    echo "$p $(node -p "require('./$n/$p/package.json').version")"
  done
} > "$v/VERSIONS.txt"
cat "$v/VERSIONS.txt"
