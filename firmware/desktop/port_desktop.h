/* Desktop ports: what main.c feeds into them. */
#ifndef QC_PORT_DESKTOP_H
#define QC_PORT_DESKTOP_H
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

void qc_desktop_init(FILE *output, uint16_t width, uint16_t height, uint16_t view_width, uint16_t view_height, int quiet_logs);
/* The next camera frame and the clock at its capture. -1 when the size is not width*height. */
int qc_desktop_set_frame(double wall_ms, double ticks_ms, const uint8_t *grey, size_t len, const uint8_t *jpeg, size_t jpeg_len);
/* "key=value" from the command line. */
int qc_desktop_setting_arg(const char *kv);
/* Load settings from a file of key=value lines (absent = empty) and save every change to it. */
int qc_desktop_settings_file(const char *path);
#endif
