/* The main loop's per-frame work, identical on the desktop and on the board: a (re)connection
   first (the app sends its unacknowledged bundles again), then messages (a consent change applies
   to the very next frame), then one app step. */
#include "qc_engine.h"
#include "qc_inbox.h"

static qc_message_t msg; /* static: 1 KB off the (small) main task stack */

int qc_host_frame(qc_engine_t *e, int *state, char *err, size_t cap) {
  if (qc_inbox_take_connected() && e->reconnected(e->ctx, err, cap) != 0) return -1;
  while (qc_inbox_pop(&msg)) {
    if (e->receive(e->ctx, msg.topic, msg.topic_len, msg.payload, msg.len, err, cap) != 0) return -1;
  }
  return e->step(e->ctx, state, err, cap);
}
