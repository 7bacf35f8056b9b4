/*
 * JerryScript 3.0 (es.next profile) binding of firmware/native/qc_ports.h: the same `ports` object
 * as firmware/desktop/engine_duktape.c gives Duktape on the desktop, so the same bundle runs on
 * both. Frames and the external buffers are external ArrayBuffers (PSRAM, outside the JS heap).
 * Written against JerryScript v3.0.0 (jerryscript.h of that tag). Not built with ESP-IDF here; compiled
 * (gcc 12, x86-64, -Wall -Wextra) against the v3.0.0 headers and linked with its jerry-core, with
 * ESP_PLATFORM undefined (the start-up checks of the heap's placement are board-only).
 */
#include <stdio.h>
#include <string.h>
#include "jerryscript.h"
#include "engine_jerry.h"
#include "qc_kernels.h"
#include "qc_sha256.h"
#include "qc_ports.h"
#ifdef ESP_PLATFORM
#include "esp_memory_utils.h"
/* JerryScript's static heap (jcontext.c of v3.0.0; placed by components/jerryscript/jerry_esp_config.h). */
extern uint8_t jerry_global_heap[];
#endif

static jerry_value_t app; /* the global `quietcam` */

static uint8_t *bytes_of(jerry_value_t v, jerry_length_t *len) {
  jerry_length_t offset = 0, length = 0;
  if (!jerry_value_is_typedarray(v)) return NULL;
  jerry_value_t ab = jerry_typedarray_buffer(v, &offset, &length);
  uint8_t *p = jerry_arraybuffer_data(ab);
  jerry_value_free(ab);
  *len = length;
  return p ? p + offset : NULL;
}

/* The bytes behind a Uint8Array argument, or a thrown error. JerryScript 3.0 allocates a large
   ArrayBuffer's data lazily: with a heap too small jerry_arraybuffer_data() gives NULL, and a frame
   read that quietly returned 0 would make the app count "bad frames" forever. So it throws. */
static jerry_value_t frame_bytes(const jerry_value_t a[], jerry_length_t n, const char *what, uint8_t **p, jerry_length_t *len) {
  *p = NULL;
  *len = 0;
  if (n < 1 || !jerry_value_is_typedarray(a[0])) return jerry_throw_sz(JERRY_ERROR_TYPE, what);
  *p = bytes_of(a[0], len);
  if (!*p && *len > 0) return jerry_throw_sz(JERRY_ERROR_RANGE, "camera: the frame buffer has no data (JerryScript heap too small for its ArrayBuffer)");
  return jerry_undefined();
}

static jerry_value_t camera_read(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  uint8_t *p;
  jerry_length_t len;
  jerry_value_t bad = frame_bytes(a, n, "camera.read(Uint8Array)", &p, &len);
  if (jerry_value_is_exception(bad)) return bad;
  return jerry_number(p ? (double)qc_camera_read(p, len) : 0);
}

static jerry_value_t camera_read_view(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  uint8_t *p;
  jerry_length_t len;
  jerry_value_t bad = frame_bytes(a, n, "camera.readView(Uint8Array)", &p, &len);
  if (jerry_value_is_exception(bad)) return bad;
  return jerry_number(p ? (double)qc_camera_read_view(p, len) : 0);
}

static jerry_value_t clock_now(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci; (void)a; (void)n;
  return jerry_number(qc_clock_now_ms());
}

static jerry_value_t clock_ticks(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci; (void)a; (void)n;
  return jerry_number(qc_clock_ticks_ms());
}

static jerry_value_t mqtt_publish(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  char topic[128];
  jerry_length_t len = 0;
  if (n < 3 || !jerry_value_is_string(a[0])) return jerry_throw_sz(JERRY_ERROR_TYPE, "publish(topic, bytes, qos)");
  jerry_size_t tlen = jerry_string_to_buffer(a[0], JERRY_ENCODING_UTF8, (jerry_char_t *)topic, sizeof topic - 1);
  uint8_t *p = bytes_of(a[1], &len);
  if (!p) return jerry_throw_sz(JERRY_ERROR_TYPE, "publish: bytes must be a Uint8Array");
  return jerry_boolean(qc_mqtt_publish(topic, tlen, p, len, (int)jerry_value_as_number(a[2])) != 0);
}

