#!/bin/bash
# loss-timeout: the router drops 50 % of the server's packets (data direction, source port 8080;
# iptables -m statistic --mode random --probability 0.5 -j DROP); curl downloads 300 kB with
# --max-time 10 and gives up, closing the connection in the middle of the transfer.
#   VARIANT=abandoned keeps only a run where curl's FIN is the only close (no RST: the client gave
#   up while the data still crawled in, new data after the last retransmission); the random loss
#   decides: one run in 10-20 qualified here, so it tries up to 30 runs (15 s each).
source "$(dirname "$0")/../lib.sh"
lab_scenario loss-timeout
VARIANT=${VARIANT:-}
case "$VARIANT" in ""|abandoned) ;; *) die "unknown VARIANT $VARIANT" ;; esac
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
capture_and_label "$([ "$VARIANT" = abandoned ] && echo 30 || echo 3)" \
  "{\"label_as\": \"loss-timeout\", \"variant\": \"$VARIANT\", \"vantage\": \"$VANTAGE_CLIENT_DIRECT; loss is after the capture point\"}"
