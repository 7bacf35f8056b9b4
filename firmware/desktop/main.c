/*
 * qc-runtime: the desktop firmware runtime. Runs the firmware bundle (dist/firmware/<board>.js)
 * in Duktape 2.7 with a capped heap, fed by input records, publishing output records (wire.h).
 * The proof that the ES5 bundle runs in an embedded engine; the simulator drives it through
 * firmware/node/run.ts.
 *
 * Usage: qc-runtime --bundle FILE --width W --height H [--heap BYTES] [--external BYTES]
 *                   [--view-width W --view-height H] [--input FILE|-] [--set key=value]...
 *                   [--settings FILE] [--bare FILE] [--quiet-logs] [--profile] [--no-kernels]
 * --no-kernels leaves ports.kernels out: the app runs the TypeScript per-pixel loops (the bench's
 * pure-JS figure, and what an engine binding without native kernels would run).
 * Exit status: 0 done; 2 bad arguments or input; 3 the app threw; 4 the heap cap was reached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duktape.h"
#include "engine_duktape.h"
#include "port_desktop.h"
#include "qc_engine.h"
#include "qc_inbox.h"
#include "qc_ports.h"
#include "wire.h"

typedef struct {
  const char *bundle, *input, *bare, *settings;
  size_t heap, external;
  unsigned width, height, view_width, view_height;
  int quiet, profile, no_kernels;
} options_t;

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = (char *)malloc((size_t)n + 1);
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
    free(p);
    p = NULL;
  }
  fclose(f);
  if (p) {
    p[n] = 0;
    *len = (size_t)n;
  }
  return p;
}

static void usage(const char *msg) {
  fprintf(stderr, "qc-runtime: %s\nusage: qc-runtime --bundle FILE --width W --height H [--heap BYTES] [--external BYTES]\n"
                  "  [--view-width W --view-height H] [--input FILE|-] [--set key=value]... [--settings FILE] [--bare FILE] [--quiet-logs] [--profile] [--no-kernels]\n", msg);
  exit(2);
}

static unsigned long number(const char *flag, const char *v) {
  char *end = NULL;
  unsigned long n = strtoul(v ? v : "", &end, 10);
  if (!v || !*v || *end) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s needs a non-negative integer, got '%s'", flag, v ? v : "");
    usage(msg);
  }
  return n;
}

static FILE *out;
static qc_duk_t *duk;
static qc_engine_t engine;
static char *bundle_src, *bare_src;
static size_t bundle_len, bare_len;
static void *external_region;
static options_t opt;
static char err[4096];

/* Figures of the current boot, and the worst over all boots. */
static size_t after_load, after_start, load_peak, max_peak_above_base;
static unsigned long frames, boots;

static void fail(int status, const char *text) {
  wire_write_record(out, WIRE_OUT_ERROR, strlen(text), text, strlen(text), NULL, 0, NULL, 0);
  fflush(out);
  fprintf(stderr, "qc-runtime: %s\n", text);
  exit(status);
}

static void app_failed(void) {
  qc_heap_stats_t *h = qc_duk_heap(duk);
  char text[sizeof err + 160];
  if (h->refused) {
    snprintf(text, sizeof text, "heap cap of %lu bytes reached (%lu refused allocations, %lu above the engine base of %lu): %s",
             (unsigned long)h->cap, (unsigned long)h->refused, (unsigned long)(h->peak - h->base), (unsigned long)h->base, err);
    fail(4, text);
  }
  fail(3, err);
}

static void boot(void) {
  qc_external_init(external_region, opt.external);
  duk = qc_duk_create(opt.heap, !opt.no_kernels);
  if (!duk) fail(4, "cannot create the Duktape heap (cap too small for the engine's own base?)");
  qc_duk_engine(duk, &engine);
  if (opt.profile) qc_duk_define_profiler(duk);
  if (qc_duk_load(duk, "bundle", bundle_src, bundle_len, err, sizeof err) != 0) app_failed();
  if (bare_src && qc_duk_load(duk, "bare", bare_src, bare_len, err, sizeof err) != 0) app_failed();
  qc_heap_stats_t *h = qc_duk_heap(duk);
  after_load = h->current;
  load_peak = h->peak;
  h->peak = h->current; /* from here on: the app's own peak (the board runs a precompiled snapshot) */
  if (engine.start(engine.ctx, err, sizeof err) != 0) app_failed();
  after_start = h->current;
  boots++;
}

static void end_boot(void) {
  qc_heap_stats_t *h = qc_duk_heap(duk);
  if (h->peak - h->base > max_peak_above_base) max_peak_above_base = h->peak - h->base;
}

static void write_stats(void) {
  qc_heap_stats_t *h = qc_duk_heap(duk);
  char app[2048];
  if (qc_duk_stats_json(duk, app, sizeof app, err, sizeof err) != 0) snprintf(app, sizeof app, "null");
  end_boot();
  char text[4096];
  int n = snprintf(text, sizeof text,
                   "{\"engine\":\"duktape %ld.%ld.%ld\",\"heapCap\":%lu,\"heapBase\":%lu,\"codeBytes\":%lu,\"startBytes\":%lu,"
                   "\"compilePeakAboveBase\":%lu,\"peakAboveBase\":%lu,\"maxPeakAboveBase\":%lu,\"nowAboveBase\":%lu,\"refused\":%lu,"
                   "\"externalUsed\":%lu,\"externalSize\":%lu,\"frames\":%lu,\"boots\":%lu,\"inboxDropped\":%u,\"app\":%s}",
                   (long)(DUK_VERSION / 10000), (long)(DUK_VERSION / 100 % 100), (long)(DUK_VERSION % 100),
                   (unsigned long)h->cap, (unsigned long)h->base, (unsigned long)(after_load - h->base), (unsigned long)(after_start - after_load),
                   (unsigned long)(load_peak - h->base), (unsigned long)(h->peak - h->base), (unsigned long)max_peak_above_base,
                   (unsigned long)(h->current - h->base), (unsigned long)h->refused, (unsigned long)qc_external_used(),
                   (unsigned long)qc_external_size(), frames, boots, qc_inbox_dropped(), app);
  wire_write_record(out, WIRE_OUT_STATS, (size_t)n, text, (size_t)n, NULL, 0, NULL, 0);
}

