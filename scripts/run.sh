#!/usr/bin/env bash
# `make run`: the built-in recogniser and the server, both on loopback.
# Ctrl-C (or SIGTERM) stops both.
set -euo pipefail
bin=${1:-bin/mrcpd}
engine_listen=${MRCPD_ENGINE_LISTEN:-127.0.0.1:2700}

"$bin" engine --listen "$engine_listen" &
engine=$!
trap 'kill "$engine" 2>/dev/null; wait "$engine" 2>/dev/null || true' EXIT INT TERM

exec_args=(serve --bind 127.0.0.1 --http-listen 127.0.0.1:9090)
[ -n "${MRCPD_CONFIG:-}" ] && exec_args+=(--config "$MRCPD_CONFIG")
echo "mrcpd: SIP 127.0.0.1:8060 (udp+tcp), MRCPv2 127.0.0.1:1544, RTP 5000-6000, metrics http://127.0.0.1:9090/metrics"
"$bin" "${exec_args[@]}"
