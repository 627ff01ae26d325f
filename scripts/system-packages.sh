#!/usr/bin/env bash
# Installs the Debian packages Hemicycle needs (OCR, PostgreSQL for tests, Chromium
# for page tests). Idempotent: skips apt entirely when everything is present.
set -euo pipefail
packages=(
  tesseract-ocr tesseract-ocr-ara tesseract-ocr-chi-sim tesseract-ocr-eng
  tesseract-ocr-fra tesseract-ocr-rus tesseract-ocr-spa tesseract-ocr-osd
  libtesseract-dev libleptonica-dev pkg-config g++
  ghostscript qpdf unpaper pngquant poppler-utils
  postgresql-15 postgresql-client-15
  chromium chromium-driver
  fonts-noto-core fonts-noto-cjk fonts-dejavu-core
  libmagic1
)
# npm installs the web assets at set-up (scripts/web-assets.sh); a Node.js that already
# brings its own npm (NodeSource) is kept
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
