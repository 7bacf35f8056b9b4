/*
 * quietcam on the ESP32-CAM: boot, provisioning (config partition -> NVS), Wi-Fi, SNTP, MQTT, camera,
 * then the JS app (JerryScript 3.0) stepped once per frame by the same loop code as the desktop
 * runtime (firmware/native/qc_host.c). Not compiled: no ESP-IDF where this was written. The shared parts
 * (firmware/native, the bundle) are compiled and tested on the desktop, x86-64 and lx106 (firmware/xtensa).
 */
#include <string.h>
#include "esp_heap_caps.h"
#include "esp_log.h"
#include "esp_system.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "board_config.h"
#include "engine_jerry.h"
#include "port_esp32.h"
#include "provisioning.h"
#include "qc_engine.h"
#include "qc_inbox.h"
#include "qc_ports.h"

static const char *TAG = "quietcam";
/* The embedded bundle, 4-byte aligned in flash (main/bundle.S.in). */
extern const uint8_t qc_bundle_start[];
extern const uint8_t qc_bundle_end[];

static void app_task(void *arg) {
  (void)arg;
  static char err[512];
  qc_engine_t engine;
  if (qc_jerry_start(qc_bundle_start, (size_t)(qc_bundle_end - qc_bundle_start), &engine, err, sizeof err) != 0) {
    ESP_LOGE(TAG, "app failed to start: %s", err);
    vTaskDelay(pdMS_TO_TICKS(10000));
    esp_restart();
  }
  char topic[96];
  if (engine.config_topic(engine.ctx, topic, sizeof topic, err, sizeof err) == 0) qc_esp_mqtt_subscribe(topic);
  if (engine.ack_topic(engine.ctx, topic, sizeof topic, err, sizeof err) == 0) qc_esp_mqtt_subscribe(topic);
  if (engine.command_topic(engine.ctx, topic, sizeof topic, err, sizeof err) == 0) qc_esp_mqtt_subscribe(topic);
  const TickType_t period = pdMS_TO_TICKS(1000 / QC_FPS);
  TickType_t last = xTaskGetTickCount();
  for (;;) {
    if (qc_esp_camera_grab() == 0) {
      int state = 0;
      if (qc_host_frame(&engine, &state, err, sizeof err) != 0) {
        ESP_LOGE(TAG, "app step failed: %s", err);
        esp_restart(); /* a thrown step is a bug: restart, the snapshot rule persisted what it must */
      }
    }
    vTaskDelayUntil(&last, period);
  }
}

void app_main(void) {
  qc_config_t cfg;
  if (qc_provision(&cfg) != 0) {
    ESP_LOGE(TAG, "no provisioning record: flash one with `npm run firmware:flash -- --config FILE`");
    return;
  }
  void *external = heap_caps_malloc(QC_EXTERNAL_BYTES, MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT);
  if (!external) {
    ESP_LOGE(TAG, "PSRAM: cannot reserve %d external bytes", QC_EXTERNAL_BYTES);
    return;
  }
  qc_external_init(external, QC_EXTERNAL_BYTES);
  qc_esp_inbox_init();
  if (qc_esp_camera_init() != 0 || qc_esp_network_start(&cfg) != 0) {
    vTaskDelay(pdMS_TO_TICKS(5000));
    esp_restart();
  }
  /* JerryScript recurses: 16 KB of stack for the app task, pinned to core 1 (Wi-Fi runs on core 0). */
  xTaskCreatePinnedToCore(app_task, "quietcam", 16384, NULL, 5, NULL, 1);
}
