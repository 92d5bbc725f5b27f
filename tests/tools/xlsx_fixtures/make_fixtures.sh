#!/usr/bin/env bash
# Regenerates the XLSX fixtures in tests/data/xlsx/ from two real producers:
#   LibreOffice Calc (Debian: libreoffice-calc-nogui) converting libreoffice.fods.in,
#   exceljs (npm, installed into a temporary directory) running exceljs_fixtures.js.
# Tests use only the committed .xlsx files; run this by hand when the sources change.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/xlsx"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for pair in 1899-12-30:libreoffice 1904-01-01:libreoffice_1904; do
    sed "s/@NULL_DATE@/${pair%%:*}/" "$here/libreoffice.fods.in" >"$tmp/${pair##*:}.fods"
done
soffice --headless --norestore "-env:UserInstallation=file://$tmp/profile" \
    --convert-to 'xlsx:Calc MS Excel 2007 XML' --outdir "$out" "$tmp"/*.fods

(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund exceljs@4.4.0 >/dev/null)
NODE_PATH="$tmp/node_modules" node "$here/exceljs_fixtures.js" "$out"
ls -l "$out"/*.xlsx
