/* ESP32 implementation of firmware/native/qc_ports.h, plus the board's start-up calls. */
#pragma once
#include "provisioning.h"
int qc_esp_camera_init(void);
/* Take the next frame from the driver and prepare the grey frame (0 = a frame is ready). */
int qc_esp_camera_grab(void);
int qc_esp_network_start(const qc_config_t *cfg);
/* Subscribe (QoS 1) now and on every reconnection; up to two topics: the config and the ack topic. */
void qc_esp_mqtt_subscribe(const char *topic);
void qc_esp_inbox_init(void);
