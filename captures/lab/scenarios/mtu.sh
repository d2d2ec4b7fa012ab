#!/bin/bash
# Path-MTU scenarios.  The router's link towards the proxy (r-p) has MTU 1400; both endpoints (curl in
# the proxy namespace, a Python server in the server namespace) sit on 1500-byte links and announce MSS 1460.
#   VARIANT=blackhole  the router drops its own ICMP fragmentation-needed (iptables OUTPUT): the server's
#                      full-size segments vanish, small ones get through; curl times out.  Capture on the server.
#   VARIANT=pmtud      ICMP allowed: frag-needed (MTU 1400) reaches the server, which resends smaller segments.
#                      Capture on the server.
#   VARIANT=frag       the server sets no DF (sysctl net.ipv4.ip_no_pmtu_disc=1 in its namespace): the router
#                      fragments the 1500-byte packets.  Capture on the proxy (receiver) side.
VARIANT=${VARIANT:-blackhole}
source "$(dirname "$0")/../lib.sh"
case $VARIANT in
  blackhole) lab_scenario mtu mtu-blackhole ;;
  pmtud) lab_scenario mtu pmtud-ok ;;
  frag) lab_scenario mtu ip-fragmentation ;;
esac

run_once() {
  local out=$1
  lab_setup off 25
  nsx $NS_R ip link set r-p mtu 1400
  [ "$VARIANT" = frag ] && nsx $NS_S sysctl -qw net.ipv4.ip_no_pmtu_disc=1
  pyserver_up $NS_P 8080 --body-bytes 60000 --split-headers --max-seconds 60
  [ "$VARIANT" = blackhole ] && nsx $NS_R iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
  if [ "$VARIANT" = frag ]; then cap_start $NS_P p-r "host $S_IP"
  else cap_start $NS_S s-r "tcp port 8080 or icmp"; fi
  curl_big $NS_P 8
  if [ "$VARIANT" != blackhole ]; then
    sleep 0.3
    curl_big $NS_P 8
  fi
  cap_stop "$out"
  [ "$VARIANT" = blackhole ] && router_rules OUTPUT
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
if [ "$VARIANT" = frag ]; then V="receiver side: tcpdump -i p-r in the proxy namespace (curl runs there), after the 1400-MTU router link"
else V="server (tcpdump -i s-r in the server namespace), the sender of the large segments"; fi
capture_and_label 1 "{\"label_as\": \"$NAME\", \"vantage\": \"$V\"}"