static jerry_value_t settings_get(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  char key[QC_SETTINGS_KEY_MAX + 1], value[QC_SETTINGS_VALUE_MAX + 1];
  if (n < 1) return jerry_undefined();
  jerry_size_t k = jerry_string_to_buffer(a[0], JERRY_ENCODING_UTF8, (jerry_char_t *)key, sizeof key - 1);
  key[k] = 0;
  int len = qc_settings_get(key, value, sizeof value);
  return len < 0 ? jerry_undefined() : jerry_string((const jerry_char_t *)value, (jerry_size_t)len, JERRY_ENCODING_UTF8);
}

static jerry_value_t settings_set(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  char key[QC_SETTINGS_KEY_MAX + 1], value[QC_SETTINGS_VALUE_MAX + 1];
  if (n < 2 || jerry_string_size(a[0], JERRY_ENCODING_UTF8) > QC_SETTINGS_KEY_MAX || jerry_string_size(a[1], JERRY_ENCODING_UTF8) > QC_SETTINGS_VALUE_MAX) {
    return jerry_throw_sz(JERRY_ERROR_RANGE, "settings.set: key > 15 or value > 64 characters, or storage failed");
  }
  jerry_size_t k = jerry_string_to_buffer(a[0], JERRY_ENCODING_UTF8, (jerry_char_t *)key, sizeof key - 1);
  key[k] = 0;
  jerry_size_t v = jerry_string_to_buffer(a[1], JERRY_ENCODING_UTF8, (jerry_char_t *)value, sizeof value - 1);
  if (qc_settings_set(key, value, v) != 0) return jerry_throw_sz(JERRY_ERROR_RANGE, "settings.set: storage failed");
  return jerry_undefined();
}

static jerry_value_t log_log(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  static char msg[256];
  if (n < 2) return jerry_undefined();
  jerry_value_t s = jerry_value_to_string(a[1]);
  jerry_size_t len = jerry_string_to_buffer(s, JERRY_ENCODING_UTF8, (jerry_char_t *)msg, sizeof msg - 1);
  jerry_value_free(s);
  qc_log((int)jerry_value_as_number(a[0]), msg, len);
  return jerry_undefined();
}

/* A Uint8Array over PSRAM (qc_external_alloc): an external ArrayBuffer, never freed (start-up only). */
static jerry_value_t memory_external(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  jerry_length_t bytes = n > 0 ? (jerry_length_t)jerry_value_as_number(a[0]) : 0;
  uint8_t *p = qc_external_alloc(bytes);
  if (!p) return jerry_throw_sz(JERRY_ERROR_RANGE, "memory.external: does not fit the board's externalBytes");
  jerry_value_t ab = jerry_arraybuffer_external(p, bytes, NULL);
  jerry_value_t ta = jerry_typedarray_with_buffer_span(JERRY_TYPEDARRAY_UINT8, ab, 0, bytes);
  jerry_value_free(ab);
  return ta;
}

/* ports.kernels: the detector's per-pixel loops in C (firmware/native/qc_kernels.c), checked like
   the Duktape binding does (same qc_kernel_check_* messages) before any memory is touched. */
static double num_arg(const jerry_value_t a[], jerry_length_t n, jerry_length_t i) {
  return i < n && jerry_value_is_number(a[i]) ? jerry_value_as_number(a[i]) : -1;
}

static jerry_value_t kernels_difference(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  jerry_length_t nf = 0, nb = 0, nt = 0, nc = 0, ns = 0;
  if (n < 8) return jerry_throw_sz(JERRY_ERROR_TYPE, "kernels.difference(frame, bg8, thr, cnt, sad, width, height, cellSize)");
  uint8_t *frame = bytes_of(a[0], &nf), *bg8 = bytes_of(a[1], &nb), *thr = bytes_of(a[2], &nt);
  uint8_t *cnt = bytes_of(a[3], &nc), *sad = bytes_of(a[4], &ns);
  if (!frame || !bg8 || !thr || !cnt || !sad) return jerry_throw_sz(JERRY_ERROR_TYPE, "kernels.difference: arrays must be typed arrays");
  double w = num_arg(a, n, 5), h = num_arg(a, n, 6), cell = num_arg(a, n, 7);
  const char *bad = qc_kernel_check_difference(nf, nb, nt, nc, ns, w, h, cell);
  if (bad) return jerry_throw_sz(JERRY_ERROR_RANGE, bad);
  qc_kernel_difference(frame, bg8, thr, (uint16_t *)cnt, (int32_t *)sad, (unsigned)w, (unsigned)h, (unsigned)cell);
  return jerry_undefined();
}

