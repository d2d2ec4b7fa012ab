#!/bin/bash
# port-range-exhausted: nginx in the proxy namespace has only ports 40000-40009 to connect from
# (net.ipv4.ip_local_port_range) and closes each upstream connection itself
# (HTTP/1.1 upstream without keepalive pool, the server keeps connections open), so every used port
# sits in TIME_WAIT on nginx's side.  net.ipv4.tcp_tw_reuse=1 (proxy namespace) lets connect() take a
# TIME_WAIT port again once it is 1 s old.  Three clients send 15 requests each, 0.12 s apart: while all
# 10 ports are younger than 1 s, connect() fails: nginx "(99: Cannot assign requested address)" and 502
# with no upstream SYN; later requests reuse the 4-tuples of connections closed about 1 s before.
source "$(dirname "$0")/../lib.sh"
lab_scenario port-range-exhausted
run_once() {
  local out=$1
  lab_setup off 25
  nsx $NS_P sysctl -qw net.ipv4.ip_local_port_range="40000 40009" net.ipv4.tcp_tw_reuse=1
  bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --max-seconds 60
  sleep 0.5
  nginx_proxy_up app "server $S_IP:8080 max_fails=0;"
  cap_proxy_legs 8080
  local i pids=()
  for i in 1 2 3; do
    nsx $NS_C timeout 30 $PY "$LAB_DIR/apps/client.py" $P_IP_C 80 --new-conn --count 15 --max-seconds 10 --gaps 0.12 \
      >"$LAB_RUN/client$i.out" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  cat "$LAB_RUN"/client?.out | sort | awk '{print $4, $5}' | sort | uniq -c | sed 's/^/    client: /' >&2
  sleep 0.5
  cap_stop "$out"
  ERR99=$(grep -c "99: Cannot assign requested address" "$LAB_RUN/nginx-proxy/logs/error.log")
  log "nginx error.log: $ERR99 x (99: Cannot assign requested address)"
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
label_json() { echo "{\"vantage\": \"$VANTAGE_PROXY_LEGS\", \"nginx_error_log\": {\"99: Cannot assign requested address\": $ERR99}}"; }
capture_and_label 1 --json-from label_json
