/** `npm run bench`: every benchmark, figures printed. Pass names to run some: npm run bench -- detector sim */
import { existsSync } from 'node:fs';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

if (want('detector')) await (await import('./detector.ts')).main();
if (want('accuracy')) {
  const f = await import('../sim/figures.ts');
  const c = await import('../sim/figures-classes.ts');
  f.printFigures('\ndetector accuracy (EVAL.md protocol, 80-wide grid)', [
    ...(await c.classFigures()), ...(await f.sceneFigures()), ...(await f.treeFigures()), ...(await f.vtestFigures()), ...(await f.hallFigures()),
  ]);
}
for (const name of ['sim', 's3-outage', 'relay', 'packet-size', 'firmware', 'firmware-mac', 'faults', 'alerts']) {
  if (want(name) && existsSync(new URL(`./${name}.ts`, import.meta.url))) await (await import(`./${name}.ts`)).main();
}
export {};
