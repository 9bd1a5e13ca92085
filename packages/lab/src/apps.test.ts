// The pure parts of the lab's application replicas: /proc parsing and what makes a restart.
import { describe, expect, it } from 'vitest';
import { type LabReplicaSpec, listeningPorts, parseStat, processStartTime, replicaDigest } from './apps.ts';

describe('replicas as processes', () => {
  it('reads LISTEN sockets from /proc/net/tcp', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:0FA1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
      '   1: 0100007F:0FA2 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 2 1',
    ].join('\n');
    expect([...listeningPorts(table)]).toEqual([4001]);
  });

  it('reads the start time after the command name, whatever it holds', () => {
    const fields = Array.from({ length: 20 }, (_, index) => String(index));
    expect(parseStat(`42 (nginx: master (x)) S ${fields.slice(1).join(' ')}`)).toEqual({
      startTime: 19,
      zombie: false,
    });
    expect(processStartTime(process.pid)).toBeGreaterThan(0);
    expect(processStartTime(2 ** 22 + 1)).toBeNull();
  });

  it('a new version or command restarts a replica; nothing else does', () => {
    const spec: LabReplicaSpec = {
      app: 'g',
      site: 's1',
      ordinal: 0,
      name: 'g-s1-0',
      server: 'a',
      namespace: 'ns',
      address: '10.0.0.1',
      command: ['node', 'main.ts'],
      environment: {},
      ports: [4001],
      version: '1',
      peers: [],
    };
    expect(replicaDigest({ ...spec, peers: ['x'] })).toBe(replicaDigest(spec));
    expect(replicaDigest({ ...spec, version: '2' })).not.toBe(replicaDigest(spec));
    expect(replicaDigest({ ...spec, command: ['node', 'main.ts', '--x'] })).not.toBe(replicaDigest(spec));
  });
});
