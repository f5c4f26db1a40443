#!/usr/bin/env bash
# Everything airlock's lab, tests and demo need on a fresh Debian 12 machine (run as root; no systemd needed):
# Debian packages, then the npm dependencies (`npm ci`, which also builds airlock through the prepare script).
# Safe to run again: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
apt_packages=(
  openssh-server openssh-client iproute2 util-linux procps psmisc  # lab hosts: namespaces + a real sshd each
  sudo                                                             # become (sudo) on lab hosts
  ansible-core                                                     # inventory parity tests and benchmarks
  ansible                                                          # its collections: ansible.posix (authorized_key, sysctl) for the parity tests
  lxd lxd-client dnsmasq-base iptables nftables                    # one real LXD daemon per lab host (airlock lab up --lxd)
  busybox-static debootstrap xz-utils curl                         # locally built lab images (real MISP on Debian trixie)
)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund
