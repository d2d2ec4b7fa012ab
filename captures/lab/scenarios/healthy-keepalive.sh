#!/bin/bash
# healthy-keepalive (control): the same nginx -> gunicorn pair and client pattern as
# idle-race-gunicorn, but nginx's upstream keepalive_timeout (1s) is below gunicorn's
# --keep-alive 2: nginx closes idle upstream connections first (client-side FIN), no RST, no errors.
SCENARIO=${SCENARIO:-healthy-keepalive}
NAME=${NAME:-healthy-keepalive}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT

run_once() {
  local out=$1
  lab_setup off 25
  bg_start gunicorn $NS_S $PY -m gunicorn --chdir "$LAB_DIR/apps" -b $S_IP:8000 \
    -k gthread --threads 4 --keep-alive 2 wsgi_app:app
  wait_port $NS_P $S_IP 8000
  nginx_start $NS_P proxy "
  upstream gunicorn { server $S_IP:8000; keepalive 8; keepalive_timeout 1s; }
  server {
    listen $P_IP_C:80;
    location / { proxy_pass http://gunicorn; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
  cap_start $NS_P "p-c p-r" "tcp port 80 or tcp port 8000"
  nsx $NS_C timeout 60 $PY "$LAB_DIR/apps/client.py" $P_IP_C 80 --count 14 --max-seconds 40 \
    --gaps 0.6,1.93,0.8,2.4,1.95,0.5,2.6,1.97,2.3,0.9,1.99,2.5 | tee "$LAB_RUN/client.out" >&2
  sleep 3
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
for attempt in 1 2; do
  run_once "$OUT"
  label "$NAME" "$OUT" '{"vantage": "proxy, both legs (tcpdump -i p-c and tcpdump -i p-r, merged with mergecap -F pcap; Ethernet)"}' && exit 0
done
die "no usable capture"