static jerry_value_t kernels_update_background(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  jerry_length_t nf = 0, nq = 0, nb = 0, nr = 0;
  if (n < 9) return jerry_throw_sz(JERRY_ERROR_TYPE, "kernels.updateBackground(frame, bgq, bg8, rate, width, height, cellSize, stride, phase)");
  uint8_t *frame = bytes_of(a[0], &nf), *bgq = bytes_of(a[1], &nq), *bg8 = bytes_of(a[2], &nb), *rate = bytes_of(a[3], &nr);
  if (!frame || !bgq || !bg8 || !rate) return jerry_throw_sz(JERRY_ERROR_TYPE, "kernels.updateBackground: arrays must be typed arrays");
  double w = num_arg(a, n, 4), h = num_arg(a, n, 5), cell = num_arg(a, n, 6), stride = num_arg(a, n, 7), phase = num_arg(a, n, 8);
  const char *bad = qc_kernel_check_update(nf, nq, nb, nr, w, h, cell, stride, phase);
  if (bad) return jerry_throw_sz(JERRY_ERROR_RANGE, bad);
  qc_kernel_update_background(frame, (uint16_t *)bgq, bg8, rate, (unsigned)w, (unsigned)h, (unsigned)cell, (unsigned)stride, (unsigned)phase);
  return jerry_undefined();
}

/* ports.digest.sha256Blocks(state, data, from, blocks): SHA-256 compression in C (qc_sha256.c),
   checked like the Duktape binding (same qc_sha256_check messages). */
static jerry_value_t digest_sha256_blocks(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  jerry_length_t ns = 0, nd = 0;
  if (n < 4) return jerry_throw_sz(JERRY_ERROR_TYPE, "digest.sha256Blocks(state, data, from, blocks)");
  uint8_t *state = bytes_of(a[0], &ns), *data = bytes_of(a[1], &nd);
  if (!state || !data) return jerry_throw_sz(JERRY_ERROR_TYPE, "digest.sha256Blocks: arrays must be typed arrays");
  double from = num_arg(a, n, 2), blocks = num_arg(a, n, 3);
  const char *bad = qc_sha256_check(ns, nd, from, blocks);
  if (bad) return jerry_throw_sz(JERRY_ERROR_RANGE, bad);
  qc_sha256_blocks((int32_t *)state, data + (size_t)from, (size_t)blocks);
  return jerry_undefined();
}

static void set_fn(jerry_value_t obj, const char *name, jerry_external_handler_t fn) {
  jerry_value_t f = jerry_function_external(fn);
  jerry_value_free(jerry_object_set_sz(obj, name, f));
  jerry_value_free(f);
}

static void set_num(jerry_value_t obj, const char *name, double v) {
  jerry_value_t x = jerry_number(v);
  jerry_value_free(jerry_object_set_sz(obj, name, x));
  jerry_value_free(x);
}

static void set_obj(jerry_value_t parent, const char *name, jerry_value_t child) {
  jerry_value_free(jerry_object_set_sz(parent, name, child));
  jerry_value_free(child);
}

/* ports.system: health for the status message (qc_ports.h; port_esp32.c reads the IDF). */
static jerry_value_t system_free_heap(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  (void)a;
  (void)n;
  return jerry_number(qc_system_free_heap());
}

static jerry_value_t system_rssi(const jerry_call_info_t *ci, const jerry_value_t a[], const jerry_length_t n) {
  (void)ci;
  (void)a;
  (void)n;
  return jerry_number((double)qc_system_rssi());
}

