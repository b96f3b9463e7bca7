#!/usr/bin/env bash
# Installs the Debian 12 packages Gmail Sync Admin needs to build, test and run — only those missing.
# Non-interactive; uses sudo when not root.
set -euo pipefail

packages=(
  # build
  cmake ninja-build ccache g++ pkg-config
  # Qt 6 (HttpServer needs WebSockets; Charts needs OpenGL, xkbcommon and GL headers)
  qt6-base-dev libqt6sql6-psql qt6-networkauth-dev qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev
  libqt6opengl6-dev libxkbcommon-dev libgl-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins
  qtkeychain-qt6-dev
  # engine libraries
  libssl-dev libspdlog-dev libfmt-dev libgmime-3.0-dev libpq-dev
  # admin GUI: HTML5 parser behind the mail HTML sanitizer
  libgumbo-dev
  # PostgreSQL server (embedded default cluster and the test cluster)
  postgresql-15 postgresql-common
  # tests: keychain over D-Bus, real browser for the OAuth flow, X server for screenshots
  dbus dbus-x11 gnome-keyring xvfb xauth xdg-utils chromium chromium-driver fonts-dejavu-core
  postgresql-client qt6-translations-l10n
  # tests: /metrics read by the Prometheus project's own text-format parser
  python3-prometheus-client
  # package checks (installer/check-package.sh): lintian, desktop-file-validate, appstreamcli, systemd-analyze
  lintian desktop-file-utils appstream systemd
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
