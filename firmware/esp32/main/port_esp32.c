/*
 * The quietcam ports on the ESP32-CAM (firmware/native/qc_ports.h): esp32-camera (JPEG + 1/8 decode to
 * grey, or GRAYSCALE + 2x2 binning), gettimeofday/esp_timer clocks, esp-mqtt, NVS settings, ESP_LOG.
 * Not compiled: no ESP-IDF where this was written (firmware/README.md, "Limits first").
 */
#include <string.h>
#include <sys/time.h>
#include "esp_camera.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_sntp.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "img_converters.h"
#include "mqtt_client.h"
#include "nvs.h"
#include "board_config.h"
#include "port_esp32.h"
#include "qc_inbox.h"
#include "qc_ports.h"

static const char *TAG = "qc-port";
static camera_fb_t *fb;                               /* the frame last grabbed, held until the next grab */
static uint8_t grey[QC_WORK_WIDTH * QC_WORK_HEIGHT];  /* the detector's frame (internal RAM, 4.8 KB at 80x60) */
static esp_mqtt_client_handle_t mqtt;
static SemaphoreHandle_t inbox_lock;

/* ---- camera ---- */

int qc_esp_camera_init(void) {
  camera_config_t c = {
    .pin_pwdn = QC_PIN_PWDN, .pin_reset = QC_PIN_RESET, .pin_xclk = QC_PIN_XCLK,
    .pin_sccb_sda = QC_PIN_SIOD, .pin_sccb_scl = QC_PIN_SIOC,
    .pin_d7 = QC_PIN_D7, .pin_d6 = QC_PIN_D6, .pin_d5 = QC_PIN_D5, .pin_d4 = QC_PIN_D4,
    .pin_d3 = QC_PIN_D3, .pin_d2 = QC_PIN_D2, .pin_d1 = QC_PIN_D1, .pin_d0 = QC_PIN_D0,
    .pin_vsync = QC_PIN_VSYNC, .pin_href = QC_PIN_HREF, .pin_pclk = QC_PIN_PCLK,
    .xclk_freq_hz = QC_XCLK_HZ, .ledc_timer = LEDC_TIMER_0, .ledc_channel = LEDC_CHANNEL_0,
    .pixel_format = QC_CAMERA_JPEG ? PIXFORMAT_JPEG : PIXFORMAT_GRAYSCALE,
    .frame_size = QC_FRAME_SIZE, .jpeg_quality = QC_JPEG_QUALITY,
    .fb_count = 2, .fb_location = CAMERA_FB_IN_PSRAM, .grab_mode = CAMERA_GRAB_LATEST,
  };
  esp_err_t e = esp_camera_init(&c);
  if (e != ESP_OK) ESP_LOGE(TAG, "camera init failed: %s", esp_err_to_name(e));
  return e == ESP_OK ? 0 : -1;
}

#if QC_CAMERA_JPEG
/* esp_jpg_decode output callback: the decoder hands RGB888 blocks at 1/QC_DECODE_SCALE; keep luma. */
static bool on_block(void *arg, uint16_t x, uint16_t y, uint16_t w, uint16_t h, uint8_t *data) {
  (void)arg;
  if (!data) return true; /* start / end markers */
  for (uint16_t j = 0; j < h; j++) {
    if (y + j >= QC_WORK_HEIGHT) break;
    for (uint16_t i = 0; i < w && x + i < QC_WORK_WIDTH; i++) {
      const uint8_t *p = data + 3 * (j * w + i);
      /* ITU-R BT.601 luma in integers, as sim/image-io.ts reduces colour. */
      grey[(y + j) * QC_WORK_WIDTH + x + i] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
    }
  }
  return true;
}

static size_t jpg_read(void *arg, size_t index, uint8_t *buf, size_t len) {
  camera_fb_t *f = (camera_fb_t *)arg;
  if (buf) memcpy(buf, f->buf + index, len);
  return len;
}
#endif

