/** The ES5 gate moved to firmware/es5-gate.ts (the firmware build runs it); tests may import it from here. */
export * from '../../firmware/es5-gate.ts';
