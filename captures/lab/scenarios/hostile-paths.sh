#!/bin/bash
# hostile-paths: HTTP requests whose paths and headers carry <script>, </script>, quotes, &, and
# invalid UTF-8 bytes, answered (404) by a small Python server: input for the HTML report's escaping tests.
source "$(dirname "$0")/../lib.sh"
lab_scenario hostile-paths
run_once() {
  local out=$1
  lab_setup off 25
  pyserver_up $NS_C 8080 --max-seconds 60
  cap_start $NS_C c-p "tcp port 8080"
  nsx $NS_C timeout 20 $PY "$LAB_DIR/apps/hostile_client.py" $S_IP 8080 | sed 's/^/    client: /' >&2
  cap_stop "$out"
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
capture_and_label 1 '{"vantage": "client (tcpdump -i c-p in the client namespace)"}'
