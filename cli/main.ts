/**
 * `quietcam <command>`: one entry for every tool. Each command lives in its own module and is
 * loaded only when used, so `quietcam --help` stays instant.
 */
export interface Command {
  summary: string;
  usage: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

export const commands: Record<string, Command> = {
  start: {
    summary: 'the main job on the embedded defaults: a simulated camera (and the relay stack when present)',
    usage: 'quietcam start [--once] [--seconds N] [--no-alerts] [--broker-port N] [--s3-port N] [--status-port N|off] [scene:NAME | video | CDnet folder ...]',
    load: () => import('./start.ts'),
  },
  sim: {
    summary: 'play a scene, video or image folder through the detector and write an HTML report',
    usage: 'quietcam sim <scene:NAME[:SEED] | video file | CDnet folder> [--width 80] [--out DIR] [--seconds N] [--samples 16] [--quiet] [--camera ID --token TOKEN | --provisioning FILE]',
    load: () => import('./sim.ts'),
  },
  eval: {
    summary: 'score the detector on CDnet-layout folders, videos or generated scenes (../shared/EVAL.md)',
    usage: 'quietcam eval <folder | video | scene:NAME ...> [--width 80] [--cell 4] [--fps N] [--json] [--write-masks DIR] [--masks DIR [--first-frame N]] [--sky FILE]',
    load: () => import('./eval.ts'),
  },
  relay: {
    summary: 'run the relay: MQTT bundles in, five encrypted contribution images to S3 out',
    usage: 'quietcam relay [--config FILE] [--local] [--broker-port N] [--s3-port N] [--status-port N|off] [--alerts | --no-alerts]',
    load: () => import('./relay.ts'),
  },
  web: {
    summary: 'the owner pages: accounts with 2-step verification, consent per camera, the Data Integrity Zone',
    usage: 'quietcam web [--config FILE] [--local [--no-alerts]] [--host H] [--port N] [--tls-proxy] [--broker-port N] [--s3-port N] [--status-port N|off] | quietcam web grant-reviewer USERNAME',
    load: () => import('./web.ts'),
  },
  review: {
    summary: "the operator's review console: reviewers with TOTP annotate what owners gave for ObjecTron; every look logged to the owner",
    usage: 'quietcam review [--config FILE] [--db FILE] [--host H] [--port N] [--tls-proxy] | add-reviewer NAME | revoke NAME | list | export-coco FILE | export-motion DIR',
    load: () => import('./review.ts'),
  },
  'broker-config': {
    summary: 'write mosquitto\'s password file, ACL file and config from the paired cameras (only they, the relay and the web may connect)',
    usage: 'quietcam broker-config [--config FILE] [--out DIR] [--host H] [--port N] [--tls-cert FILE --tls-key FILE] [--relays N] [--pair CAMERA_ID [--broker URL]]',
    load: () => import('./broker-config.ts'),
  },
  scenes: {
    summary: 'list the synthetic scenes the simulator can generate',
    usage: 'quietcam scenes',
    load: () => import('./scenes.ts'),
  },
};

function help(): string {
  const lines = ['quietcam — motion detection for ESP32-CAM boards, a frame simulator and a relay', '', 'Usage: quietcam <command> [options]', '', 'Commands:'];
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  for (const name of Object.keys(commands)) lines.push(`  ${name.padEnd(width)} ${commands[name].summary}`);
  lines.push('', 'Run `quietcam <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`quietcam: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${cmd.summary}\n\nUsage: ${cmd.usage}`);
    return 0;
  }
  try {
    const mod = await cmd.load();
    return await mod.run(rest);
  } catch (err) {
    const e = err as Error;
    console.error(`quietcam ${name}: ${e.message}`);
    if (process.env.QUIETCAM_DEBUG) console.error(e.stack);
    return 1;
  }
}