static void define_ports(void) {
  qc_camera_info_t info;
  qc_camera_info(&info);
  jerry_value_t ports = jerry_object();
  jerry_value_t camera = jerry_object();
  set_num(camera, "width", info.width);
  set_num(camera, "height", info.height);
  set_num(camera, "viewWidth", info.view_width);
  set_num(camera, "viewHeight", info.view_height);
  set_fn(camera, "read", camera_read);
  set_fn(camera, "readView", camera_read_view);
  set_obj(ports, "camera", camera);
  jerry_value_t clock = jerry_object();
  set_fn(clock, "now", clock_now);
  set_fn(clock, "ticks", clock_ticks);
  set_obj(ports, "clock", clock);
  jerry_value_t mqtt = jerry_object();
  set_fn(mqtt, "publish", mqtt_publish);
  set_obj(ports, "mqtt", mqtt);
  jerry_value_t settings = jerry_object();
  set_fn(settings, "get", settings_get);
  set_fn(settings, "set", settings_set);
  set_obj(ports, "settings", settings);
  jerry_value_t log = jerry_object();
  set_fn(log, "log", log_log);
  set_obj(ports, "log", log);
  jerry_value_t memory = jerry_object();
  set_fn(memory, "external", memory_external);
  set_obj(ports, "memory", memory);
  jerry_value_t system = jerry_object();
  set_fn(system, "freeHeap", system_free_heap);
  set_fn(system, "rssi", system_rssi);
  set_obj(ports, "system", system);
  jerry_value_t kernels = jerry_object();
  set_fn(kernels, "difference", kernels_difference);
  set_fn(kernels, "updateBackground", kernels_update_background);
  set_obj(ports, "kernels", kernels);
  jerry_value_t digest = jerry_object();
  set_fn(digest, "sha256Blocks", digest_sha256_blocks);
  set_obj(ports, "digest", digest);
  jerry_value_t global = jerry_current_realm();
  set_obj(global, "ports", ports);
  jerry_value_free(global);
}

static int failed(jerry_value_t v, const char *what, char *err, size_t cap) {
  if (!jerry_value_is_exception(v)) return 0;
  jerry_value_t e = jerry_exception_value(v, true);
  jerry_value_t s = jerry_value_to_string(e);
  char text[200];
  jerry_size_t n = jerry_string_to_buffer(s, JERRY_ENCODING_UTF8, (jerry_char_t *)text, sizeof text - 1);
  text[n] = 0;
  snprintf(err, cap, "%s: %s", what, text);
  jerry_value_free(s);
  jerry_value_free(e);
  return -1;
}

static jerry_value_t call(const char *fn, const jerry_value_t *args, jerry_length_t n) {
  jerry_value_t f = jerry_object_get_sz(app, fn);
  jerry_value_t r = jerry_call(f, app, args, n);
  jerry_value_free(f);
  return r;
}

static int e_start(void *ctx, char *err, size_t cap) {
  (void)ctx;
  jerry_value_t r = call("start", NULL, 0);
  int rc = failed(r, "quietcam.start", err, cap);
  jerry_value_free(r);
  return rc;
}

static int e_config_topic(void *ctx, char *out, size_t ocap, char *err, size_t cap) {
  (void)ctx;
  jerry_value_t r = call("configTopic", NULL, 0);
  int rc = failed(r, "quietcam.configTopic", err, cap);
  if (rc == 0) out[jerry_string_to_buffer(r, JERRY_ENCODING_UTF8, (jerry_char_t *)out, (jerry_size_t)ocap - 1)] = 0;
  jerry_value_free(r);
  return rc;
}

static int e_ack_topic(void *ctx, char *out, size_t ocap, char *err, size_t cap) {
  (void)ctx;
  jerry_value_t r = call("ackTopic", NULL, 0);
  int rc = failed(r, "quietcam.ackTopic", err, cap);
  if (rc == 0) out[jerry_string_to_buffer(r, JERRY_ENCODING_UTF8, (jerry_char_t *)out, (jerry_size_t)ocap - 1)] = 0;
  jerry_value_free(r);
  return rc;
}

static int e_command_topic(void *ctx, char *out, size_t ocap, char *err, size_t cap) {
  (void)ctx;
  jerry_value_t r = call("commandTopic", NULL, 0);
  int rc = failed(r, "quietcam.commandTopic", err, cap);
  if (rc == 0) out[jerry_string_to_buffer(r, JERRY_ENCODING_UTF8, (jerry_char_t *)out, (jerry_size_t)ocap - 1)] = 0;
  jerry_value_free(r);
  return rc;
}

