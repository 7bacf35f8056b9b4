/* Provisioning: the `qcconfig` data partition holds key=value lines (ssid, password, broker, camera,
   secret, optional username/mqttpass); at boot they are copied into NVS (namespace "quietcam") once.
   `secret` is the camera's MAC secret (64 hex, src/protocol/mac.ts): the app reads it as its setting
   "secret" through the settings port (qc_settings_get), like "camera". */
#pragma once
typedef struct {
  char ssid[33], password[65], broker[129], username[65], mqttpass[65], camera[33], secret[65];
} qc_config_t;
int qc_provision(qc_config_t *out);
