#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine with npm to a working geostage:
# installs the system tools and the npm packages (Node 24 comes from npm), then runs the
# main job on the bundled environments: validate, generate, build the docs site.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real tools the generators are checked against and the lab runs.
# vde2: the lab's WAN emulation (wirefilter) on kernels without netem; fping: many round trips at once;
# nginx: keio-2019's hello-world in the lab (geostage app deploy --lab).
APT_PACKAGES=(openvpn haproxy netplan.io openssh-server iproute2 iputils-ping iperf3 chromium nftables openssl python3 git ca-certificates vde2 fping nginx debootstrap systemd-container ansible)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "==> installing npm packages (npm ci)"
npm ci --no-audit --no-fund

# The Debian image of `geostage lab up --machines` (debootstrap, about 80 s; cached in
# /var/cache/geostage/images, rebuilt only when its package list or customization changes).
if [ "$(id -u)" -eq 0 ]; then
  echo "==> machine image for lab up --machines (geostage lab image)"
  npm run --silent geostage -- lab image
else
  echo "==> skipping the machine image of lab up --machines (needs root: sudo npx geostage lab image)"
fi

echo "==> running the main job on the bundled environments"
npm run --silent main