int qc_esp_camera_grab(void) {
  if (fb) esp_camera_fb_return(fb);
  fb = esp_camera_fb_get();
  if (!fb) return -1;
#if QC_CAMERA_JPEG
  jpg_scale_t scale = QC_DECODE_SCALE == 8 ? JPG_SCALE_8X : QC_DECODE_SCALE == 4 ? JPG_SCALE_4X : QC_DECODE_SCALE == 2 ? JPG_SCALE_2X : JPG_SCALE_NONE;
  if (esp_jpg_decode(fb->len, scale, jpg_read, on_block, fb) != ESP_OK) return -1;
#else
  /* GRAYSCALE: 2x2 area average when binning, rounded half up, as sim/grid.ts reduces. */
  for (int y = 0; y < QC_WORK_HEIGHT; y++)
    for (int x = 0; x < QC_WORK_WIDTH; x++) {
      if (QC_BINNING == 1) {
        grey[y * QC_WORK_WIDTH + x] = fb->buf[y * fb->width + x];
      } else {
        const uint8_t *p = fb->buf + 2 * y * fb->width + 2 * x;
        grey[y * QC_WORK_WIDTH + x] = (uint8_t)((p[0] + p[1] + p[fb->width] + p[fb->width + 1] + 2) >> 2);
      }
    }
#endif
  return 0;
}

void qc_camera_info(qc_camera_info_t *info) {
  info->width = QC_WORK_WIDTH;
  info->height = QC_WORK_HEIGHT;
  info->view_width = QC_VIEW_WIDTH;
  info->view_height = QC_VIEW_HEIGHT;
}

size_t qc_camera_read(uint8_t *dst, size_t cap) {
  if (!fb || cap < sizeof grey) return 0;
  memcpy(dst, grey, sizeof grey);
  return sizeof grey;
}

size_t qc_camera_read_view(uint8_t *dst, size_t cap) {
  if (!fb) return 0;
#if QC_CAMERA_JPEG
  if (fb->len > cap) return 0;
  memcpy(dst, fb->buf, fb->len); /* the camera's JPEG, unedited */
  return fb->len;
#else
  uint8_t *jpg = NULL;
  size_t len = 0;
  if (!fmt2jpg(fb->buf, fb->len, fb->width, fb->height, PIXFORMAT_GRAYSCALE, 80, &jpg, &len)) return 0;
  size_t n = len <= cap ? len : 0; /* rare (snapshots only): the encoder's buffer is freed at once */
  if (n) memcpy(dst, jpg, n);
  free(jpg);
  return n;
#endif
}

/* ---- clocks ---- */

double qc_clock_now_ms(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double)tv.tv_sec * 1000.0 + (double)(tv.tv_usec / 1000);
}

double qc_clock_ticks_ms(void) { return (double)(esp_timer_get_time() / 1000); }

/* ---- MQTT ---- */

int qc_mqtt_publish(const char *topic, size_t topic_len, const uint8_t *data, size_t len, int qos) {
  char t[128];
  if (!mqtt || topic_len >= sizeof t) return 0;
  memcpy(t, topic, topic_len);
  t[topic_len] = 0;
  /* enqueue: copies into esp-mqtt's outbox (PSRAM) and returns; QoS 1 is retried by esp-mqtt. */
  return esp_mqtt_client_enqueue(mqtt, t, (const char *)data, (int)len, qos, 0, true) >= 0;
}

static void inbox_lock_fn(void) { xSemaphoreTake(inbox_lock, portMAX_DELAY); }
static void inbox_unlock_fn(void) { xSemaphoreGive(inbox_lock); }

void qc_esp_inbox_init(void) {
  inbox_lock = xSemaphoreCreateMutex();
  qc_inbox_init(inbox_lock_fn, inbox_unlock_fn);
}

/* The topics the app reads: its retained config, the relay's acks (quietcam.ackTopic()) and the
   owner's live-view requests (quietcam.commandTopic()). */
#define QC_SUBSCRIPTIONS 3
static char subscribed[QC_SUBSCRIPTIONS][96];
static int connected_once;

static void on_mqtt(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void)arg;
  (void)base;
  esp_mqtt_event_handle_t ev = (esp_mqtt_event_handle_t)data;
  if (id == MQTT_EVENT_CONNECTED) {
    for (int i = 0; i < QC_SUBSCRIPTIONS; i++) {
      if (subscribed[i][0]) esp_mqtt_client_subscribe(mqtt, subscribed[i], 1);
    }
    /* Every connection after the first: the app sends its unacknowledged bundles again. */
    if (connected_once) qc_inbox_mark_connected();
    connected_once = 1;
  }
  /* Whole messages only: config payloads are < 1 KB and acks < 200 B, below the 4.6 KB buffer. */
  if (id == MQTT_EVENT_DATA && ev->current_data_offset == 0 && ev->data_len == ev->total_data_len) {
    qc_inbox_push(ev->topic, (size_t)ev->topic_len, (const uint8_t *)ev->data, (size_t)ev->data_len);
  }
}

