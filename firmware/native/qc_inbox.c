#include <string.h>
#include "qc_inbox.h"

static qc_message_t slots[QC_INBOX_SLOTS];
static unsigned head, count, dropped;
static int connected_mark;
static void (*lock_fn)(void);
static void (*unlock_fn)(void);

static void lock(void) { if (lock_fn) lock_fn(); }
static void unlock(void) { if (unlock_fn) unlock_fn(); }

void qc_inbox_init(void (*l)(void), void (*u)(void)) {
  lock_fn = l;
  unlock_fn = u;
  head = count = dropped = 0;
  connected_mark = 0;
}

int qc_inbox_push(const char *topic, size_t topic_len, const uint8_t *payload, size_t len) {
  int ok = 0;
  lock();
  if (count < QC_INBOX_SLOTS && topic_len <= QC_INBOX_TOPIC_MAX && len <= QC_INBOX_PAYLOAD_MAX) {
    qc_message_t *m = &slots[(head + count) % QC_INBOX_SLOTS];
    memcpy(m->topic, topic, topic_len);
    m->topic[topic_len] = 0;
    m->topic_len = topic_len;
    if (len) memcpy(m->payload, payload, len);
    m->len = len;
    count++;
    ok = 1;
  } else {
    dropped++;
  }
  unlock();
  return ok;
}

int qc_inbox_pop(qc_message_t *out) {
  int ok = 0;
  lock();
  if (count > 0) {
    *out = slots[head];
    head = (head + 1) % QC_INBOX_SLOTS;
    count--;
    ok = 1;
  }
  unlock();
  return ok;
}

unsigned qc_inbox_dropped(void) { return dropped; }

void qc_inbox_mark_connected(void) {
  lock();
  connected_mark = 1;
  unlock();
}

int qc_inbox_take_connected(void) {
  lock();
  int was = connected_mark;
  connected_mark = 0;
  unlock();
  return was;
}
