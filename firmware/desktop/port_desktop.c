/*
 * The desktop implementation of the quietcam ports (firmware/native/qc_ports.h): the camera and
 * the clock are driven by input records (firmware/desktop/wire.h), publishes and logs go out as
 * output records, settings live in memory (kept across simulated reboots) and optionally in a
 * file, external memory is one malloc'd region.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "port_desktop.h"
#include "qc_ports.h"
#include "wire.h"

static qc_camera_info_t cam;
static uint8_t *frame;           /* width*height, owned here */
static int have_frame;
static uint8_t *view;            /* JPEG of the current frame, grown as needed */
static size_t view_len, view_cap;
static double wall_ms, ticks_ms;
static FILE *out;
static int quiet_logs;

#define MAX_SETTINGS 32
static struct { char key[QC_SETTINGS_KEY_MAX + 1]; char value[QC_SETTINGS_VALUE_MAX + 1]; int used; } settings[MAX_SETTINGS];
static const char *settings_file;

void qc_desktop_init(FILE *output, uint16_t width, uint16_t height, uint16_t view_width, uint16_t view_height, int quiet) {
  out = output;
  cam.width = width;
  cam.height = height;
  cam.view_width = view_width;
  cam.view_height = view_height;
  frame = (uint8_t *)calloc((size_t)width * height, 1);
  quiet_logs = quiet;
}

int qc_desktop_set_frame(double wall, double ticks, const uint8_t *grey, size_t len, const uint8_t *jpeg, size_t jlen) {
  wall_ms = wall;
  ticks_ms = ticks;
  if (len != (size_t)cam.width * cam.height) return -1;
  memcpy(frame, grey, len);
  have_frame = 1;
  if (jlen > view_cap) {
    uint8_t *p = (uint8_t *)realloc(view, jlen);
    if (!p) return -1;
    view = p;
    view_cap = jlen;
  }
  if (jlen) memcpy(view, jpeg, jlen);
  view_len = jlen;
  return 0;
}

void qc_camera_info(qc_camera_info_t *info) { *info = cam; }

size_t qc_camera_read(uint8_t *dst, size_t cap) {
  size_t n = (size_t)cam.width * cam.height;
  if (!have_frame || cap < n) return 0;
  memcpy(dst, frame, n);
  return n;
}

size_t qc_camera_read_view(uint8_t *dst, size_t cap) {
  if (!have_frame || view_len == 0 || view_len > cap) return 0;
  memcpy(dst, view, view_len);
  return view_len;
}

double qc_clock_now_ms(void) { return wall_ms; }
double qc_clock_ticks_ms(void) { return ticks_ms; }

int qc_mqtt_publish(const char *topic, size_t topic_len, const uint8_t *data, size_t len, int qos) {
  if (topic_len > 0xffff || (qos != 0 && qos != 1)) return 0;
  uint8_t hdr[3];
  hdr[0] = (uint8_t)qos;
  hdr[1] = (uint8_t)(topic_len & 0xff);
  hdr[2] = (uint8_t)(topic_len >> 8);
  wire_write_record(out, WIRE_OUT_PUBLISH, 3 + topic_len + len, hdr, 3, topic, topic_len, data, len);
  return 1;
}

static int find_setting(const char *key) {
  for (int i = 0; i < MAX_SETTINGS; i++) if (settings[i].used && strcmp(settings[i].key, key) == 0) return i;
  return -1;
}

int qc_settings_get(const char *key, char *dst, size_t cap) {
  int i = find_setting(key);
  if (i < 0) return -1;
  size_t n = strlen(settings[i].value);
  if (n + 1 > cap) return -1;
  memcpy(dst, settings[i].value, n + 1);
  return (int)n;
}

static void save_settings(void) {
  if (!settings_file) return;
  FILE *f = fopen(settings_file, "w");
  if (!f) return;
  for (int i = 0; i < MAX_SETTINGS; i++) if (settings[i].used) fprintf(f, "%s=%s\n", settings[i].key, settings[i].value);
  fclose(f);
}

int qc_settings_set(const char *key, const char *value, size_t len) {
  if (strlen(key) > QC_SETTINGS_KEY_MAX || len > QC_SETTINGS_VALUE_MAX || memchr(value, '\n', len) || memchr(value, 0, len)) return -1;
  int i = find_setting(key);
  if (i < 0) {
    for (i = 0; i < MAX_SETTINGS && settings[i].used; i++) {}
    if (i == MAX_SETTINGS) return -1;
    settings[i].used = 1;
    snprintf(settings[i].key, sizeof settings[i].key, "%s", key);
  }
  memcpy(settings[i].value, value, len);
  settings[i].value[len] = 0;
  save_settings();
  return 0;
}

int qc_desktop_setting_arg(const char *kv) {
  const char *eq = strchr(kv, '=');
  if (!eq || eq == kv || (size_t)(eq - kv) > QC_SETTINGS_KEY_MAX) return -1;
  char key[QC_SETTINGS_KEY_MAX + 1];
  memcpy(key, kv, (size_t)(eq - kv));
  key[eq - kv] = 0;
  const char *saved = settings_file;
  settings_file = NULL; /* loading, not changing */
  int rc = qc_settings_set(key, eq + 1, strlen(eq + 1));
  settings_file = saved;
  return rc;
}

int qc_desktop_settings_file(const char *path) {
  settings_file = NULL;
  FILE *f = fopen(path, "r");
  if (f) {
    char line[QC_SETTINGS_KEY_MAX + QC_SETTINGS_VALUE_MAX + 4];
    while (fgets(line, sizeof line, f)) {
      line[strcspn(line, "\r\n")] = 0;
      if (line[0] && qc_desktop_setting_arg(line) != 0) {
        fclose(f);
        return -1;
      }
    }
    fclose(f);
  }
  settings_file = path;
  return 0;
}

/* Simulated health, the same numbers as firmware/node/node-ports.ts (SIMULATED_SYSTEM), so the
   desktop runtime and Node publish byte-identical status messages: an ESP32-CAM's typical free
   internal heap with Wi-Fi up, and a fair signal. */
double qc_system_free_heap(void) { return 163840; }
int qc_system_rssi(void) { return -58; }

void qc_log(int level, const char *msg, size_t len) {
  if (quiet_logs && level > QC_LOG_WARN) return;
  uint8_t lv = (uint8_t)level;
  wire_write_record(out, WIRE_OUT_LOG, 1 + len, &lv, 1, msg, len, NULL, 0);
}
