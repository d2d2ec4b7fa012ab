#!/bin/bash
# request-timeout: a request stays unanswered until a timeout closes the connection.
#   VARIANT=nginx     nginx proxy_read_timeout 2s in front of gunicorn /slow?s=5: after 2 s nginx closes the
#                     upstream connection (FIN from nginx) and answers 504.  Capture on the proxy, both legs.
#   VARIANT=gunicorn  gunicorn (sync worker) --timeout 2 with a handler that sleeps 5 s: the master kills the
#                     worker 2-3 s after the request and the connection closes with no response.  Capture on the client.
SCENARIO=${SCENARIO:-request-timeout}
VARIANT=${VARIANT:-nginx}
NAME=${NAME:-request-timeout-$VARIANT}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT

run_once() {
  local out=$1 i
  lab_setup off 25
  if [ "$VARIANT" = nginx ]; then
    bg_start gunicorn $NS_S $PY -m gunicorn --chdir "$LAB_DIR/apps" -b $S_IP:8000 -k gthread --threads 4 --timeout 30 wsgi_app:app
    wait_port $NS_P $S_IP 8000
    nginx_start $NS_P proxy "
  upstream gunicorn { server $S_IP:8000 max_fails=0; keepalive 8; }
  server {
    listen $P_IP_C:80;
    location / { proxy_pass http://gunicorn; proxy_http_version 1.1; proxy_set_header Connection \"\";
                 proxy_read_timeout 2s; proxy_next_upstream off; }
  }"
    cap_start $NS_P "p-c p-r" "tcp port 80 or tcp port 8000"
    for i in 1 2 3; do
      nsx $NS_C curl -sS -o /dev/null -w '    curl: HTTP %{http_code} after %{time_total} s\n' --max-time 10 \
        "http://$P_IP_C/slow?s=5" >&2
      sleep 0.5
    done
  else
    bg_start gunicorn $NS_S $PY -m gunicorn --chdir "$LAB_DIR/apps" -b $S_IP:8000 --timeout 2 --graceful-timeout 1 wsgi_app:app
    wait_port $NS_C $S_IP 8000
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
if [ "$VARIANT" = nginx ]; then V="proxy, both legs (tcpdump -i p-c and tcpdump -i p-r, merged with mergecap -F pcap; Ethernet)"
else V="client (tcpdump -i c-p in the client namespace), straight to gunicorn"; fi
run_once "$OUT"
label "$NAME" "$OUT" "{\"label_as\": \"request-timeout\", \"variant\": \"$VARIANT\", \"vantage\": \"$V\"}" || die "label check failed"
