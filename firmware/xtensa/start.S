/*
 * Reset entry of the Xtensa build (QEMU `-M sim -cpu lx106`): the sim machine starts executing at
 * 0x50000000 (sysrom0) whatever the ELF entry says, and picolibc's crt0 (_start: data, bss, init
 * arrays, main, exit) does not set a stack. So: a jump over the literal, the stack pointer, _start.
 */
	.section .text.qc_reset, "ax"
	.align 4
	.global _qc_reset
_qc_reset:
	j	1f
	.align 4
.Lstack:
	.word	__stack
.Lstart:
	.word	_start
	.align 4
1:
	l32r	a1, .Lstack
	movi	a0, 0
	l32r	a2, .Lstart
	jx	a2
