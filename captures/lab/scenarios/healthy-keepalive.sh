#!/bin/bash
# healthy-keepalive (control): the same nginx -> gunicorn pair and client pattern as
# idle-race-gunicorn, but nginx's upstream keepalive_timeout (1s) is below gunicorn's
# --keep-alive 2: nginx closes idle upstream connections first (client-side FIN), no RST, no errors.
source "$(dirname "$0")/../lib.sh"
lab_scenario healthy-keepalive

run_once() {
  local out=$1
  lab_setup off 25
  gunicorn_up $NS_P -k gthread --threads 4 --keep-alive 2
  nginx_proxy_up gunicorn "server $S_IP:8000; keepalive 8; keepalive_timeout 1s;"
  cap_proxy_legs 8000
  run_client $NS_C 60 $P_IP_C 80 --count 14 --max-seconds 40 \
    --gaps 0.6,1.93,0.8,2.4,1.95,0.5,2.6,1.97,2.3,0.9,1.99,2.5
  sleep 3
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
capture_and_label 2 "{\"vantage\": \"$VANTAGE_PROXY_LEGS\"}"
