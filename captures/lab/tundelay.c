/* tundelay: user-space one-way delay element for the capture lab.
 *
 * Attaches to an existing TUN device (IFF_TUN | IFF_NO_PI), reads every packet the
 * kernel routes into it, holds it DELAY_MS milliseconds and writes it back unchanged,
 * so the kernel routes it again (policy routing sends forwarded packets into the TUN,
 * the main table routes them out once they come back).  Packets keep their order.
 *
 * Bounded: exits by itself after MAX_SECONDS, and on SIGTERM/SIGINT.
 * The kernel has no sch_netem here, hence this program.
 *
 *   usage: tundelay IFNAME DELAY_MS MAX_SECONDS
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define QLEN 4096
#define PKTMAX 65536

struct pkt { int64_t due_us; int len; unsigned char *data; };
static struct pkt q[QLEN];
static int head, tail, count;
static volatile sig_atomic_t stop;

static int64_t now_us(void) {
  struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
static void on_sig(int s) { (void)s; stop = 1; }

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: %s IFNAME DELAY_MS MAX_SECONDS\n", argv[0]); return 2; }
  int64_t delay_us = (int64_t)(atof(argv[2]) * 1000.0);
  int64_t deadline = now_us() + (int64_t)atol(argv[3]) * 1000000;
  signal(SIGTERM, on_sig); signal(SIGINT, on_sig);

  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
  if (fd < 0) { perror("open /dev/net/tun"); return 1; }
  struct ifreq ifr; memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); return 1; }
  for (int i = 0; i < QLEN; i++) { q[i].data = malloc(PKTMAX); if (!q[i].data) return 1; }
  fprintf(stderr, "tundelay: %s delay %.1f ms, up to %s s\n", ifr.ifr_name, delay_us / 1000.0, argv[3]);

  unsigned long in = 0, out = 0, dropped = 0;
  while (!stop) {
    int64_t t = now_us();
    if (t >= deadline) break;
    int timeout_ms = 100;
    if (count) {
      int64_t wait = q[head].due_us - t;
      timeout_ms = wait <= 0 ? 0 : (int)((wait + 999) / 1000);
      if (wait > 0 && wait < 1000) timeout_ms = 1;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno != EINTR) { perror("poll"); break; }
    if (r > 0 && (p.revents & POLLIN)) {
      for (;;) {
        static unsigned char spill[PKTMAX];
        int n = read(fd, count < QLEN ? q[tail].data : spill, PKTMAX);
        if (n <= 0) break;
        if (count == QLEN) { dropped++; continue; }
        q[tail].len = n; q[tail].due_us = now_us() + delay_us;
        tail = (tail + 1) % QLEN; count++; in++;
      }
    }
    t = now_us();
    /* busy-wait the last sub-millisecond for accuracy */
    while (count && q[head].due_us - t > 0 && q[head].due_us - t < 1000) t = now_us();
    while (count && q[head].due_us <= t) {
      if (write(fd, q[head].data, q[head].len) < 0 && errno != EAGAIN) perror("write");
      head = (head + 1) % QLEN; count--; out++;
    }
  }
  fprintf(stderr, "tundelay: in %lu out %lu dropped %lu\n", in, out, dropped);
  return 0;
}
