/*
 * Duktape 2.7 binding of the quietcam ports (firmware/native/qc_ports.h) and of the app calls
 * (firmware/native/qc_engine.h), with a capped allocator that counts every byte the engine asks
 * for: the board profile's heap budget is the cap, and the peak above the engine's own base
 * (the heap right after duk_create_heap: Debian's build keeps its built-ins in RAM) is reported.
 *
 * The JS sees `ports` exactly as firmware/app/hardware.ts declares it. Frames and the external
 * buffers are Duktape external buffers (memory outside the capped heap), as JerryScript's
 * external ArrayBuffers are on the board.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duktape.h"
#include "engine_duktape.h"
#include "qc_kernels.h"
#include "qc_sha256.h"
#include "qc_ports.h"

/* ---- capped allocator ------------------------------------------------------------------ */

/* Each block carries its size in a 16-byte header (keeps 16-byte alignment for doubles). */
#define HDR 16

static void *cap_alloc(void *udata, duk_size_t size) {
  qc_heap_stats_t *h = (qc_heap_stats_t *)udata;
  if (size == 0) return NULL;
  if (h->cap && h->current + size > h->cap) {
    h->refused++;
    return NULL; /* Duktape runs a GC and retries, then throws a RangeError: the app sees it */
  }
  unsigned char *p = (unsigned char *)malloc(size + HDR);
  if (!p) return NULL;
  *(size_t *)p = size;
  h->current += size;
  if (h->current > h->peak) h->peak = h->current;
  return p + HDR;
}

static void cap_free(void *udata, void *ptr) {
  qc_heap_stats_t *h = (qc_heap_stats_t *)udata;
  if (!ptr) return;
  unsigned char *p = (unsigned char *)ptr - HDR;
  h->current -= *(size_t *)p;
  free(p);
}

static void *cap_realloc(void *udata, void *ptr, duk_size_t size) {
  qc_heap_stats_t *h = (qc_heap_stats_t *)udata;
  if (!ptr) return cap_alloc(udata, size);
  if (size == 0) {
    cap_free(udata, ptr);
    return NULL;
  }
  unsigned char *p = (unsigned char *)ptr - HDR;
  size_t old = *(size_t *)p;
  if (h->cap && size > old && h->current + (size - old) > h->cap) {
    h->refused++;
    return NULL;
  }
  unsigned char *q = (unsigned char *)realloc(p, size + HDR);
  if (!q) return NULL;
  *(size_t *)q = size;
  h->current = h->current - old + size;
  if (h->current > h->peak) h->peak = h->current;
  return q + HDR;
}

static void fatal(void *udata, const char *msg) {
  (void)udata;
  fprintf(stderr, "qc-runtime: duktape fatal error: %s\n", msg ? msg : "(none)");
  fflush(stderr);
  exit(70);
}

/* ---- ports ----------------------------------------------------------------------------- */

static duk_ret_t camera_read(duk_context *ctx) {
  duk_size_t size = 0;
  void *p = duk_require_buffer_data(ctx, 0, &size);
  duk_push_uint(ctx, (duk_uint_t)qc_camera_read((uint8_t *)p, size));
  return 1;
}

static duk_ret_t camera_read_view(duk_context *ctx) {
  duk_size_t size = 0;
  void *p = duk_require_buffer_data(ctx, 0, &size);
  duk_push_uint(ctx, (duk_uint_t)qc_camera_read_view((uint8_t *)p, size));
  return 1;
}

static duk_ret_t clock_now(duk_context *ctx) {
  duk_push_number(ctx, qc_clock_now_ms());
  return 1;
}

static duk_ret_t clock_ticks(duk_context *ctx) {
  duk_push_number(ctx, qc_clock_ticks_ms());
  return 1;
}

static duk_ret_t mqtt_publish(duk_context *ctx) {
  duk_size_t tlen = 0, size = 0;
  const char *topic = duk_require_lstring(ctx, 0, &tlen);
  void *p = duk_require_buffer_data(ctx, 1, &size);
  int qos = duk_require_int(ctx, 2);
  duk_push_boolean(ctx, qc_mqtt_publish(topic, tlen, (const uint8_t *)p, size, qos));
  return 1;
}

static duk_ret_t settings_get(duk_context *ctx) {
  char value[QC_SETTINGS_VALUE_MAX + 1];
  const char *key = duk_require_string(ctx, 0);
  int n = qc_settings_get(key, value, sizeof value);
  if (n < 0) return 0; /* undefined */
  duk_push_lstring(ctx, value, (duk_size_t)n);
  return 1;
}