static int e_reconnected(void *ctx, char *err, size_t cap) {
  (void)ctx;
  jerry_value_t r = call("reconnected", NULL, 0);
  int rc = failed(r, "quietcam.reconnected", err, cap);
  jerry_value_free(r);
  return rc;
}

static int e_receive(void *ctx, const char *topic, size_t tlen, const uint8_t *data, size_t len, char *err, size_t cap) {
  (void)ctx;
  jerry_value_t args[2];
  args[0] = jerry_string((const jerry_char_t *)topic, (jerry_size_t)tlen, JERRY_ENCODING_UTF8);
  args[1] = jerry_typedarray(JERRY_TYPEDARRAY_UINT8, (jerry_length_t)len); /* messages are rare: config only */
  jerry_length_t l = 0;
  uint8_t *p = bytes_of(args[1], &l);
  if (len && !p) { /* same lazy-allocation failure as frame_bytes: say so rather than pass zeros */
    jerry_value_free(args[0]);
    jerry_value_free(args[1]);
    snprintf(err, cap, "quietcam.receive: no heap for a %u-byte message", (unsigned)len);
    return -1;
  }
  if (len) memcpy(p, data, len);
  jerry_value_t r = call("receive", args, 2);
  int rc = failed(r, "quietcam.receive", err, cap);
  jerry_value_free(r);
  jerry_value_free(args[0]);
  jerry_value_free(args[1]);
  return rc;
}

static int e_step(void *ctx, int *state, char *err, size_t cap) {
  (void)ctx;
  jerry_value_t r = call("step", NULL, 0);
  int rc = failed(r, "quietcam.step", err, cap);
  if (rc == 0 && state) *state = (int)jerry_value_as_number(r);
  jerry_value_free(r);
  return rc;
}

/* The bundle runs from source (jerry_parse), not from a snapshot. Measured with v3.0.0: a regular
   snapshot executed in place from flash crashes (jerry_exec_snapshot writes into the buffer, with or
   without JERRY_SNAPSHOT_EXEC_COPY_DATA); a static snapshot of this bundle cannot be made
   ("Unsupported static snapshot literal"); a RAM copy of a snapshot lowers the smallest heap that runs
   80x60 from 88 KB to 76 KB only, while the heap is 256 KB of PSRAM and a snapshot would add a host
   jerry-snapshot build whose version must match the board's. The bundle must still be 4-byte aligned
   (main/bundle.S.in) and the heap must be in PSRAM: both are checked before anything runs. */
int qc_jerry_start(const uint8_t *bundle, size_t len, qc_engine_t *engine, char *err, size_t cap) {
  if (((uintptr_t)bundle & 3) != 0) {
    snprintf(err, cap, "bundle at %p is not 4-byte aligned", (const void *)bundle);
    return -1;
  }
  if (len >= 4 && memcmp(bundle, "JRRY", 4) == 0) {
    snprintf(err, cap, "bundle is a JerryScript snapshot: this build runs ES5 source only");
    return -1;
  }
#ifdef ESP_PLATFORM
  if (!esp_ptr_external_ram(jerry_global_heap)) {
    snprintf(err, cap, "JerryScript heap at %p is not in PSRAM (CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY?)", (void *)jerry_global_heap);
    return -1;
  }
#endif
  jerry_init(JERRY_INIT_EMPTY);
  define_ports();
  jerry_value_t parsed = jerry_parse(bundle, len, NULL);
  if (failed(parsed, "parse", err, cap)) {
    jerry_value_free(parsed);
    return -1;
  }
  jerry_value_t r = jerry_run(parsed);
  jerry_value_free(parsed);
  if (failed(r, "run", err, cap)) {
    jerry_value_free(r);
    return -1;
  }
  jerry_value_free(r);
  jerry_value_t global = jerry_current_realm();
  app = jerry_object_get_sz(global, "quietcam");
  jerry_value_free(global);
  engine->ctx = NULL;
  engine->start = e_start;
  engine->config_topic = e_config_topic;
  engine->ack_topic = e_ack_topic;
  engine->command_topic = e_command_topic;
  engine->reconnected = e_reconnected;
  engine->receive = e_receive;
  engine->step = e_step;
  return engine->start(NULL, err, cap);
}
