/** `npm run bench`: every benchmark, figures printed. */
const detector = await import('./detector.ts');
await detector.main();
export {};
