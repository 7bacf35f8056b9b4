/*
 * quietcam port layer: the C functions every platform implements, shared by the desktop
 * runtime (firmware/desktop, Duktape) and the board (firmware/esp32, JerryScript). Each engine
 * binding (engine_duktape.c, engine_jerry.c) exposes exactly these to JS as the `ports` object
 * of firmware/app/hardware.ts; the JS never sees anything platform-specific.
 *
 * Rules: the caller owns every buffer; nothing here allocates after start-up except
 * qc_external_alloc, which the app calls only from its constructor.
 */
#ifndef QC_PORTS_H
#define QC_PORTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QC_LOG_ERROR 1
#define QC_LOG_WARN 2
#define QC_LOG_INFO 3

/* Settings keys and values: short ASCII (NVS keys are at most 15 characters). */
#define QC_SETTINGS_KEY_MAX 15
#define QC_SETTINGS_VALUE_MAX 64

typedef struct {
  uint16_t width;       /* grey frame for the detector, pixels */
  uint16_t height;
  uint16_t view_width;  /* raw view (JPEG), pixels; 0 when there is none */
  uint16_t view_height;
} qc_camera_info_t;

/* Camera: the grey frame (width*height bytes) and the raw view of the same frame. */
void qc_camera_info(qc_camera_info_t *info);
/* Copy the newest grey frame into dst; returns width*height, or 0 (no frame, or cap too small). */
size_t qc_camera_read(uint8_t *dst, size_t cap);
/* Copy the JPEG of the frame last read into dst; returns its length, 0 when none or too big. */
size_t qc_camera_read_view(uint8_t *dst, size_t cap);

/* Wall clock, ms since the Unix epoch (may jump; ~0 before SNTP), and monotonic ms since boot. */
double qc_clock_now_ms(void);
double qc_clock_ticks_ms(void);

/* Queue one MQTT publish (data is copied before returning). Returns 1 when queued, 0 when not. */
int qc_mqtt_publish(const char *topic, size_t topic_len, const uint8_t *data, size_t len, int qos);

/* Persistent settings. get: length written (NUL-terminated), or -1 when absent. set: 0 on success. */
int qc_settings_get(const char *key, char *out, size_t cap);
int qc_settings_set(const char *key, const char *value, size_t len);

void qc_log(int level, const char *msg, size_t len);

/* The board's health for its status message (ports.system): free heap bytes, and the Wi-Fi
   signal of the access point in dBm (-127..-1; 0 when not known or not on Wi-Fi). */
double qc_system_free_heap(void);
int qc_system_rssi(void);

/* External memory (qc_external.c): a bump allocator over one region the platform hands over at
   boot (malloc on the desktop, PSRAM on the board). Zeroed; NULL when the region is exhausted. */
void qc_external_init(void *base, size_t size);
void *qc_external_alloc(size_t bytes);
size_t qc_external_used(void);
size_t qc_external_size(void);

#ifdef __cplusplus
}
#endif
#endif