static duk_ret_t settings_set(duk_context *ctx) {
  duk_size_t len = 0;
  const char *key = duk_require_string(ctx, 0);
  const char *value = duk_require_lstring(ctx, 1, &len);
  if (strlen(key) > QC_SETTINGS_KEY_MAX || len > QC_SETTINGS_VALUE_MAX || qc_settings_set(key, value, len) != 0) {
    return duk_error(ctx, DUK_ERR_RANGE_ERROR, "settings.set: key > %d or value > %d characters, or storage failed", QC_SETTINGS_KEY_MAX, QC_SETTINGS_VALUE_MAX);
  }
  return 0;
}

static duk_ret_t log_log(duk_context *ctx) {
  duk_size_t len = 0;
  int level = duk_require_int(ctx, 0);
  const char *msg = duk_safe_to_lstring(ctx, 1, &len);
  qc_log(level, msg, len);
  return 0;
}

/* A Uint8Array over external memory: the engine heap holds only the small buffer objects. */
static duk_ret_t memory_external(duk_context *ctx) {
  duk_uint_t n = duk_require_uint(ctx, 0);
  void *p = qc_external_alloc(n);
  if (!p) return duk_error(ctx, DUK_ERR_RANGE_ERROR, "memory.external: %u bytes do not fit (%lu of %lu used)", (unsigned)n,
                           (unsigned long)qc_external_used(), (unsigned long)qc_external_size());
  duk_push_external_buffer(ctx);
  duk_config_buffer(ctx, -1, p, n);
  duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_UINT8ARRAY);
  return 1;
}

/* ports.kernels: the detector's per-pixel loops in C (qc_kernels.c), bit-exact with src/core/kernels.ts. */
static duk_ret_t kernels_difference(duk_context *ctx) {
  duk_size_t nf = 0, nb = 0, nt = 0, nc = 0, ns = 0;
  void *frame = duk_require_buffer_data(ctx, 0, &nf), *bg8 = duk_require_buffer_data(ctx, 1, &nb);
  void *thr = duk_require_buffer_data(ctx, 2, &nt), *cnt = duk_require_buffer_data(ctx, 3, &nc);
  void *sad = duk_require_buffer_data(ctx, 4, &ns);
  double w = duk_require_number(ctx, 5), h = duk_require_number(ctx, 6), cell = duk_require_number(ctx, 7);
  const char *bad = qc_kernel_check_difference(nf, nb, nt, nc, ns, w, h, cell);
  if (bad) return duk_error(ctx, DUK_ERR_RANGE_ERROR, "kernels.difference: %s", bad);
  qc_kernel_difference((const uint8_t *)frame, (const uint8_t *)bg8, (const uint8_t *)thr, (uint16_t *)cnt, (int32_t *)sad,
                       (unsigned)w, (unsigned)h, (unsigned)cell);
  return 0;
}

static duk_ret_t kernels_update_background(duk_context *ctx) {
  duk_size_t nf = 0, nq = 0, nb = 0, nr = 0;
  void *frame = duk_require_buffer_data(ctx, 0, &nf), *bgq = duk_require_buffer_data(ctx, 1, &nq);
  void *bg8 = duk_require_buffer_data(ctx, 2, &nb), *rate = duk_require_buffer_data(ctx, 3, &nr);
  double w = duk_require_number(ctx, 4), h = duk_require_number(ctx, 5), cell = duk_require_number(ctx, 6);
  double stride = duk_require_number(ctx, 7), phase = duk_require_number(ctx, 8);
  const char *bad = qc_kernel_check_update(nf, nq, nb, nr, w, h, cell, stride, phase);
  if (bad) return duk_error(ctx, DUK_ERR_RANGE_ERROR, "kernels.updateBackground: %s", bad);
  qc_kernel_update_background((const uint8_t *)frame, (uint16_t *)bgq, (uint8_t *)bg8, (const uint8_t *)rate, (unsigned)w,
                              (unsigned)h, (unsigned)cell, (unsigned)stride, (unsigned)phase);
  return 0;
}

