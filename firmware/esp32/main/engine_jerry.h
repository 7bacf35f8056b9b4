/* JerryScript 3.0 binding of the quietcam ports and app calls (the board twin of engine_duktape.c). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "qc_engine.h"
/* Check the bundle (4-byte aligned ES5 source, not a snapshot) and, on the board, that the heap is in
   PSRAM; define `ports`, run the bundle, call quietcam.start(). Fills *engine for qc_host_frame. */
int qc_jerry_start(const uint8_t *bundle, size_t len, qc_engine_t *engine, char *err, size_t cap);
