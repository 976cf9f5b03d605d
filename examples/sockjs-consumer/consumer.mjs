#!/usr/bin/env node
// Hear Cup's events over its SockJS event-bus bridge (/eventbus on the API's port).
//
//   node consumer.mjs URL [TOKEN] [--address ADDRESS]... [--send ADDRESS JSON]
//
// URL is the bridge, e.g. http://localhost:8181/eventbus. Registers for cup.events.resource,
// cup.events.proposal and cup.events.head (or the addresses given) and prints one JSON line per
// frame from Cup: {"type":"message","address":…,"body":<event>} for an event,
// {"type":"err","message":"access_denied"} for a refused registration or send. With TOKEN (or
// CUP_TOKEN in the environment) every frame carries "Authorization: Bearer TOKEN" in its headers.
import EventBus from '@vertx/eventbus-bridge-client.js';

const EVENTS = ['cup.events.resource', 'cup.events.proposal', 'cup.events.head'];

function parse(argv) {
  const args = { addresses: [], positional: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--address') {
      args.addresses.push(argv[++i]);
    } else if (argv[i] === '--send') {
      args.send = { address: argv[++i], body: JSON.parse(argv[++i]) };
    } else {
      args.positional.push(argv[i]);
    }
  }
  return args;
}

const print = (frame) => process.stdout.write(JSON.stringify(frame) + '\n');

const args = parse(process.argv.slice(2));
const [url, token = process.env.CUP_TOKEN] = args.positional;
if (!url) {
  process.stderr.write('usage: node consumer.mjs URL [TOKEN] [--address ADDRESS]... [--send ADDRESS JSON]\n');
  process.exit(2);
}
const headers = token ? { Authorization: `Bearer ${token}` } : {};

const bus = new EventBus(url);
// a refused registration has no address: the bridge's err frame lands here
bus.onerror = (err) => print({ type: 'err', message: err.message ?? err.body ?? String(err) });
bus.onclose = () => {
  print({ type: 'closed' });
  process.exit(1);
};
bus.onopen = () => {
  for (const address of args.addresses.length ? args.addresses : EVENTS) {
    bus.registerHandler(address, { ...headers }, (err, message) => {
      if (err) {
        print({ type: 'err', address, message: err.message });
      } else {
        print({ type: 'message', address: message.address, body: message.body });
      }
    });
  }
  if (args.send) {
    bus.send(args.send.address, args.send.body, { ...headers }, (err, reply) => {
      print(err ? { type: 'err', address: args.send.address, message: err.message }
                : { type: 'message', address: args.send.address, body: reply.body });
    });
  }
  // the line tests and scripts wait for: every frame above is sent
  print({ type: 'ready' });
};
