#!/bin/bash
# Regenerate the captures in captures/ from real programs in network namespaces.
#
#   sudo bash captures/lab/make-captures.sh              # every scenario
#   sudo bash captures/lab/make-captures.sh NAME...      # only these (names: see SCENARIOS below)
#   sudo npm run captures [-- NAME...]
#
# Needs root, tcpdump, tshark/capinfos/mergecap/editcap, nginx, gunicorn (Debian python3-gunicorn),
# iptables, ethtool, gcc, node, /usr/bin/python3.  Every scenario builds its namespaces from
# scratch (captures/lab/lib.sh), tears them down when it ends, and writes captures/<name>.pcap
# (or .pcapng / .pcap.gz) plus captures/<name>.json after checking the packets (label.py).
set -u
LAB=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "make-captures.sh: run as root (network namespaces, tcpdump, iptables)" >&2; exit 1; }
missing=()
for tool in ip ethtool tc iptables tcpdump tshark capinfos mergecap editcap nginx gunicorn gcc node /usr/bin/python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# A missing ethtool would leave offloads on silently (64 KB frames): refuse instead.
[ ${#missing[@]} = 0 ] || { echo "make-captures.sh: missing ${missing[*]} (apt-get install -y iproute2 ethtool iptables tcpdump tshark nginx gunicorn gcc)" >&2; exit 1; }

# name -> scenario script [env...]
SCENARIOS=(
  "idle-race-gunicorn|idle-race-gunicorn.sh"
  "idle-race-gunicorn-any|idle-race-gunicorn.sh VARIANT=any"
  "idle-race-gunicorn-sll|idle-race-gunicorn.sh VARIANT=sll"
  "idle-race-gunicorn-nano|idle-race-gunicorn.sh VARIANT=nano"
  "idle-race-gunicorn-pcapng|idle-race-gunicorn.sh VARIANT=pcapng"
  "idle-race-gunicorn-gz|idle-race-gunicorn.sh VARIANT=gz"
  "idle-race-gunicorn-client|idle-race-gunicorn.sh VARIANT=client"
  "idle-race-gunicorn-offload|idle-race-gunicorn.sh VARIANT=offload"
  "idle-race-node|idle-race-node.sh"
  "healthy-keepalive|healthy-keepalive.sh"
  "abortive-idle-close|abortive-idle-close.sh"
  "request-cap-nginx|request-cap.sh VARIANT=nginx"
  "request-cap-raced|request-cap.sh VARIANT=raced"
  "refused|refused.sh"
  "syn-dropped|syn-dropped.sh"
  "middlebox-reset|middlebox-reset.sh"
  "truncated-response|truncated-response.sh"
  "protocol-mismatch-h2|protocol-mismatch.sh VARIANT=h2"
  "protocol-mismatch-tls|protocol-mismatch.sh VARIANT=tls"
  "request-timeout-nginx|request-timeout.sh VARIANT=nginx"
  "request-timeout-gunicorn|request-timeout.sh VARIANT=gunicorn"
  "mtu-blackhole|mtu.sh VARIANT=blackhole"
  "pmtud-ok|mtu.sh VARIANT=pmtud"
  "ip-fragmentation|mtu.sh VARIANT=frag"
  "zero-window|zero-window.sh"
  "loss-timeout|loss-timeout.sh"
  "loss-timeout-abandoned|loss-timeout.sh VARIANT=abandoned"
  "accept-queue-overflow|accept-queue-overflow.sh"
  "port-range|port-range.sh"
  "port-range-exhausted|port-range-exhausted.sh"
  "hostile-paths|hostile-paths.sh"
  "syn-flood|syn-flood.sh"
)

want=("$@")
selected() {
  [ ${#want[@]} -eq 0 ] && return 0
  local w; for w in "${want[@]}"; do
    [ "$w" = "$1" ] && return 0
    [ "$w" = "${2%% *}" ] && return 0    # a script name (e.g. mtu.sh or mtu) selects all its variants
    [ "$w.sh" = "${2%% *}" ] && return 0
  done
  return 1
}

failed=() done=()
for entry in "${SCENARIOS[@]}"; do
  name=${entry%%|*} spec=${entry#*|}
  selected "$name" "$spec" || continue
  script=${spec%% *} envs=""
  [ "$spec" != "$script" ] && envs=${spec#* }
  [ -f "$LAB/scenarios/$script" ] || { echo "== $name: scenario script $script missing, skipped" >&2; failed+=("$name"); continue; }
  echo "== $name" >&2
  # As a job of its own (set -m: its signals are not ignored, unlike a plain background
  # command's SIGINT, which tcpdump needs to stop cleanly), waited for, so that a TERM or Ctrl-C
  # here is passed on: timeout relays it to the scenario, which tears its namespaces down.
  set -m
  env NAME="$name" SCENARIO="$name" $envs timeout 600 bash "$LAB/scenarios/$script" &
  child=$!
  set +m
  trap 'kill -TERM $child 2>/dev/null; wait $child; exit 130' INT TERM
  if wait $child; then
    done+=("$name")
  else
    failed+=("$name")
  fi
done
/usr/bin/python3 "$LAB/readme_table.py" >&2 || true
echo "make-captures: ok: ${done[*]:-none}" >&2
[ ${#failed[@]} -eq 0 ] || { echo "make-captures: FAILED: ${failed[*]}" >&2; exit 1; }
