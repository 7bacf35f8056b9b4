/*
 * JerryScript v3.0.0 port functions for ESP-IDF (every function jerry-core of that tag calls, as
 * declared in its jerryscript-port.h; the tag's own jerry-port library is not built): fatal errors
 * restart the board, logs go to ESP_LOG, time from gettimeofday (SNTP). No file system, no line
 * input, no external context (the heap is the static one, in PSRAM: jerry_esp_config.h).
 * Not built with ESP-IDF here; compiled and linked with v3.0.0's jerry-core for x86-64 (with stub
 * esp_log/esp_system/FreeRTOS headers) to check that nothing is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include "esp_log.h"
#include "esp_system.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "jerryscript-port.h"

static const char *TAG = "jerry";

void jerry_port_init(void) {}

void jerry_port_fatal(jerry_fatal_code_t code) {
  ESP_LOGE(TAG, "fatal error %d: restarting", (int)code);
  esp_restart();
}

void jerry_port_log(const char *message_p) { ESP_LOGW(TAG, "%s", message_p); }

void jerry_port_print_buffer(const jerry_char_t *buffer_p, jerry_size_t buffer_size) {
  fwrite(buffer_p, 1, buffer_size, stdout);
}

jerry_char_t *jerry_port_line_read(jerry_size_t *out_size_p) {
  *out_size_p = 0;
  return NULL;
}

void jerry_port_line_free(jerry_char_t *buffer_p) { (void)buffer_p; }

jerry_char_t *jerry_port_path_normalize(const jerry_char_t *path_p, jerry_size_t path_size) {
  jerry_char_t *p = malloc(path_size + 1);
  if (p) {
    memcpy(p, path_p, path_size);
    p[path_size] = 0;
  }
  return p;
}

void jerry_port_path_free(jerry_char_t *path_p) { free(path_p); }

jerry_size_t jerry_port_path_base(const jerry_char_t *path_p) {
  const char *s = strrchr((const char *)path_p, '/');
  return s ? (jerry_size_t)(s - (const char *)path_p + 1) : 0;
}

jerry_char_t *jerry_port_source_read(const char *file_name_p, jerry_size_t *out_size_p) {
  (void)file_name_p;
  *out_size_p = 0;
  return NULL; /* modules are not used: the app is one bundle */
}

void jerry_port_source_free(jerry_char_t *buffer_p) { (void)buffer_p; }

int32_t jerry_port_local_tza(double unix_ms) {
  (void)unix_ms;
  return 0; /* the board keeps UTC; the app uses ms since the epoch only */
}

double jerry_port_current_time(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double)tv.tv_sec * 1000.0 + (double)(tv.tv_usec / 1000);
}

void jerry_port_sleep(uint32_t sleep_time) { vTaskDelay(pdMS_TO_TICKS(sleep_time)); }
