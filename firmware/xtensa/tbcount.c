/*
 * A QEMU TCG plugin (ours; Debian's QEMU 7.2 is built with plugin support but ships no plugins and
 * no qemu-plugin.h): instructions executed per translation-block start address, written at exit as
 * "address count" lines to the file named by the `out=` argument. firmware/xtensa/profile.ts maps
 * the addresses to functions with the ELF's symbols.
 *
 * The few declarations below are QEMU's plugin API (version 1, QEMU 7.x); counting is an inline add
 * per executed block, so the guest's instruction counts (and -icount) are not disturbed.
 * Build: gcc -O2 -shared -fPIC tbcount.c -o libtbcount.so
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
typedef void (*qc_tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qc_udata_cb)(qemu_plugin_id_t id, void *userdata);
enum { QC_INLINE_ADD_U64 = 0 };

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qc_tb_trans_cb cb);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
extern void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, int op, void *ptr, uint64_t imm);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qc_udata_cb cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define SLOTS (1u << 20) /* open addressing; a run translates a few tens of thousands of blocks */
static uint64_t keys[SLOTS];   /* address + 1; 0 = empty */
static uint64_t counts[SLOTS];
static char out_path[512] = "tbcount.txt";

static uint64_t *slot_of(uint64_t pc) {
  uint32_t h = (uint32_t)((pc * 0x9E3779B97F4A7C15ull) >> 40) & (SLOTS - 1);
  while (keys[h] != 0 && keys[h] != pc + 1) h = (h + 1) & (SLOTS - 1);
  keys[h] = pc + 1;
  return &counts[h];
}

/* A block retranslated at the same address adds to the same counter. */
static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QC_INLINE_ADD_U64, slot_of(qemu_plugin_tb_vaddr(tb)), qemu_plugin_tb_n_insns(tb));
}

static void on_exit_write(qemu_plugin_id_t id, void *u) {
  (void)id;
  (void)u;
  FILE *f = fopen(out_path, "w");
  if (!f) return;
  for (uint32_t i = 0; i < SLOTS; i++) {
    if (keys[i] && counts[i]) fprintf(f, "%llx %llu\n", (unsigned long long)(keys[i] - 1), (unsigned long long)counts[i]);
  }
  fclose(f);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    if (!strncmp(argv[i], "out=", 4)) snprintf(out_path, sizeof out_path, "%s", argv[i] + 4);
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_exit_write, NULL);
  return 0;
}