/* ports.digest.sha256Blocks(state, data, from, blocks): SHA-256 compression in C (qc_sha256.c). */
static duk_ret_t digest_sha256_blocks(duk_context *ctx) {
  duk_size_t ns = 0, nd = 0;
  void *state = duk_require_buffer_data(ctx, 0, &ns), *data = duk_require_buffer_data(ctx, 1, &nd);
  double from = duk_require_number(ctx, 2), blocks = duk_require_number(ctx, 3);
  const char *bad = qc_sha256_check(ns, nd, from, blocks);
  if (bad) return duk_error(ctx, DUK_ERR_RANGE_ERROR, "digest.sha256Blocks: %s", bad);
  qc_sha256_blocks((int32_t *)state, (const uint8_t *)data + (size_t)from, (size_t)blocks);
  return 0;
}

/* ports.system: health for the status message (qc_ports.h). */
static duk_ret_t system_free_heap(duk_context *ctx) {
  duk_push_number(ctx, qc_system_free_heap());
  return 1;
}

static duk_ret_t system_rssi(duk_context *ctx) {
  duk_push_int(ctx, qc_system_rssi());
  return 1;
}

static void put_fn(duk_context *ctx, const char *name, duk_c_function fn, duk_idx_t nargs) {
  duk_push_c_function(ctx, fn, nargs);
  duk_put_prop_string(ctx, -2, name);
}

static void push_ports(duk_context *ctx, int kernels) {
  qc_camera_info_t info;
  qc_camera_info(&info);
  duk_push_object(ctx); /* ports */

  duk_push_object(ctx);
  duk_push_uint(ctx, info.width);
  duk_put_prop_string(ctx, -2, "width");
  duk_push_uint(ctx, info.height);
  duk_put_prop_string(ctx, -2, "height");
  duk_push_uint(ctx, info.view_width);
  duk_put_prop_string(ctx, -2, "viewWidth");
  duk_push_uint(ctx, info.view_height);
  duk_put_prop_string(ctx, -2, "viewHeight");
  put_fn(ctx, "read", camera_read, 1);
  put_fn(ctx, "readView", camera_read_view, 1);
  duk_put_prop_string(ctx, -2, "camera");

  duk_push_object(ctx);
  put_fn(ctx, "now", clock_now, 0);
  put_fn(ctx, "ticks", clock_ticks, 0);
  duk_put_prop_string(ctx, -2, "clock");

  duk_push_object(ctx);
  put_fn(ctx, "publish", mqtt_publish, 3);
  duk_put_prop_string(ctx, -2, "mqtt");

  duk_push_object(ctx);
  put_fn(ctx, "get", settings_get, 1);
  put_fn(ctx, "set", settings_set, 2);
  duk_put_prop_string(ctx, -2, "settings");

  duk_push_object(ctx);
  put_fn(ctx, "log", log_log, 2);
  duk_put_prop_string(ctx, -2, "log");

  duk_push_object(ctx);
  put_fn(ctx, "external", memory_external, 1);
  duk_put_prop_string(ctx, -2, "memory");

  duk_push_object(ctx);
  put_fn(ctx, "freeHeap", system_free_heap, 0);
  put_fn(ctx, "rssi", system_rssi, 0);
  duk_put_prop_string(ctx, -2, "system");

  if (kernels) {
    duk_push_object(ctx);
    put_fn(ctx, "difference", kernels_difference, 8);
    put_fn(ctx, "updateBackground", kernels_update_background, 9);
    duk_put_prop_string(ctx, -2, "kernels");
    duk_push_object(ctx);
    put_fn(ctx, "sha256Blocks", digest_sha256_blocks, 4);
    duk_put_prop_string(ctx, -2, "digest");
  }

  duk_put_global_string(ctx, "ports");
}

/* ---- profiling trampolines (bench only) -------------------------------------------------
   qcprof.slotN(fn, args...) calls fn(args...). Each slot is its own named C function, so
   callgrind's inclusive cost of qc_duk_slotN is the cost of the JS calls routed through it. */

static duk_ret_t slot_call(duk_context *ctx) {
  duk_idx_t n = duk_get_top(ctx);
  duk_require_function(ctx, 0);
  duk_call(ctx, n - 1);
  return 1;
}

#define QC_SLOT(n) __attribute__((noinline)) duk_ret_t qc_duk_slot##n(duk_context *ctx) { return slot_call(ctx); }
QC_SLOT(0) QC_SLOT(1) QC_SLOT(2) QC_SLOT(3) QC_SLOT(4) QC_SLOT(5) QC_SLOT(6) QC_SLOT(7)
QC_SLOT(8) QC_SLOT(9) QC_SLOT(10) QC_SLOT(11) QC_SLOT(12) QC_SLOT(13) QC_SLOT(14) QC_SLOT(15)

