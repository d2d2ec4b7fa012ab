#!/bin/bash
# idle-race-node: nginx (upstream keepalive, keepalive_timeout 60s) in front of a Node http server
# with the default server.keepAliveTimeout (5 s; Node 20.20 closes idle sockets after keepAliveTimeout +
# a hard-coded 1000 ms buffer, i.e. 6 s, while advertising Keep-Alive: timeout=5).  Client gaps around 6 s: some requests cross
# Node's idle FIN and get RST.  Capture on the proxy, both legs.
source "$(dirname "$0")/../lib.sh"
lab_scenario idle-race-node

run_once() {
  local out=$1
  lab_setup off 25
  bg_start node $NS_S node "$LAB_DIR/apps/node_server.cjs" $S_IP 3000 "" 300
  wait_port $NS_P $S_IP 3000
  nginx_proxy_up node "server $S_IP:3000; keepalive 8; keepalive_timeout 60s;"
  cap_proxy_legs 3000
  run_client $NS_C 90 $P_IP_C 80 --count ${COUNT:-11} --max-seconds 80 \
    --gaps 5.96,6.5,5.97,6.3,5.98,6.8,5.99,6.4,5.955,6.6
  sleep 6.5   # let the last idle connection close
  cap_stop "$out"
  nginx_upstream_errors
  lab_teardown
}

label_json() { echo "{\"vantage\": \"$VANTAGE_PROXY_LEGS\"$NGINX_LOG}"; }
OUT=$CAP_DIR/$NAME.pcap
capture_and_label 3 --json-from label_json
