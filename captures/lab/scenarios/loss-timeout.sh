#!/bin/bash
# loss-timeout: the router drops 50 % of the server's packets (data direction, source port 8080;
# iptables -m statistic --mode random --probability 0.5 -j DROP); curl downloads 300 kB with
# --max-time 10 and gives up, closing the connection in the middle of the transfer.
SCENARIO=${SCENARIO:-loss-timeout}
NAME=${NAME:-loss-timeout}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT
run_once() {
  local out=$1
  lab_setup off 25
  bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --body-bytes 300000 --max-seconds 60
  wait_port $NS_C $S_IP 8080
  nsx $NS_R iptables -A FORWARD -p tcp --sport 8080 -m statistic --mode random --probability 0.5 -j DROP
  cap_start $NS_C c-p "tcp port 8080"
  nsx $NS_C curl -sS -o /dev/null -w '    curl: HTTP %{http_code}, %{size_download} bytes in %{time_total} s\n' \
    --max-time 10 http://$S_IP:8080/big 2>&1 | sed 's/^/    /' >&2
  sleep 1
  cap_stop "$out"
  nsx $NS_R iptables -L FORWARD -v -n | sed 's/^/    /' >&2
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
for attempt in 1 2 3; do
  run_once "$OUT"
  label "$NAME" "$OUT" '{"vantage": "client (tcpdump -i c-p in the client namespace), straight to the server; loss is after the capture point"}' && exit 0
done
die "label check failed"