int main(int argc, char **argv) {
  opt.input = "-";
  opt.external = 1u << 20;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--quiet-logs")) { opt.quiet = 1; continue; }
    if (!strcmp(a, "--profile")) { opt.profile = 1; continue; }
    if (!strcmp(a, "--no-kernels")) { opt.no_kernels = 1; continue; }
    if (!v) usage("missing value after an option");
    i++;
    if (!strcmp(a, "--bundle")) opt.bundle = v;
    else if (!strcmp(a, "--input")) opt.input = v;
    else if (!strcmp(a, "--bare")) opt.bare = v;
    else if (!strcmp(a, "--settings")) opt.settings = v;
    else if (!strcmp(a, "--heap")) opt.heap = number(a, v);
    else if (!strcmp(a, "--external")) opt.external = number(a, v);
    else if (!strcmp(a, "--width")) opt.width = (unsigned)number(a, v);
    else if (!strcmp(a, "--height")) opt.height = (unsigned)number(a, v);
    else if (!strcmp(a, "--view-width")) opt.view_width = (unsigned)number(a, v);
    else if (!strcmp(a, "--view-height")) opt.view_height = (unsigned)number(a, v);
    else if (!strcmp(a, "--set")) {
      if (qc_desktop_setting_arg(v) != 0) usage("--set needs key=value (key <= 15, value <= 64 characters)");
    } else {
      char msg[160];
      snprintf(msg, sizeof msg, "unknown option '%s'", a);
      usage(msg);
    }
  }
  if (!opt.bundle) usage("--bundle is required");
  if (opt.width < 1 || opt.width > 4096 || opt.height < 1 || opt.height > 4096) usage("--width and --height are required (1-4096)");
  if (opt.view_width > 65535 || opt.view_height > 65535) usage("--view-width/--view-height must be below 65536");
  if (opt.settings && qc_desktop_settings_file(opt.settings) != 0) usage("--settings: malformed file (key=value lines)");
  bundle_src = read_file(opt.bundle, &bundle_len);
  if (!bundle_src) usage("cannot read --bundle");
  if (opt.bare && !(bare_src = read_file(opt.bare, &bare_len))) usage("cannot read --bare");
  FILE *in = strcmp(opt.input, "-") ? fopen(opt.input, "rb") : stdin;
  if (!in) usage("cannot open --input");
  out = stdout;
  external_region = malloc(opt.external ? opt.external : 1);
  qc_desktop_init(out, (uint16_t)opt.width, (uint16_t)opt.height, (uint16_t)opt.view_width, (uint16_t)opt.view_height, opt.quiet);
  qc_inbox_init(NULL, NULL);
  boot();

  uint8_t *buf = NULL;
  size_t cap = 0, len = 0;
  for (;;) {
    int type = wire_read_record(in, &buf, &cap, &len);
    if (type == 0 || type == WIRE_IN_QUIT) break;
    if (type < 0) fail(2, "broken input record (truncated, or longer than 16 MiB)");
    if (type == WIRE_IN_FRAME) {
      if (len < 24) fail(2, "frame record shorter than its header");
      uint32_t glen = wire_u32(buf + 20);
      if (wire_u16(buf + 16) != opt.width || wire_u16(buf + 18) != opt.height || glen != opt.width * opt.height || 24 + (size_t)glen + 4 > len) {
        fail(2, "frame record does not match --width x --height");
      }
      uint32_t vlen = wire_u32(buf + 24 + glen);
      if (28 + (size_t)glen + vlen != len) fail(2, "frame record: view length does not match the record length");
      qc_desktop_set_frame(wire_f64(buf), wire_f64(buf + 8), buf + 24, glen, buf + 28 + glen, vlen);
      int state = 0;
      if (qc_host_frame(&engine, &state, err, sizeof err) != 0) app_failed();
      if (bare_src && qc_duk_bare_step(duk, err, sizeof err) != 0) app_failed();
      frames++;
    } else if (type == WIRE_IN_MESSAGE) {
      if (len < 2 || 2 + (size_t)wire_u16(buf) > len) fail(2, "message record shorter than its topic");
      uint16_t tlen = wire_u16(buf);
      if (!qc_inbox_push((const char *)buf + 2, tlen, buf + 2 + tlen, len - 2 - tlen)) {
        const char *w = "inbox: message dropped (inbox full, topic > 96 or payload > 1024 bytes)";
        qc_log(QC_LOG_WARN, w, strlen(w));
      }
    } else if (type == WIRE_IN_CONNECTED) {
      qc_inbox_mark_connected();
    } else if (type == WIRE_IN_REBOOT) {
      end_boot();
      qc_duk_destroy(duk);
      boot();
    } else {
      fail(2, "unknown input record type");
    }
  }
  write_stats();
  fflush(out);
  qc_duk_destroy(duk);
  return 0;
}
