/*
 * The desktop runtime's framed binary I/O (all integers little-endian):
 *   record  = type:u8  length:u32  payload[length]
 * Input (stdin or --input FILE):
 *   'F' frame    wallMs:f64 ticksMs:f64 width:u16 height:u16 greyLen:u32 grey[greyLen] viewLen:u32 view[viewLen]
 *   'M' message  topicLen:u16 topic[topicLen] payload[rest]
 *   'R' reboot   (empty) the app restarts in a fresh heap; settings and the clock input persist
 *   'C' connected (empty) the MQTT connection came back: quietcam.reconnected() before the next frame
 *   'Q' quit     (empty) same as end of input
 * Output (stdout):
 *   'P' publish  qos:u8 topicLen:u16 topic[topicLen] payload[rest]
 *   'L' log      level:u8 text[rest]
 *   'S' stats    JSON text (heap figures and the app's stats), once at the end
 *   'E' error    text; the runtime then exits with status 3 (app error) or 4 (heap cap reached)
 * firmware/node/wire.ts is the Node side of the same format.
 */
#ifndef QC_WIRE_H
#define QC_WIRE_H
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

#define WIRE_IN_FRAME 'F'
#define WIRE_IN_MESSAGE 'M'
#define WIRE_IN_REBOOT 'R'
#define WIRE_IN_CONNECTED 'C'
#define WIRE_IN_QUIT 'Q'
#define WIRE_OUT_PUBLISH 'P'
#define WIRE_OUT_LOG 'L'
#define WIRE_OUT_STATS 'S'
#define WIRE_OUT_ERROR 'E'

/* Largest input record accepted: 16 MiB (a 1024x1024 frame plus a 256 KiB view fit easily). */
#define WIRE_MAX_RECORD (16u * 1024u * 1024u)

/* Write one record whose payload is up to three pieces (NULL/0 to skip). */
void wire_write_record(FILE *f, uint8_t type, size_t length, const void *a, size_t alen, const void *b, size_t blen, const void *c, size_t clen);
/* Read one record into *buf (grown as needed). Returns the type, 0 at a clean end of input, -1 on a broken record. */
int wire_read_record(FILE *f, uint8_t **buf, size_t *cap, size_t *length);
uint16_t wire_u16(const uint8_t *p);
uint32_t wire_u32(const uint8_t *p);
double wire_f64(const uint8_t *p);
#endif
