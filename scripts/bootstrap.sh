#!/usr/bin/env bash
# Prepares a fresh machine: the virtualenv with govcheck and its pinned packages, and
# Debian's Chromium for JavaScript pages (Playwright's own browser download fails here).
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${GOVCHECK_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV" >&2
  python3 -m venv "$VENV"
fi
stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "bootstrap: installing govcheck and its packages" >&2
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet -e ".[test,deploy]"
  touch "$stamp"
fi

# Debian packages: chromium renders JavaScript pages, redis-server backs rounds shared by
# several machines, a CJK font for screenshots and reports, LibreOffice checks that the reports open and convert to PDF,
# poppler's pdftotext reads those PDFs back.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# a CJK font, or screenshots of rendered pages show Chinese text as empty boxes
[ -n "$(fc-list :lang=zh 2>/dev/null)" ] || missing+=(fonts-wqy-microhei)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui libreoffice-writer-nogui)
# pdftotext reads back the PDF LibreOffice makes of the notice (its page numbers, where its lines stand)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian's ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
