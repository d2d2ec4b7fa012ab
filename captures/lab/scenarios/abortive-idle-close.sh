#!/bin/bash
# abortive-idle-close: nginx (upstream keepalive, keepalive_timeout 60s) in front of a small Python
# server that closes connections idle for 3 s with SO_LINGER {1,0}: RST, never FIN.
SCENARIO=${SCENARIO:-abortive-idle-close}
NAME=${NAME:-abortive-idle-close}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT

run_once() {
  local out=$1
  lab_setup off 25
  bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --idle-timeout 3 --linger0 --max-seconds 120
  wait_port $NS_P $S_IP 8080
  nginx_start $NS_P proxy "
  upstream app { server $S_IP:8080; keepalive 8; keepalive_timeout 60s; }
  server {
    listen $P_IP_C:80;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
  cap_start $NS_P "p-c p-r" "tcp port 80 or tcp port 8080"
  nsx $NS_C timeout 60 $PY "$LAB_DIR/apps/client.py" $P_IP_C 80 --count 9 --max-seconds 40 \
    --gaps 1.0,3.6,4.0,0.7,3.4,3.8,1.2,4.2 | tee "$LAB_RUN/client.out" >&2
  sleep 3.5
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
for attempt in 1 2; do
  run_once "$OUT"
  label "$NAME" "$OUT" '{"vantage": "proxy, both legs (tcpdump -i p-c and tcpdump -i p-r, merged with mergecap -F pcap; Ethernet)"}' && exit 0
done
die "no usable capture"
