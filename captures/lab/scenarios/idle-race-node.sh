#!/bin/bash
# idle-race-node: nginx (upstream keepalive, keepalive_timeout 60s) in front of a Node http server
# with the default server.keepAliveTimeout (5 s; Node 20.20 closes idle sockets after keepAliveTimeout +
# a hard-coded 1000 ms buffer, i.e. 6 s, while advertising Keep-Alive: timeout=5).  Client gaps around 6 s: some requests cross
# Node's idle FIN and get RST.  Capture on the proxy, both legs.
SCENARIO=${SCENARIO:-idle-race-node}
NAME=${NAME:-idle-race-node}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT

NGINX_LOG=""
nginx_log_counts() {
  local f="$LAB_RUN/nginx-proxy/logs/error.log" a b
  grep -E "104|prematurely" "$f" | sed 's/^/    nginx: /' >&2
  a=$(grep -c "104: Connection reset by peer" "$f") b=$(grep -c "upstream prematurely closed connection" "$f")
  [ "${VARIANT:-}" = client ] || NGINX_LOG=", \"nginx_error_log\": {\"104: Connection reset by peer\": $a, \"upstream prematurely closed connection\": $b}"
}

run_once() {
  local out=$1
  lab_setup off 25
  bg_start node $NS_S node "$LAB_DIR/apps/node_server.cjs" $S_IP 3000 "" 300
  wait_port $NS_P $S_IP 3000
  nginx_start $NS_P proxy "
  upstream node { server $S_IP:3000; keepalive 8; keepalive_timeout 60s; }
  server {
    listen $P_IP_C:80;
    location / { proxy_pass http://node; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
  cap_start $NS_P "p-c p-r" "tcp port 80 or tcp port 3000"
  nsx $NS_C timeout 90 $PY "$LAB_DIR/apps/client.py" $P_IP_C 80 --count ${COUNT:-11} --max-seconds 80 \
    --gaps 5.96,6.5,5.97,6.3,5.98,6.8,5.99,6.4,5.955,6.6 | tee "$LAB_RUN/client.out" >&2
  sleep 6.5   # let the last idle connection close
  cap_stop "$out"
  nginx_log_counts
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
for attempt in 1 2 3; do
  run_once "$OUT"
  label "$NAME" "$OUT" "{\"vantage\": \"proxy, both legs (tcpdump -i p-c and tcpdump -i p-r, merged with mergecap -F pcap; Ethernet)\"$NGINX_LOG}" && exit 0
  log "attempt $attempt: the capture does not show what the label needs; running again"
done
die "no usable capture after 3 attempts"
