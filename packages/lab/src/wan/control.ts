// Changing a running wire: wirefilter's management socket takes one command a line and answers
// each with a numeric status ("1000 Success"); netem is changed with `tc qdisc replace`. The
// measurements zero the wires to find the lab's own base round trip, scenarios degrade them.
import { connect } from 'node:net';
import { type Impairment, queueBytes } from './impairment.ts';
import { netemCommand } from './netem.ts';
import { wirefilterDelay } from './wirefilter.ts';
import { WIRE } from './wiring.ts';

const number = (value: number) => String(Math.round(value * 1000) / 1000);

/** The management commands that set both directions of a wire. */
export function wirefilterCommands(forward: Impairment, reverse: Impairment): string[] {
  const commands: string[] = [];
  for (const [side, impairment] of [
    ['LR', forward],
    ['RL', reverse],
  ] as const) {
    commands.push(
      `delay ${side}${wirefilterDelay(impairment)}`,
      `loss ${side}${number(impairment.lossPercent)}`,
      `bandwidth ${side}${Math.round(((impairment.rateMbps ?? 0) * 1_000_000) / 8)}`,
    );
  }
  const queue = queueBytes(forward, reverse);
  if (queue > 0) commands.push(`chanbufsize ${queue}`);
  return commands;
}

/** Sends commands to a wirefilter management socket; resolves with its showinfo text. */
export function talkToWirefilter(
  socket: string,
  commands: readonly string[],
  timeoutMs = 5000,
): Promise<string> {
  return new Promise((done, fail) => {
    const connection = connect(socket);
    const pending = [...commands, 'showinfo'];
    let buffer = '';
    let greeted = false;
    let info = '';
    const timer = setTimeout(() => {
      connection.destroy();
      fail(new Error(`${socket}: no answer from wirefilter within ${timeoutMs} ms`));
    }, timeoutMs);
    const next = () => {
      const command = pending.shift();
      if (command === undefined) {
        clearTimeout(timer);
        connection.end();
        done(info);
        return;
      }
      connection.write(`${command}\n`);
    };
    connection.setEncoding('utf8');
    connection.on('error', (error) => {
      clearTimeout(timer);
      fail(new Error(`${socket}: ${error.message}`));
    });
    connection.on('data', (chunk: string) => {
      buffer += chunk;
      // Every answer ends with the prompt.
      while (buffer.includes('VDEwf$ ')) {
        const end = buffer.indexOf('VDEwf$ ');
        const answer = buffer.slice(0, end);
        buffer = buffer.slice(end + 'VDEwf$ '.length);
        if (!greeted) {
          greeted = true;
          next();
          continue;
        }
        const status = /^(\d{4}) (.*)$/m.exec(
          answer.split('\n').findLast((line) => /^\d{4} /.test(line)) ?? '',
        );
        if (status?.[1] !== '1000') {
          clearTimeout(timer);
          connection.destroy();
          fail(new Error(`${socket}: wirefilter refused a command: ${answer.trim()}`));
          return;
        }
        if (answer.includes('WireFilter:'))
          info = answer.slice(answer.indexOf('WireFilter:')).replace(/\n\.\n[\s\S]*$/, '\n');
        next();
      }
    });
  });
}

export interface WireValues {
  delayMs: [number, number];
  lossPercent: [number, number];
  bandwidthBytes: [number, number];
}

/** Reads the left-to-right and right-to-left values back from showinfo. */
export function parseShowinfo(info: string): WireValues {
  const pair = (label: string): [number, number] => {
    const match = new RegExp(`^${label}\\s+L->R ([\\d.]+)\\S*\\s+R->L ([\\d.]+)`, 'm').exec(info);
    if (!match) throw new Error(`wirefilter showinfo has no ${label} line`);
    return [Number(match[1]), Number(match[2])];
  };
  return { delayMs: pair('Delay'), lossPercent: pair('Loss'), bandwidthBytes: pair('Bandw') };
}

/** tc commands that set a netem wire's two ends. */
export function netemChange(
  underlay: string,
  underlayDevice: string,
  wireNamespace: string,
  forward: Impairment,
  reverse: Impairment,
): string[][] {
  return [
    netemCommand(underlay, underlayDevice, forward, reverse),
    netemCommand(wireNamespace, WIRE, reverse, forward),
  ];
}
