/* JerryScript 3.0 binding of the quietcam ports and app calls (the board twin of engine_duktape.c). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "qc_engine.h"
/* Define `ports`, run the bundle (a JerryScript snapshot when it starts with the snapshot magic,
   else ES5 source), call quietcam.start(). Fills *engine for qc_host_frame. */
int qc_jerry_start(const uint8_t *bundle, size_t len, qc_engine_t *engine, char *err, size_t cap);
