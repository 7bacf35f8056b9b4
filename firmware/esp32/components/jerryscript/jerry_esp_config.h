/*
 * Force-included (-include) in every JerryScript source of this component: puts JerryScript's static
 * heap (`jerry_global_heap`, jcontext.c of v3.0.0, which appends JERRY_ATTR_GLOBAL_HEAP to it) in
 * PSRAM. EXT_RAM_BSS_ATTR (esp_attr.h, ESP-IDF 5.1) is empty unless
 * CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY is set: then the heap would silently land in internal
 * RAM, which cannot hold it next to Wi-Fi, so the build stops instead.
 */
#pragma once
#include "sdkconfig.h"
#include "esp_attr.h"
#if !CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY
#error "quietcam: set CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY=y (sdkconfig.defaults): JerryScript's heap must be in PSRAM"
#endif
#define JERRY_ATTR_GLOBAL_HEAP EXT_RAM_BSS_ATTR
