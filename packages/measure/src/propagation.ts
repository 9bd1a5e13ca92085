// How fast a message spreads through the P2P application in the lab: publish at one replica
// (the example gossip application's control port), then read every replica's log for when each
// message arrived. One machine, one clock: the delay is arrival minus publication, exactly.
// Reported per message, per site pair (p50/p95), and as the time until every replica had it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LabReplica, labFolder, readAppsState, readInventory, replicaReady } from '@geostage/lab';
import { inside } from '@geostage/transport';
import { percentile, round } from './statistics.ts';

export interface Publication {
  id: string;
  /** The replica that published it. */
  origin: string;
  publishedAt: number;
}

export interface Arrival {
  id: string;
  replica: string;
  at: number;
}

export interface PropagationMessage {
  id: string;
  origin: string;
  originSite: string;
  /** Per replica other than the origin, in ms; missing replicas are listed apart. */
  arrivals: { replica: string; site: string; delayMs: number }[];
  missing: string[];
  /** Until the last replica had it; null when some never did. */
  allMs: number | null;
}

export interface SitePair {
  from: string;
  to: string;
  samples: number;
  p50: number | null;
  p95: number | null;
}

export interface PropagationReport {
  app: string;
  replicas: number;
  messages: PropagationMessage[];
  pairs: SitePair[];
  /** p50 and p95 over messages of the time until every replica had it. */
  all: { p50: number | null; p95: number | null };
}

/** Pure: publications, arrivals and where each replica runs -> the report. */
export function propagationReport(
  app: string,
  publications: readonly Publication[],
  arrivals: readonly Arrival[],
  replicas: readonly { name: string; site: string }[],
): PropagationReport {
  const siteOf = new Map(replicas.map((replica) => [replica.name, replica.site] as const));
  const messages = publications.map((publication): PropagationMessage => {
    const others = replicas.filter((replica) => replica.name !== publication.origin);
    const first = new Map<string, number>();
    for (const arrival of arrivals)
      if (arrival.id === publication.id && !first.has(arrival.replica))
        first.set(arrival.replica, arrival.at);
    const reached = others.filter((replica) => first.has(replica.name));
    const delays = reached.map((replica) => ({
      replica: replica.name,
      site: replica.site,
      delayMs: first.get(replica.name)! - publication.publishedAt,
    }));
    const missing = others.filter((replica) => !first.has(replica.name)).map((replica) => replica.name);
    return {
      id: publication.id,
      origin: publication.origin,
      originSite: siteOf.get(publication.origin) ?? '?',
      arrivals: delays,
      missing,
      allMs: missing.length === 0 ? Math.max(0, ...delays.map((one) => one.delayMs)) : null,
    };
  });
  const samples = new Map<string, { from: string; to: string; delays: number[] }>();
  for (const message of messages)
    for (const arrival of message.arrivals) {
      const key = `${message.originSite}\u0000${arrival.site}`;
      const entry = samples.get(key) ?? { from: message.originSite, to: arrival.site, delays: [] };
      entry.delays.push(arrival.delayMs);
      samples.set(key, entry);
    }
  const pairs = [...samples.values()].map((entry) => ({
    from: entry.from,
    to: entry.to,
    samples: entry.delays.length,
    p50: percentile(entry.delays, 0.5),
    p95: percentile(entry.delays, 0.95),
  }));
  const complete = messages.flatMap((message) => (message.allMs === null ? [] : [message.allMs]));
  return {
    app,
    replicas: replicas.length,
    messages,
    pairs,
    all: { p50: percentile(complete, 0.5), p95: percentile(complete, 0.95) },
  };
}

/** Pure: arrivals and publications from replica logs (one JSON object per line). */
export function parseReplicaLog(
  replica: string,
  text: string,
): { arrivals: Arrival[]; publications: Publication[] } {
  const arrivals: Arrival[] = [];
  const publications: Publication[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let event: { event?: string; id?: string; at?: number; publishedAt?: number };
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (event.event === 'message' && event.id && typeof event.at === 'number')
      arrivals.push({ id: event.id, replica, at: event.at });
    if (event.event === 'published' && event.id && typeof event.publishedAt === 'number')
      publications.push({ id: event.id, origin: replica, publishedAt: event.publishedAt });
  }
  return { arrivals, publications };
}

const ms = (value: number | null) => (value === null ? '-' : `${round(value, 1)} ms`);

export function renderPropagation(report: PropagationReport): string {
  const lines = [`${report.app}: ${report.messages.length} message(s) over ${report.replicas} replicas`];
  for (const message of report.messages)
    lines.push(
      `  ${message.id} from ${message.origin}: every replica after ${ms(message.allMs)}${message.missing.length > 0 ? `; never reached ${message.missing.join(', ')}` : ''}`,
    );
  lines.push('  site pair          samples  p50        p95');
  for (const pair of report.pairs)
    lines.push(
      `  ${`${pair.from} -> ${pair.to}`.padEnd(18)} ${String(pair.samples).padStart(7)}  ${ms(pair.p50).padEnd(10)} ${ms(pair.p95)}`,
    );
  lines.push(`  until every replica: p50 ${ms(report.all.p50)}, p95 ${ms(report.all.p95)}`);
  return `${lines.join('\n')}\n`;
}

