#!/bin/bash
# loss-timeout: the router drops 50 % of the server's packets (data direction, source port 8080;
# iptables -m statistic --mode random --probability 0.5 -j DROP); curl downloads 300 kB with
# --max-time 10 and gives up, closing the connection in the middle of the transfer.
source "$(dirname "$0")/../lib.sh"
lab_scenario loss-timeout
run_once() {
  local out=$1
  lab_setup off 25
  pyserver_up $NS_C 8080 --body-bytes 300000 --max-seconds 60
  nsx $NS_R iptables -A FORWARD -p tcp --sport 8080 -m statistic --mode random --probability 0.5 -j DROP
  cap_start $NS_C c-p "tcp port 8080"
  curl_big $NS_C 10
  sleep 1
  cap_stop "$out"
  router_rules FORWARD
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
capture_and_label 3 "{\"vantage\": \"$VANTAGE_CLIENT_DIRECT; loss is after the capture point\"}"