void qc_esp_mqtt_subscribe(const char *topic) {
  for (int i = 0; i < QC_SUBSCRIPTIONS; i++) {
    if (subscribed[i][0] && strcmp(subscribed[i], topic) != 0) continue;
    snprintf(subscribed[i], sizeof subscribed[i], "%s", topic);
    if (mqtt) esp_mqtt_client_subscribe(mqtt, subscribed[i], 1);
    return;
  }
}

/* ---- settings (NVS) ---- */

int qc_settings_get(const char *key, char *out, size_t cap) {
  nvs_handle_t h;
  size_t len = cap;
  if (nvs_open("quietcam", NVS_READONLY, &h) != ESP_OK) return -1;
  esp_err_t e = nvs_get_str(h, key, out, &len);
  nvs_close(h);
  return e == ESP_OK ? (int)strlen(out) : -1;
}

int qc_settings_set(const char *key, const char *value, size_t len) {
  char v[QC_SETTINGS_VALUE_MAX + 1];
  nvs_handle_t h;
  if (len > QC_SETTINGS_VALUE_MAX || nvs_open("quietcam", NVS_READWRITE, &h) != ESP_OK) return -1;
  memcpy(v, value, len);
  v[len] = 0;
  esp_err_t e = nvs_set_str(h, key, v);
  if (e == ESP_OK) e = nvs_commit(h);
  nvs_close(h);
  return e == ESP_OK ? 0 : -1;
}

/* Free heap of the whole system (internal RAM and PSRAM), as the status message reports it. */
double qc_system_free_heap(void) { return (double)esp_get_free_heap_size(); }

/* RSSI of the access point the station is connected to, dBm; 0 when not connected. */
int qc_system_rssi(void) {
  wifi_ap_record_t ap;
  if (esp_wifi_sta_get_ap_info(&ap) != ESP_OK) return 0;
  return ap.rssi < 0 ? ap.rssi : 0;
}

void qc_log(int level, const char *msg, size_t len) {
  if (level <= QC_LOG_ERROR) ESP_LOGE("app", "%.*s", (int)len, msg);
  else if (level == QC_LOG_WARN) ESP_LOGW("app", "%.*s", (int)len, msg);
  else ESP_LOGI("app", "%.*s", (int)len, msg);
}

/* ---- network ---- */

int qc_esp_network_start(const qc_config_t *cfg) {
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  esp_netif_create_default_wifi_sta();
  wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&init));
  wifi_config_t wc = {0};
  snprintf((char *)wc.sta.ssid, sizeof wc.sta.ssid, "%s", cfg->ssid);
  snprintf((char *)wc.sta.password, sizeof wc.sta.password, "%s", cfg->password);
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &wc));
  ESP_ERROR_CHECK(esp_wifi_start());
  esp_wifi_connect();
  /* Wall clock: SNTP; until it syncs the app sees ~1970 and neither snapshots nor checks consent. */
  esp_sntp_setoperatingmode(SNTP_OPMODE_POLL);
  esp_sntp_setservername(0, "pool.ntp.org");
  esp_sntp_init();
  esp_mqtt_client_config_t mc = {
    .broker.address.uri = cfg->broker,
    .credentials.username = cfg->username[0] ? cfg->username : NULL,
    .credentials.authentication.password = cfg->mqttpass[0] ? cfg->mqttpass : NULL,
    .credentials.client_id = cfg->camera,
    .buffer.size = QC_MQTT_BUFFER_SIZE, /* the default 1 KB would fragment every 4 KB chunk */
  };
  mqtt = esp_mqtt_client_init(&mc);
  if (!mqtt) return -1;
  esp_mqtt_client_register_event(mqtt, ESP_EVENT_ANY_ID, on_mqtt, NULL);
  return esp_mqtt_client_start(mqtt) == ESP_OK ? 0 : -1;
}
