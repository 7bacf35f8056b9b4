#include <stdio.h>
#include <string.h>
#include "esp_log.h"
#include "esp_partition.h"
#include "nvs.h"
#include "nvs_flash.h"
#include "provisioning.h"

static const char *TAG = "provision";
#define NS "quietcam"

static void field(const char *text, const char *key, char *out, size_t cap) {
  size_t klen = strlen(key);
  for (const char *p = text; p && *p;) {
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
      size_t n = len - klen - 1;
      if (n >= cap) n = cap - 1;
      memcpy(out, p + klen + 1, n);
      out[n] = 0;
      if (n && out[n - 1] == '\r') out[n - 1] = 0;
      return;
    }
    p = eol ? eol + 1 : NULL;
  }
}

static void nvs_str(nvs_handle_t h, const char *key, char *out, size_t cap) {
  size_t len = cap;
  if (nvs_get_str(h, key, out, &len) != ESP_OK) out[0] = 0;
}

int qc_provision(qc_config_t *c) {
  memset(c, 0, sizeof *c);
  esp_err_t e = nvs_flash_init();
  if (e == ESP_ERR_NVS_NO_FREE_PAGES || e == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    nvs_flash_erase();
    nvs_flash_init();
  }
  nvs_handle_t h;
  if (nvs_open(NS, NVS_READWRITE, &h) != ESP_OK) return -1;
  const esp_partition_t *part = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, 0x40, "qcconfig");
  static char text[1024];
  if (part && esp_partition_read(part, 0, text, sizeof text - 1) == ESP_OK && text[0] != (char)0xff) {
    text[sizeof text - 1] = 0;
    field(text, "ssid", c->ssid, sizeof c->ssid);
    field(text, "password", c->password, sizeof c->password);
    field(text, "broker", c->broker, sizeof c->broker);
    field(text, "username", c->username, sizeof c->username);
    field(text, "mqttpass", c->mqttpass, sizeof c->mqttpass);
    field(text, "camera", c->camera, sizeof c->camera);
    field(text, "secret", c->secret, sizeof c->secret);
    /* The camera id and MAC secret are also the app's settings "camera" and "secret"
       (firmware/app/app.ts reads them from NVS through the settings port). */
    nvs_set_str(h, "ssid", c->ssid);
    nvs_set_str(h, "password", c->password);
    nvs_set_str(h, "broker", c->broker);
    nvs_set_str(h, "username", c->username);
    nvs_set_str(h, "mqttpass", c->mqttpass);
    nvs_set_str(h, "camera", c->camera);
    nvs_set_str(h, "secret", c->secret);
    nvs_commit(h);
    esp_partition_erase_range(part, 0, part->size); /* secrets live in (encryptable) NVS only */
    ESP_LOGI(TAG, "provisioned camera %s on %s", c->camera, c->ssid);
  } else {
    nvs_str(h, "ssid", c->ssid, sizeof c->ssid);
    nvs_str(h, "password", c->password, sizeof c->password);
    nvs_str(h, "broker", c->broker, sizeof c->broker);
    nvs_str(h, "username", c->username, sizeof c->username);
    nvs_str(h, "mqttpass", c->mqttpass, sizeof c->mqttpass);
    nvs_str(h, "camera", c->camera, sizeof c->camera);
    nvs_str(h, "secret", c->secret, sizeof c->secret);
  }
  nvs_close(h);
  if (strlen(c->secret) != 64) ESP_LOGE(TAG, "no 64-hex MAC secret provisioned: the app will not start (flash again with secret=...)");
  return c->ssid[0] && c->broker[0] && c->camera[0] && strlen(c->secret) == 64 ? 0 : -1;
}
