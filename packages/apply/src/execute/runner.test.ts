// The runner with a stand-in session: failures come back as data naming host, phase, step and
// command, and a rerun skips what completed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session } from '@geostage/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { type HostActions, runAction, uploadAction } from './actions.ts';
import { runPhase } from './runner.ts';

const folder = mkdtempSync(join(tmpdir(), 'gs-runner-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function session(failing: string): Session {
  return {
    exec: async (command) => ({
      ok: true,
      value: {
        command,
        code: command === failing ? 2 : 0,
        stdout: '',
        stderr: command === failing ? 'no' : '',
      },
    }),
    upload: async () => ({ ok: true, value: null }),
    close: () => {},
  };
}

const host = (name: string): HostActions => ({
  phase: 'routers',
  host: name,
  address: '192.0.2.1',
  actions: [
    uploadAction('routers', name, '/etc/a.conf', 'a\n', 0o644),
    runAction('routers', name, 'true', 1),
    runAction('routers', name, 'false', 2),
  ],
  skipped: [],
  unreachable: null,
});

describe('runPhase', () => {
  const options = (hosts: HostActions[], failing: string) => ({
    hosts,
    parallel: 2,
    secrets: join(folder, 'secrets'),
    statePath: join(folder, 'apply-state.json'),
    logPath: (name: string) => join(folder, 'logs', `${name}.log`),
    progress: () => {},
    connect: async (one: HostActions) =>
      one.host === 'away'
        ? ({ ok: false, error: 'refused' } as const)
        : ({ ok: true, value: session(failing) } as const),
  });

  it('names host, phase, step and command of a failure, by kind', async () => {
    const outcomes = await runPhase(options([host('r1'), host('away')], 'false'));
    expect(outcomes[0]!.ran).toBe(2);
    expect(outcomes[0]!.failure).toEqual({
      kind: 'exit',
      host: 'r1',
      phase: 'routers',
      step: 'false',
      command: 'false',
      output: 'exit 2:\nno',
    });
    expect(outcomes[0]!.error).toBe('r1: false: exit 2:\nno');
    expect(outcomes[1]!.failure?.kind).toBe('connect');
    expect(outcomes[1]!.error).toBe('away: connect: refused');
  });

  it('skips the completed steps on a rerun', async () => {
    const [outcome] = await runPhase(options([host('r1')], 'none'));
    expect(outcome).toMatchObject({ ran: 1, skipped: 2, error: null, failure: null });
  });
});
