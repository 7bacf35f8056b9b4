/* Provisioning: the `qcconfig` data partition holds key=value lines (ssid, password, broker, camera,
   optional username/mqttpass); at boot they are copied into NVS (namespace "quietcam") once. */
#pragma once
typedef struct {
  char ssid[33], password[65], broker[129], username[65], mqttpass[65], camera[33];
} qc_config_t;
int qc_provision(qc_config_t *out);
