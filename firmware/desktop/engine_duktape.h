/* Duktape 2.7 binding of the quietcam ports, with a capped, counting allocator. */
#ifndef QC_ENGINE_DUKTAPE_H
#define QC_ENGINE_DUKTAPE_H
#include <stddef.h>
#include "qc_engine.h"

typedef struct {
  size_t cap;      /* bytes; 0 = no cap */
  size_t current;  /* bytes the engine holds now */
  size_t peak;     /* most bytes held at once */
  size_t base;     /* bytes right after duk_create_heap (built-ins): the engine's own base */
  size_t refused;  /* allocations refused by the cap */
} qc_heap_stats_t;

typedef struct qc_duk qc_duk_t;

/* A heap capped at `cap` bytes (0 = none), with the global `ports` defined (with ports.kernels,
   the native per-pixel loops, when `kernels` is non-zero). */
qc_duk_t *qc_duk_create(size_t cap, int kernels);
void qc_duk_destroy(qc_duk_t *d);
qc_heap_stats_t *qc_duk_heap(qc_duk_t *d);
/* Compile and run a script (the bundle, or the bench's bare loop). */
int qc_duk_load(qc_duk_t *d, const char *name, const char *src, size_t len, char *err, size_t cap);
void qc_duk_engine(qc_duk_t *d, qc_engine_t *e);
int qc_duk_app_step(qc_duk_t *d, int *state, char *err, size_t cap);
int qc_duk_bare_step(qc_duk_t *d, char *err, size_t cap);
/* Define the global `qcprof` (slot0..slot15 trampolines) for per-function instruction counts. */
void qc_duk_define_profiler(qc_duk_t *d);
int qc_duk_stats_json(qc_duk_t *d, char *out, size_t ocap, char *err, size_t cap);
#endif
