#!/usr/bin/env bash
# Installs what `make test` needs when it is missing: Debian packages that the Swift targets link,
# and the pinned Python peers (moto's server). Idempotent and quiet when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pins.sh
# --build-only: the Debian packages a build links (make package, make release), not the test peers.
build_only=
[ "${1:-}" = --build-only ] && build_only=1

apt_wanted=("${APT_PACKAGES[@]}")
[ -n "$build_only" ] || apt_wanted+=("${TEST_APT_PACKAGES[@]}")
apt_missing=()
for package in "${apt_wanted[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || apt_missing+=("$package")
done
if ((${#apt_missing[@]})); then
  echo "installing Debian packages: ${apt_missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

[ -z "$build_only" ] || exit 0

pip_missing=()
for requirement in "${PIP_PACKAGES[@]}"; do
  python3 scripts/pip_pin_satisfied.py "$requirement" || pip_missing+=("$requirement")
done
if ((${#pip_missing[@]})); then
  echo "installing Python packages: ${pip_missing[*]}"
  if ! python3 -m pip install --quiet --disable-pip-version-check "${pip_missing[@]}"; then
    # No wheel fits (another Python or architecture): awslambdaric builds from source with these.
    echo "retrying with the toolchain awslambdaric's source build needs: ${LAMBDARIC_BUILD_APT_PACKAGES[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${LAMBDARIC_BUILD_APT_PACKAGES[@]}" >/dev/null
    python3 -m pip install --quiet --disable-pip-version-check "${pip_missing[@]}"
  fi
fi

# install_venv VENV WHAT PACKAGE…: a virtual environment holding exactly the pinned packages,
# made anew only when a pin changed.
install_venv() {
  local venv=$1 what=$2; shift 2
  local stamp=$venv/.pins wanted
  wanted=$(printf '%s\n' "$@")
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "installing $what in $venv: $1"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$@"
    printf '%s\n' "$wanted" >"$stamp"
  fi
}
install_venv "$MINISTACK_VENV" "ministack (the CloudFormation engine)" "${MINISTACK_PACKAGES[@]}"
install_venv "$AWSCLI_VENV" "the AWS CLI (scripts/publish-release.sh)" "${AWSCLI_PACKAGES[@]}"
