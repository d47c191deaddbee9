#!/usr/bin/env bash
# The Debian packages the tests need, installed when missing (`make test` and `.ci/run` call this; it does
# nothing when everything is there). Without root or sudo it names what to install and fails: a test never skips
# because a tool is missing.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)  # browser tests (Playwright drives the system Chromium)
# Word export tests: LibreOffice converts the .docx to PDF, poppler renders page 1, Liberation = Times metrics.
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
# Plan import: OCR of scanned plans (Tesseract with its Vietnamese model).
command -v tesseract >/dev/null || need+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-vie)
[ -d /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
command -v pg_dump >/dev/null || need+=(postgresql-client)  # pcmd backup / restore
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
command -v make >/dev/null || need+=(make)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo)
else
  echo "Thiếu gói hệ thống cho bộ kiểm thử: ${need[*]}" >&2
  echo "Hãy cài: sudo apt-get install ${need[*]}  rồi chạy lại \`make test\`." >&2
  exit 1
fi
echo "== installing Debian packages: ${need[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
