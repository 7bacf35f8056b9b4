/*
 * What the main loop needs from a JS engine binding (engine_duktape.c on the desktop,
 * engine_jerry.c on the board), and the loop itself (qc_host.c), shared by both platforms.
 */
#ifndef QC_ENGINE_H
#define QC_ENGINE_H
#include <stddef.h>
#include <stdint.h>

typedef struct qc_engine {
  void *ctx;
  /* Each returns 0 on success, or -1 with a message in err (NUL-terminated). */
  int (*start)(void *ctx, char *err, size_t cap);                                   /* quietcam.start() */
  int (*config_topic)(void *ctx, char *out, size_t cap, char *err, size_t ecap);    /* quietcam.configTopic() */
  int (*ack_topic)(void *ctx, char *out, size_t cap, char *err, size_t ecap);       /* quietcam.ackTopic(): subscribe to it too */
  int (*command_topic)(void *ctx, char *out, size_t cap, char *err, size_t ecap);   /* quietcam.commandTopic(): and to it (live view) */
  int (*reconnected)(void *ctx, char *err, size_t cap);                             /* quietcam.reconnected() */
  int (*receive)(void *ctx, const char *topic, size_t topic_len, const uint8_t *data, size_t len, char *err, size_t cap);
  int (*step)(void *ctx, int *state, char *err, size_t cap);                        /* quietcam.step() */
} qc_engine_t;

/* One frame's worth of work: tell the app of a (re)connection, deliver waiting messages, then step the app once. */
int qc_host_frame(qc_engine_t *e, int *state, char *err, size_t cap);
#endif
