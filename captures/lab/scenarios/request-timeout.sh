#!/bin/bash
# request-timeout: a request stays unanswered until a timeout closes the connection.
#   VARIANT=nginx     nginx proxy_read_timeout 2s in front of gunicorn /slow?s=5: after 2 s nginx closes the
#                     upstream connection (FIN from nginx) and answers 504.  Capture on the proxy, both legs.
#   VARIANT=gunicorn  gunicorn (sync worker) --timeout 2 with a handler that sleeps 5 s: the master kills the
#                     worker 2-3 s after the request and the connection closes with no response.  Capture on the client.
VARIANT=${VARIANT:-nginx}
source "$(dirname "$0")/../lib.sh"
lab_scenario request-timeout "request-timeout-$VARIANT"

run_once() {
  local out=$1 i
  lab_setup off 25
  if [ "$VARIANT" = nginx ]; then
    gunicorn_up $NS_P -k gthread --threads 4 --timeout 30
    nginx_start $NS_P proxy "
  upstream gunicorn { server $S_IP:8000 max_fails=0; keepalive 8; }
  server {
    listen $P_IP_C:80;
    location / { proxy_pass http://gunicorn; proxy_http_version 1.1; proxy_set_header Connection \"\";
                 proxy_read_timeout 2s; proxy_next_upstream off; }
  }"
    cap_proxy_legs 8000
    for i in 1 2 3; do
      nsx $NS_C curl -sS -o /dev/null -w '    curl: HTTP %{http_code} after %{time_total} s\n' --max-time 10 \
        "http://$P_IP_C/slow?s=5" >&2
      sleep 0.5
    done
  else
    gunicorn_up $NS_C --timeout 2 --graceful-timeout 1
    cap_start $NS_C c-p "tcp port 8000"
    for i in 1 2 3; do
      nsx $NS_C curl -sS -o /dev/null -w '    curl: HTTP %{http_code} after %{time_total} s\n' --max-time 10 \
        "http://$S_IP:8000/slow?s=5" 2>&1 | sed 's/^/    /' >&2
      sleep 1.5   # the master starts a new worker
    done
  fi
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
if [ "$VARIANT" = nginx ]; then V=$VANTAGE_PROXY_LEGS
else V="client (tcpdump -i c-p in the client namespace), straight to gunicorn"; fi
capture_and_label 1 "{\"label_as\": \"request-timeout\", \"variant\": \"$VARIANT\", \"vantage\": \"$V\"}"
