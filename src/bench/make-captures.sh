#!/usr/bin/env bash
# Build the two benchmark captures (npm run bench; not part of the test suite).
#
#   bash src/bench/make-captures.sh OUTDIR [keepalive|tiny|both]
#
# Two network namespaces joined by one plain veth pair (MTU 1500, offloads off so every
# frame is one wire segment, no artificial delay), nginx in pcr-bench-s, wrk in pcr-bench-c,
# tcpdump on the server's veth. Capture stops once the file reaches its target size:
#   OUTDIR/keepalive.pcap  ~1 GB: HTTP/1.1 keep-alive, 200 connections, responses 300 B - 16 KB
#   OUTDIR/tiny.pcap       ~300 MB: one request per connection (Connection: close), ~300k connections
# Sizes can be changed with BENCH_KEEPALIVE_MB / BENCH_TINY_MB. Every process started is ended
# by PID; the namespaces are removed before and after. Nothing is written inside the repo.
set -u
OUT=${1:?usage: make-captures.sh OUTDIR [keepalive|tiny|both]}
WHAT=${2:-both}
KA_MB=${BENCH_KEEPALIVE_MB:-1024}
TINY_MB=${BENCH_TINY_MB:-300}
NS_C=pcr-bench-c NS_S=pcr-bench-s
C_IP=10.77.0.1 S_IP=10.77.0.2
RUN=$OUT/run
for tool in ip ethtool tc tcpdump nginx wrk; do
  # Without ethtool the offloads stay on and frames of up to 64 KB are captured: not a
  # 1500-MTU wire, and a different benchmark. Refuse rather than measure the wrong thing.
  command -v "$tool" >/dev/null 2>&1 || { echo "make-captures: $tool is missing (apt-get install -y iproute2 ethtool tcpdump nginx wrk)" >&2; exit 2; }
done
mkdir -p "$OUT" "$RUN"
PIDS=()

log() { echo "[$(date +%H:%M:%S)] bench-captures: $*" >&2; }
stop_pid() { # TERM, then KILL after 3 s
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return 0
}
teardown() {
  local pid ns
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  PIDS=()
  for ns in $NS_C $NS_S; do
    if ip netns list | grep -qw "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
      ip netns del "$ns" 2>/dev/null
    fi
  done
}
trap teardown EXIT
trap 'exit 130' INT TERM

setup() {
  teardown
  ip netns add $NS_C && ip netns add $NS_S || exit 1
  ip -n $NS_C link set lo up; ip -n $NS_S link set lo up
  ip link add b-c netns $NS_C type veth peer name b-s netns $NS_S
  ip -n $NS_C addr add $C_IP/24 dev b-c; ip -n $NS_S addr add $S_IP/24 dev b-s
  ip -n $NS_C link set b-c mtu 1500 up; ip -n $NS_S link set b-s mtu 1500 up
  ip netns exec $NS_C ethtool -K b-c tso off gso off gro off >/dev/null || exit 1
  ip netns exec $NS_S ethtool -K b-s tso off gso off gro off >/dev/null || exit 1
  # Many short connections: wide port range; the server (active closer) holds TIME_WAIT.
  ip netns exec $NS_C sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
  ip netns exec $NS_S sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
  # A rate the capturing tcpdump keeps up with on 2 cores (unlimited, it dropped a third of the packets).
  ip netns exec $NS_S tc qdisc add dev b-s root tbf rate "${BENCH_RATE:-400mbit}" burst 256kb latency 100ms
}

bg() { # bg NAME NS CMD... -> BG_PID
  local name=$1 ns=$2; shift 2
  ip netns exec "$ns" "$@" >"$RUN/$name.log" 2>&1 &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

start_nginx() {
  local d=$RUN/nginx
  rm -rf "$d"; mkdir -p "$d/logs" "$d/tmp" "$d/www"
  # Response bodies 300 B - 16 KB (mixed sizes, picked at random by wrk).
  local s
  for s in 300 700 1200 2000 3000 4500 6000 8000 10000 12000 14000 16384; do
    head -c "$s" /dev/zero | tr '\0' 'x' >"$d/www/r$s"
  done
  cat >"$d/nginx.conf" <<CONF
user root;
worker_processes 1;
daemon off;
error_log $d/logs/error.log warn;
pid $d/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $d/tmp/body; proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fcgi; uwsgi_temp_path $d/tmp/uwsgi; scgi_temp_path $d/tmp/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  server {
    listen $S_IP:8080 backlog=4096;
    root $d/www;
    location = /tiny { return 200 "ok\n"; }
  }
}
CONF
  bg nginx $NS_S nginx -p "$d" -c "$d/nginx.conf"
  sleep 0.5
  kill -0 "$BG_PID" 2>/dev/null || { log "nginx did not start: $(cat "$RUN/nginx.log")"; exit 1; }
}

# capture NAME TARGET_MB WRK_ARGS...: tcpdump on the server veth until the file reaches TARGET_MB.
capture() {
  local name=$1 mb=$2; shift 2
  local file=$OUT/$name.pcap limit cap wrk i size
  limit=$(( mb * 1024 * 1024 ))
  rm -f "$file"
  bg tcpdump-$name $NS_S tcpdump -n -i b-s -B 262144 -s 0 -w "$file" tcp port 8080
  cap=$BG_PID
  for i in $(seq 50); do grep -q "listening on" "$RUN/tcpdump-$name.log" && break; sleep 0.1; done
  bg wrk-$name $NS_C wrk "$@"
  wrk=$BG_PID
  # Deadline: 10 minutes at most.
  for i in $(seq 3000); do
    size=$(stat -c %s "$file" 2>/dev/null || echo 0)
    [ "$size" -ge "$limit" ] && break
    kill -0 "$wrk" 2>/dev/null || break
    sleep 0.2
  done
  stop_pid "$wrk"
  sleep 1.2
  kill -INT "$cap" 2>/dev/null
  for i in $(seq 50); do kill -0 "$cap" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$cap"
  grep -h -E "captured|received|dropped" "$RUN/tcpdump-$name.log" | sed 's/^/    tcpdump: /' >&2
  sed 's/^/    wrk: /' "$RUN/wrk-$name.log" | head -12 >&2
  log "wrote $file ($(stat -c %s "$file") bytes)"
}

setup
start_nginx
cat >"$RUN/mixed.lua" <<'LUA'
local sizes = {300, 700, 1200, 2000, 3000, 4500, 6000, 8000, 10000, 12000, 14000, 16384}
math.randomseed(42)
request = function()
  return wrk.format("GET", "/r" .. sizes[math.random(#sizes)])
end
LUA
case $WHAT in
  keepalive|both) capture keepalive "$KA_MB" -t2 -c200 -d600s -s "$RUN/mixed.lua" "http://$S_IP:8080/" ;;
esac
case $WHAT in
  tiny|both) capture tiny "$TINY_MB" -t2 -c50 -d600s -H "Connection: close" "http://$S_IP:8080/tiny" ;;
esac
teardown
rm -rf "$RUN"
