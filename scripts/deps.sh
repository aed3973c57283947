#!/usr/bin/env bash
# Installs what mrcpd needs to build, run and test on Debian 12, and nothing
# that is already there. Called by `make run` and `make test`.
set -euo pipefail

packages=(
  gcc pkg-config ca-certificates curl unzip
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx pocketsphinx-en-us   # built-in recogniser (cgo)
  libwebrtc-audio-processing-dev                                          # WebRTC VAD baseline in evaluations
  espeak-ng sox                                                           # real speech for tests
  sip-tester tshark                                                       # SIP peer and wire decoding in tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go: use the one on PATH or in /usr/local/go when it is new enough for go.mod;
# otherwise fetch the toolchain module through the Go module proxy that a
# Debian golang-go reports (the same way GOTOOLCHAIN=auto does it).
want=$(awk '/^go /{print $2; exit}' "$(dirname "$0")/../go.mod")
export PATH="/usr/local/go/bin:$HOME/.cache/mrcpd/go/bin:$PATH"
have=$(go env GOVERSION 2>/dev/null | sed 's/^go//' || true)
if [ -z "$have" ] || [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -1)" != "$want" ]; then
  if ! command -v go >/dev/null; then
    DEBIAN_FRONTEND=noninteractive ${sudo:-} apt-get install -y -qq golang-go >/dev/null
  fi
  proxy=$(go env GOPROXY | cut -d, -f1)
  dest="$HOME/.cache/mrcpd"
  mkdir -p "$dest"
  echo "deps: fetching Go $want toolchain from the module proxy"
  curl -fsSL -o "$dest/go.zip" "$proxy/golang.org/toolchain/@v/v0.0.1-go$want.linux-$(dpkg --print-architecture).zip"
  rm -rf "$dest/go" "$dest/golang.org"
  unzip -q "$dest/go.zip" -d "$dest"
  mv "$dest"/golang.org/toolchain@*/ "$dest/go"
  chmod +x "$dest"/go/bin/* "$dest"/go/pkg/tool/*/* 2>/dev/null || true
  rm -rf "$dest/go.zip" "$dest/golang.org"
fi
