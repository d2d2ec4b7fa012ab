#!/bin/bash
# abortive-idle-close: nginx (upstream keepalive, keepalive_timeout 60s) in front of a small Python
# server that closes connections idle for 3 s with SO_LINGER {1,0}: RST, never FIN.
source "$(dirname "$0")/../lib.sh"
lab_scenario abortive-idle-close

run_once() {
  local out=$1
  lab_setup off 25
  pyserver_up $NS_P 8080 --idle-timeout 3 --linger0 --max-seconds 120
  nginx_proxy_up app "server $S_IP:8080; keepalive 8; keepalive_timeout 60s;"
  cap_proxy_legs 8080
  run_client $NS_C 60 $P_IP_C 80 --count 9 --max-seconds 40 --gaps 1.0,3.6,4.0,0.7,3.4,3.8,1.2,4.2
  sleep 3.5
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
capture_and_label 2 "{\"vantage\": \"$VANTAGE_PROXY_LEGS\"}"