void qc_duk_define_profiler(qc_duk_t *d);

/* ---- engine ------------------------------------------------------------------------------ */

struct qc_duk {
  duk_context *ctx;
  qc_heap_stats_t heap;
};

static void error_text(duk_context *ctx, const char *what, char *err, size_t cap) {
  /* The stack trace when there is one (it names the JS function), else the value. */
  if (duk_is_error(ctx, -1)) {
    duk_get_prop_string(ctx, -1, "stack");
    snprintf(err, cap, "%s: %s", what, duk_safe_to_string(ctx, -1));
    duk_pop(ctx);
  } else {
    snprintf(err, cap, "%s: %s", what, duk_safe_to_string(ctx, -1));
  }
}

qc_duk_t *qc_duk_create(size_t cap, int kernels) {
  qc_duk_t *d = (qc_duk_t *)calloc(1, sizeof *d);
  if (!d) return NULL;
  d->ctx = duk_create_heap(cap_alloc, cap_realloc, cap_free, &d->heap, fatal);
  if (!d->ctx) {
    free(d);
    return NULL;
  }
  /* The base: the engine alone, built-ins included. The cap applies from here on, so the cap
     is the whole heap as on the board, and the app's share is what is above the base. */
  d->heap.base = d->heap.current;
  d->heap.peak = d->heap.current;
  d->heap.cap = cap;
  push_ports(d->ctx, kernels);
  return d;
}

void qc_duk_destroy(qc_duk_t *d) {
  if (!d) return;
  duk_destroy_heap(d->ctx);
  free(d);
}

qc_heap_stats_t *qc_duk_heap(qc_duk_t *d) { return &d->heap; }

void qc_duk_define_profiler(qc_duk_t *d) {
  static const duk_function_list_entry slots[] = {
    {"slot0", qc_duk_slot0, DUK_VARARGS}, {"slot1", qc_duk_slot1, DUK_VARARGS}, {"slot2", qc_duk_slot2, DUK_VARARGS},
    {"slot3", qc_duk_slot3, DUK_VARARGS}, {"slot4", qc_duk_slot4, DUK_VARARGS}, {"slot5", qc_duk_slot5, DUK_VARARGS},
    {"slot6", qc_duk_slot6, DUK_VARARGS}, {"slot7", qc_duk_slot7, DUK_VARARGS}, {"slot8", qc_duk_slot8, DUK_VARARGS},
    {"slot9", qc_duk_slot9, DUK_VARARGS}, {"slot10", qc_duk_slot10, DUK_VARARGS}, {"slot11", qc_duk_slot11, DUK_VARARGS},
    {"slot12", qc_duk_slot12, DUK_VARARGS}, {"slot13", qc_duk_slot13, DUK_VARARGS}, {"slot14", qc_duk_slot14, DUK_VARARGS},
    {"slot15", qc_duk_slot15, DUK_VARARGS}, {NULL, NULL, 0}};
  duk_push_object(d->ctx);
  duk_put_function_list(d->ctx, -1, slots);
  duk_put_global_string(d->ctx, "qcprof");
}

int qc_duk_load(qc_duk_t *d, const char *name, const char *src, size_t len, char *err, size_t cap) {
  duk_context *ctx = d->ctx;
  duk_push_string(ctx, name);
  if (duk_pcompile_lstring_filename(ctx, 0, src, len) != 0) {
    error_text(ctx, "compile", err, cap);
    duk_pop(ctx);
    return -1;
  }
  if (duk_pcall(ctx, 0) != 0) {
    error_text(ctx, "evaluate", err, cap);
    duk_pop(ctx);
    return -1;
  }
  duk_pop(ctx);
  /* Drop the compiler's garbage so "after load" is what the code itself holds. */
  duk_gc(ctx, 0);
  duk_gc(ctx, 0);
  return 0;
}

/* Call global[obj][fn](args on the stack). Leaves the result on the stack. */
static int call_method(duk_context *ctx, const char *obj, const char *fn, int nargs, char *err, size_t cap) {
  duk_get_global_string(ctx, obj);
  duk_get_prop_string(ctx, -1, fn);
  if (!duk_is_function(ctx, -1)) {
    snprintf(err, cap, "%s.%s is not a function", obj, fn);
    duk_pop_n(ctx, 2 + nargs);
    duk_push_undefined(ctx);
    return -1;
  }
  duk_dup(ctx, -2); /* this */
  /* stack: args..., obj, fn, obj -> move args to the top */
  for (int i = 0; i < nargs; i++) duk_pull(ctx, -(3 + nargs));
  int rc = duk_pcall_method(ctx, nargs);
  if (rc != 0) {
    char what[64];
    snprintf(what, sizeof what, "%s.%s", obj, fn);
    error_text(ctx, what, err, cap);
  }
  duk_remove(ctx, -2); /* obj */
  return rc == 0 ? 0 : -1;
}