export interface PropagationOptions {
  environment: string;
  folder: string;
  /** Default: the only application with replicas in the lab, or gossip. */
  app?: string;
  messages: number;
  /** Between publications. */
  gapMs?: number;
  /** How long to wait for every replica to have every message. */
  settleMs?: number;
  progress(line: string): void;
}

export type PropagationOutcome =
  | { ok: true; report: PropagationReport }
  | { ok: false; kind: 'no-lab' | 'no-replicas' | 'failed'; errors: string[] };

/** The example's control port: its --control argument (default 4002). */
export function controlPort(replica: Pick<LabReplica, 'command'>): number {
  const index = replica.command.findIndex((word) => word === '--control' || word.startsWith('--control='));
  if (index < 0) return 4002;
  const word = replica.command[index]!;
  return Number(word.includes('=') ? word.split('=')[1] : replica.command[index + 1]);
}

/** One HTTP request from inside a namespace (the host cannot route to lab addresses). */
async function request(replica: LabReplica, method: string, path: string): Promise<unknown> {
  const url = `http://${replica.address}:${controlPort(replica)}${path}`;
  const script = `fetch(${JSON.stringify(url)},{method:${JSON.stringify(method)}}).then(async r=>{process.stdout.write(await r.text());process.exit(r.ok?0:1)},e=>{console.error(e.message);process.exit(1)})`;
  return JSON.parse(await inside(replica.namespace, process.execPath, ['-e', script]));
}

async function readLogs(folder: string, replicas: readonly LabReplica[]) {
  const lab = labFolder(folder);
  const parsed = await Promise.all(
    replicas.map(async (replica) =>
      parseReplicaLog(replica.name, await readFile(join(lab, replica.log), 'utf8').catch(() => '')),
    ),
  );
  return {
    arrivals: parsed.flatMap((one) => one.arrivals),
    publications: parsed.flatMap((one) => one.publications),
  };
}

/** Publishes `messages` at the first replica of the first site and measures their spread. */
export async function measurePropagation(options: PropagationOptions): Promise<PropagationOutcome> {
  const inventory = await readInventory(options.folder, options.environment);
  if (!inventory.ok) return { ok: false, kind: 'no-lab', errors: [inventory.error] };
  const state = await readAppsState(options.folder);
  const apps = [...new Set(state.replicas.map((replica) => replica.app))];
  const app = options.app ?? (apps.length === 1 ? apps[0]! : 'gossip');
  const replicas = state.replicas.filter((replica) => replica.app === app && replicaReady(replica));
  if (replicas.length < 2)
    return {
      ok: false,
      kind: 'no-replicas',
      errors: [
        `${app}: fewer than two replicas ready in the lab; run geostage app deploy ${options.environment} ${app} --lab`,
      ],
    };
  const origin = replicas[0]!;
  const tag = Date.now().toString(36);
  const ids: string[] = [];
  try {
    // Every replica, not only the origin, must have a peer on the topic before the first message:
    // gossipsub does not replay a message to a replica that joins the mesh after it (a replica
    // still dialing when the first messages went out was reported as never reached).
    const joinBy = Date.now() + 30_000;
    let alone: LabReplica[] = [...replicas];
    for (;;) {
      const statuses = await Promise.all(
        alone.map(async (replica) => (await request(replica, 'GET', '/status')) as { topicPeers?: number }),
      );
      alone = alone.filter((_, index) => (statuses[index]!.topicPeers ?? 0) === 0);
      if (alone.length === 0) break;
      if (Date.now() > joinBy)
        return {
          ok: false,
          kind: 'failed',
          errors: [`no peer on the topic after 30 s: ${alone.map((replica) => replica.name).join(', ')}`],
        };
      await new Promise((done) => setTimeout(done, 200));
    }
    // A peer joins a replica's mesh at gossipsub's next heartbeat (1 s): two of them.
    await new Promise((done) => setTimeout(done, 2_000));
    for (let index = 0; index < options.messages; index += 1) {
      const id = `m${index + 1}-${tag}`;
      await request(origin, 'POST', `/publish?id=${id}`);
      ids.push(id);
      options.progress(`published ${id} at ${origin.name}`);
      await new Promise((done) => setTimeout(done, options.gapMs ?? 300));
    }
  } catch (error) {
    return { ok: false, kind: 'failed', errors: [`${origin.name}: ${(error as Error).message}`] };
  }
  const wanted = new Set(ids);
  const deadline = Date.now() + (options.settleMs ?? 10_000);
  let logs = await readLogs(options.folder, replicas);
  const complete = () =>
    ids.every((id) =>
      replicas.every(
        (replica) =>
          replica === origin || logs.arrivals.some((one) => one.id === id && one.replica === replica.name),
      ),
    );
  while (!complete() && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
    logs = await readLogs(options.folder, replicas);
  }
  const publications = logs.publications.filter((one) => wanted.has(one.id));
  return {
    ok: true,
    report: propagationReport(
      app,
      publications,
      logs.arrivals.filter((one) => wanted.has(one.id)),
      replicas,
    ),
  };
}
