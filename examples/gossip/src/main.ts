#!/usr/bin/env node
// A small P2P application for geostage's lab: js-libp2p over TCP, messages relayed by
// gossipsub, and one JSON line per event on stdout (when it listened, connected, published,
// and when each message arrived), so that a measurement can compute propagation delays.
//
//   node examples/gossip/src/main.ts --listen 192.168.20.101:4001 --control 4002 \
//     --peer=192.168.30.101:4001 --peer=192.168.30.102:4001 [--version 1]
//
// HTTP control on the listen address: GET /status (peers, version), POST /publish?id=NAME.
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { gossipsub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';

const TOPIC = 'geostage/gossip';

const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: '0.0.0.0:4001' },
    control: { type: 'string', default: '4002' },
    peer: { type: 'string', multiple: true, default: [] },
    version: { type: 'string', default: process.env.GEOSTAGE_VERSION ?? 'dev' },
    name: { type: 'string', default: process.env.GEOSTAGE_REPLICA ?? 'gossip' },
  },
  strict: true,
});

const log = (event: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), replica: values.name, ...fields })}\n`);

/** host:port -> a TCP multiaddr (an IP, or a DNS name as in a cluster). */
function address(hostPort: string): string {
  const colon = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, colon);
  const port = hostPort.slice(colon + 1);
  const kind = isIP(host) === 6 ? 'ip6' : isIP(host) === 4 ? 'ip4' : 'dns4';
  return `/${kind}/${host}/tcp/${port}`;
}

const [listenHost] = values.listen.split(':');
const node = await createLibp2p({
  addresses: { listen: [address(values.listen)] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    pubsub: gossipsub({ emitSelf: false, allowPublishToZeroTopicPeers: false }),
  },
});
const pubsub = node.services.pubsub;
pubsub.subscribe(TOPIC);

const peers = values.peer.map(address);
const connected = () => node.getConnections().map((connection) => connection.remoteAddr.toString());

pubsub.addEventListener('message', (event) => {
  if (event.detail.topic !== TOPIC) return;
  const message = JSON.parse(new TextDecoder().decode(event.detail.data)) as {
    id: string;
    origin: string;
    publishedAt: number;
  };
  log('message', { id: message.id, origin: message.origin, publishedAt: message.publishedAt });
});
node.addEventListener('connection:open', (event) =>
  log('connected', { peer: event.detail.remoteAddr.toString() }),
);

// Dial every assigned peer until connected; a peer that starts later is reached on a later round.
async function dialPeers(): Promise<void> {
  const open = new Set(connected().map((peer) => peer.replace(/\/p2p\/.*$/, '')));
  await Promise.all(
    peers
      .filter((peer) => !open.has(peer))
      .map((peer) =>
        node.dial(multiaddr(peer), { signal: AbortSignal.timeout(3000) }).catch(() => undefined),
      ),
  );
}
const dialer = setInterval(() => void dialPeers(), 1000);
void dialPeers();

const control = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://replica');
  const reply = (code: number, body: unknown) => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(`${JSON.stringify(body)}\n`);
  };
  if (request.method === 'GET' && url.pathname === '/status') {
    reply(200, {
      replica: values.name,
      version: values.version,
      peerId: node.peerId.toString(),
      connections: connected(),
      topicPeers: pubsub.getSubscribers(TOPIC).length,
    });
  } else if (request.method === 'POST' && url.pathname === '/publish') {
    const id = url.searchParams.get('id') ?? `${values.name}-${Date.now()}`;
    const publishedAt = Date.now();
    const data = new TextEncoder().encode(JSON.stringify({ id, origin: values.name, publishedAt }));
    pubsub.publish(TOPIC, data).then(
      (result) => {
        log('published', { id, publishedAt, recipients: result.recipients.length });
        reply(200, { id, publishedAt, recipients: result.recipients.length });
      },
      (error: Error) => reply(503, { error: error.message }),
    );
  } else reply(404, { error: 'GET /status or POST /publish?id=NAME' });
});
control.listen(Number(values.control), listenHost === '0.0.0.0' ? undefined : listenHost);

log('listening', {
  version: values.version,
  peerId: node.peerId.toString(),
  addresses: node.getMultiaddrs().map(String),
  peers,
});

const stop = async () => {
  clearInterval(dialer);
  control.close();
  await node.stop();
  log('stopped');
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
