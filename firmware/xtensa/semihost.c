/*
 * The OS layer picolibc lacks on QEMU's xtensa `sim` machine, over QEMU's xtensa semihosting
 * (`simcall`, enabled by -semihosting): exit, read, write, open, close, lseek, the command line,
 * buffered stdin/stdout/stderr; and the instruction counter around each frame.
 *
 * Counting: QEMU runs with -icount, so the virtual clock advances a fixed time per guest instruction
 * and CCOUNT (the cycle counter, rsr.ccount) follows that clock. qc_xtensa_calibrate() times a loop
 * of a known instruction count to get CCOUNT ticks per instruction; __wrap_qc_host_frame and
 * __wrap_qc_duk_bare_step (ld --wrap) add up CCOUNT around the app step and the bare loop. At exit
 * one line goes to stderr: `qc-xtensa frames=N step_ccount=S bare_ccount=B ccount_per_insn=R`.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio-bufio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>
#include "qc_engine.h"

enum { SYS_EXIT = 1, SYS_READ = 3, SYS_WRITE = 4, SYS_OPEN = 5, SYS_CLOSE = 6, SYS_LSEEK = 19, SYS_ARGC = 1000, SYS_ARGV_SZ = 1001, SYS_ARGV = 1002 };

static int simcall(int nr, int a, int b, int c) {
  register int a2 __asm__("a2") = nr;
  register int a3 __asm__("a3") = a;
  register int a4 __asm__("a4") = b;
  register int a5 __asm__("a5") = c;
  __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
  if (a2 == -1) errno = a3;
  return a2;
}

ssize_t read(int fd, void *buf, size_t n) { return simcall(SYS_READ, fd, (int)(uintptr_t)buf, (int)n); }
ssize_t write(int fd, const void *buf, size_t n) { return simcall(SYS_WRITE, fd, (int)(uintptr_t)buf, (int)n); }
int open(const char *path, int flags, ...) { return simcall(SYS_OPEN, (int)(uintptr_t)path, flags, 0644); }
int close(int fd) { return simcall(SYS_CLOSE, fd, 0, 0); }
off_t lseek(int fd, off_t off, int whence) { return simcall(SYS_LSEEK, fd, (int)off, whence); }

void _exit(int code) {
  fflush(stdout);
  fflush(stderr);
  simcall(SYS_EXIT, code, 0, 0);
  for (;;) {}
}

/* No clock on the sim machine: time() and Duktape's Date see the epoch (the app's clock is the
   input's, through ports.clock, as on the desktop). raise()/abort() have no process to signal. */
int gettimeofday(struct timeval *tv, void *tz) {
  (void)tz;
  tv->tv_sec = 0;
  tv->tv_usec = 0;
  return 0;
}
pid_t getpid(void) { return 1; }
int kill(pid_t pid, int sig) {
  (void)pid;
  fprintf(stderr, "qc-xtensa: signal %d\n", sig);
  _exit(128 + sig);
}

static char inbuf[4096], outbuf[4096], errbuf[256];
static struct __file_bufio in_file = FDEV_SETUP_BUFIO(0, inbuf, sizeof inbuf, read, write, lseek, close, __SRD, 0);
static struct __file_bufio out_file = FDEV_SETUP_BUFIO(1, outbuf, sizeof outbuf, read, write, lseek, close, __SWR, 0);
static struct __file_bufio err_file = FDEV_SETUP_BUFIO(2, errbuf, sizeof errbuf, read, write, lseek, close, __SWR, __BLBF);
FILE *const stdin = &in_file.xfile.cfile.file;
FILE *const stdout = &out_file.xfile.cfile.file;
FILE *const stderr = &err_file.xfile.cfile.file;

static inline uint32_t ccount(void) {
  uint32_t c;
  __asm__ volatile("rsr %0, ccount" : "=r"(c));
  return c;
}

static uint64_t step_cc, bare_cc;
static unsigned long frames;
static uint32_t calib_cc, calib_insn;

int __real_qc_host_frame(qc_engine_t *engine, int *state, char *err, size_t cap);
int __wrap_qc_host_frame(qc_engine_t *engine, int *state, char *err, size_t cap) {
  uint32_t t0 = ccount();
  int rc = __real_qc_host_frame(engine, state, err, cap);
  step_cc += (uint32_t)(ccount() - t0);
  frames++;
  return rc;
}

int __real_qc_duk_bare_step(void *duk, char *err, size_t cap);
int __wrap_qc_duk_bare_step(void *duk, char *err, size_t cap) {
  uint32_t t0 = ccount();
  int rc = __real_qc_duk_bare_step(duk, err, cap);
  bare_cc += (uint32_t)(ccount() - t0);
  return rc;
}

/* 2 instructions per iteration (addi, bnez) + the rsr pair's own: measured, not assumed, below. */
static void calibrate(void) {
  uint32_t n = 200000, t0, t1;
  __asm__ volatile(
      "rsr %0, ccount\n"
      "1: addi %2, %2, -1\n"
      "bnez %2, 1b\n"
      "rsr %1, ccount\n"
      : "=&r"(t0), "=&r"(t1), "+r"(n));
  calib_cc = t1 - t0;
  calib_insn = 2 * 200000 + 1; /* the loop, and the second rsr */
}

static void report(void) {
  fprintf(stderr, "qc-xtensa frames=%lu step_ccount=%llu bare_ccount=%llu calib_ccount=%lu calib_insn=%lu\n", frames,
          (unsigned long long)step_cc, (unsigned long long)bare_cc, (unsigned long)calib_cc, (unsigned long)calib_insn);
}

int qc_desktop_main(int argc, char **argv);

int main(void) {
  static char args[8192];
  int argc = simcall(SYS_ARGC, 0, 0, 0);
  int size = simcall(SYS_ARGV_SZ, 0, 0, 0);
  if (argc < 1 || size < 0 || (size_t)size > sizeof args) {
    fprintf(stderr, "qc-xtensa: no command line (use -semihosting-config enable=on,arg=qc-runtime,arg=...)\n");
    return 2;
  }
  simcall(SYS_ARGV, (int)(uintptr_t)args, 0, 0);
  calibrate();
  atexit(report);
  return qc_desktop_main(argc, (char **)args);
}