static int e_start(void *p, char *err, size_t cap) {
  qc_duk_t *d = (qc_duk_t *)p;
  int rc = call_method(d->ctx, "quietcam", "start", 0, err, cap);
  duk_pop(d->ctx);
  return rc;
}

static int e_config_topic(void *p, char *out, size_t ocap, char *err, size_t cap) {
  qc_duk_t *d = (qc_duk_t *)p;
  int rc = call_method(d->ctx, "quietcam", "configTopic", 0, err, cap);
  if (rc == 0) snprintf(out, ocap, "%s", duk_safe_to_string(d->ctx, -1));
  duk_pop(d->ctx);
  return rc;
}

static int e_ack_topic(void *p, char *out, size_t ocap, char *err, size_t cap) {
  qc_duk_t *d = (qc_duk_t *)p;
  int rc = call_method(d->ctx, "quietcam", "ackTopic", 0, err, cap);
  if (rc == 0) snprintf(out, ocap, "%s", duk_safe_to_string(d->ctx, -1));
  duk_pop(d->ctx);
  return rc;
}

static int e_command_topic(void *p, char *out, size_t ocap, char *err, size_t cap) {
  qc_duk_t *d = (qc_duk_t *)p;
  int rc = call_method(d->ctx, "quietcam", "commandTopic", 0, err, cap);
  if (rc == 0) snprintf(out, ocap, "%s", duk_safe_to_string(d->ctx, -1));
  duk_pop(d->ctx);
  return rc;
}

static int e_reconnected(void *p, char *err, size_t cap) {
  qc_duk_t *d = (qc_duk_t *)p;
  int rc = call_method(d->ctx, "quietcam", "reconnected", 0, err, cap);
  duk_pop(d->ctx);
  return rc;
}

static int e_receive(void *p, const char *topic, size_t tlen, const uint8_t *data, size_t len, char *err, size_t cap) {
  qc_duk_t *d = (qc_duk_t *)p;
  duk_context *ctx = d->ctx;
  duk_push_lstring(ctx, topic, tlen);
  /* A fresh Uint8Array per message: messages are rare (config changes), not per frame. */
  void *buf = duk_push_fixed_buffer(ctx, len);
  if (len) memcpy(buf, data, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
  int rc = call_method(ctx, "quietcam", "receive", 2, err, cap);
  duk_pop(ctx);
  return rc;
}

/* Not inlined, and named, so callgrind reports the whole app step as one inclusive cost. */
__attribute__((noinline)) int qc_duk_app_step(qc_duk_t *d, int *state, char *err, size_t cap) {
  int rc = call_method(d->ctx, "quietcam", "step", 0, err, cap);
  if (rc == 0 && state) *state = duk_get_int_default(d->ctx, -1, -1);
  duk_pop(d->ctx);
  return rc;
}

static int e_step(void *p, int *state, char *err, size_t cap) {
  return qc_duk_app_step((qc_duk_t *)p, state, err, cap);
}

/* The bench's bare frame-difference loop, called the same way (see bench/firmware.ts). */
__attribute__((noinline)) int qc_duk_bare_step(qc_duk_t *d, char *err, size_t cap) {
  int rc = call_method(d->ctx, "qcbare", "step", 0, err, cap);
  duk_pop(d->ctx);
  return rc;
}

int qc_duk_stats_json(qc_duk_t *d, char *out, size_t ocap, char *err, size_t cap) {
  duk_context *ctx = d->ctx;
  int rc = call_method(ctx, "quietcam", "stats", 0, err, cap);
  if (rc == 0) snprintf(out, ocap, "%s", duk_json_encode(ctx, -1));
  duk_pop(ctx);
  return rc;
}

void qc_duk_engine(qc_duk_t *d, qc_engine_t *e) {
  e->ctx = d;
  e->start = e_start;
  e->config_topic = e_config_topic;
  e->ack_topic = e_ack_topic;
  e->command_topic = e_command_topic;
  e->reconnected = e_reconnected;
  e->receive = e_receive;
  e->step = e_step;
}
