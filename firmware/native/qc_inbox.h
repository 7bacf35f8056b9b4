/*
 * The inbox: MQTT messages received on the network task wait here until the main loop hands
 * them to JS between two frames (the engine is single-threaded). Fixed slots, no allocation;
 * a message that does not fit is dropped and counted (config messages are < 1 KB, acks < 200 B).
 * A (re)connection is a flag beside the slots, so it is never dropped.
 */
#ifndef QC_INBOX_H
#define QC_INBOX_H
#include <stddef.h>
#include <stdint.h>

#define QC_INBOX_SLOTS 4
#define QC_INBOX_TOPIC_MAX 96
#define QC_INBOX_PAYLOAD_MAX 1024

typedef struct {
  char topic[QC_INBOX_TOPIC_MAX + 1];
  size_t topic_len;
  uint8_t payload[QC_INBOX_PAYLOAD_MAX];
  size_t len;
} qc_message_t;

/* lock/unlock may be NULL (single-threaded desktop); on the board they guard a FreeRTOS mutex. */
void qc_inbox_init(void (*lock)(void), void (*unlock)(void));
/* 1 when queued; 0 when dropped (full, or too large: counted in qc_inbox_dropped). */
int qc_inbox_push(const char *topic, size_t topic_len, const uint8_t *payload, size_t len);
/* Copy the oldest message into *out and remove it; 0 when empty. */
int qc_inbox_pop(qc_message_t *out);
unsigned qc_inbox_dropped(void);
/* The MQTT connection is (back) up (network task): the next qc_host_frame calls quietcam.reconnected(). */
void qc_inbox_mark_connected(void);
/* 1 once after each mark (main loop), else 0. */
int qc_inbox_take_connected(void);
#endif
