#!/bin/bash
# idle-race-gunicorn: nginx reverse proxy with upstream keep-alive (keepalive_timeout 60s) in
# front of gunicorn (gthread, --keep-alive 2).  The client pauses ~1.9-2.6 s between requests, so
# nginx reuses upstream connections that gunicorn is just closing: requests cross gunicorn's idle
# FIN and are answered by RST.  Capture on the proxy, both legs.
#   VARIANT=any|sll|nano|pcapng|gz|client|offload selects the vantage/format variants (see make-captures.sh).
source "$(dirname "$0")/../lib.sh"
lab_scenario idle-race-gunicorn

VARIANT=${VARIANT:-}
TARGET="$P_IP_C 80" CLIENT_NS=$NS_C CPATH=/ OFFLOADS=off EXT=pcap
GAPS=1.93,2.4,1.95,2.6,1.97,2.3,1.99,2.5,1.96,2.2,1.94,2.45
VANTAGE=$VANTAGE_PROXY_LEGS
cap_begin() { cap_proxy_legs 8000; }
cap_end() { cap_stop "$1"; }
case "$VARIANT" in
  "") ;;
  any) VANTAGE="proxy, tcpdump -i any (LINUX_SLL2, buffered mode), both legs"
       cap_begin() { cap_start $NS_P any "tcp port 80 or tcp port 8000"; } ;;
  sll) VANTAGE="proxy, tcpdump -i any -y LINUX_SLL (cooked v1), both legs"
       cap_begin() { cap_start $NS_P any "tcp port 80 or tcp port 8000" -y LINUX_SLL; } ;;
  nano) VANTAGE="proxy, upstream leg only (tcpdump -i p-r --time-stamp-precision nano; Ethernet, nanosecond pcap)"
       cap_begin() { cap_start $NS_P p-r "tcp port 8000" --time-stamp-precision nano; } ;;
  pcapng) EXT=pcapng
       VANTAGE="proxy, both legs as two pcapng interfaces (tcpdump -i p-c and -i p-r, mergecap -F pcapng)"
       cap_end() { cap_stop "$LAB_RUN/raw.pcap"; rm -f "$1"; mergecap -F pcapng -w "$1" "${CAP_PARTS[@]}"; } ;;
  gz)  EXT=pcap.gz
       VANTAGE="proxy, both legs (merged Ethernet pcap), gzip -9 compressed"
       cap_end() { cap_stop "$LAB_RUN/raw.pcap"; gzip -9 -n -c "$LAB_RUN/raw.pcap" >"$1"; } ;;
  client) TARGET="$S_IP 8000" GAPS=0.3,1.97,0.3,2.5,0.3,1.98,0.3,2.3,0.3,1.96,0.3,2.4,0.3,1.99,0.3,2.6
       VANTAGE="client only (tcpdump -i c-p in the client namespace); no proxy: the client's own keep-alive connection to gunicorn races its idle FIN"
       cap_begin() { cap_start $NS_C c-p "tcp port 8000"; } ;;
  offload) OFFLOADS=on CPATH="/big?n=8000"
       VANTAGE="server (tcpdump -i s-r in the server namespace) with TSO/GSO/GRO left ON: 8 kB responses leave as segments larger than the 1500-byte MTU"
       cap_begin() { cap_start $NS_S s-r "tcp port 8000"; } ;;
  *) die "unknown VARIANT $VARIANT" ;;
esac

run_once() {
  local out=$1
  lab_setup "$OFFLOADS" 25
  gunicorn_up $NS_P -k gthread --threads 4 --keep-alive 2
  nginx_proxy_up gunicorn "server $S_IP:8000; keepalive 8; keepalive_timeout 60s;"
  cap_begin
  run_client $CLIENT_NS 60 $TARGET --path "$CPATH" --count ${COUNT:-16} --max-seconds 45 --gaps $GAPS
  sleep 3   # let the last idle connection close
  cap_end "$out"
  nginx_upstream_errors
  lab_teardown
}

label_json() { echo "{\"label_as\": \"idle-race-gunicorn\", \"variant\": \"$VARIANT\", \"vantage\": \"$VANTAGE\"$NGINX_LOG}"; }
OUT=$CAP_DIR/$NAME.$EXT
capture_and_label 3 --json-from label_json
