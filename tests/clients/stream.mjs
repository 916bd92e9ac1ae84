// A terminal that pays a stream of payments with MQTT.js, as web and Node.js terminals do: a persistent session
// (clean: false), automatic reconnection, unacknowledged payments resent and subscriptions renewed by MQTT.js itself.
// Prints one JSON line per event: {"event":"connect"|"puback"|"message"|"done", ...}; runs until killed.
// Usage: node stream.mjs <port> <clientId> <store> <terminal> <file of payloads, one JSON payment per line> <interval ms> [gate file]
// With a gate file the terminal connects and subscribes, but sends its payments only once the file exists, so a test chooses
// the moment; and it never reconnects by itself.
import { existsSync, readFileSync } from "node:fs";
import mqtt from "mqtt";

const [port, clientId, store, terminal, file, interval, gate] = process.argv.slice(2);
const payloads = readFileSync(file, "utf8").split("\n").filter((line) => line.length > 0);
const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...data }) + "\n");
const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
  protocolVersion: 4, clientId, clean: false, reconnectPeriod: gate ? 0 : 200, connectTimeout: 5000, keepalive: 10,
});
let acknowledged = 0;
let started = false;
client.on("connect", (connack) => {
  say("connect", { sessionPresent: connack.sessionPresent });
  if (started) return;
  started = true;
  client.subscribe(`pos/${store}/${terminal}/decisions`, { qos: 1 }, () => whenOpen(() => {
    payloads.forEach((payload, i) => setTimeout(() => client.publish(`pos/${store}/${terminal}/payments`, payload, { qos: 1 }, (err) => {
      say("puback", { i, error: err ? String(err) : null });
      if (++acknowledged === payloads.length) say("done", {});
    }), i * Number(interval)));
  }));
});
// Runs send at once without a gate, or once the gate file exists.
function whenOpen(send) {
  if (!gate || existsSync(gate)) return send();
  const poll = setInterval(() => {
    if (existsSync(gate)) {
      clearInterval(poll);
      send();
    }
  }, 5);
}
client.on("message", (topic, payload) => say("message", { topic, payload: payload.toString() }));
client.on("error", (err) => say("error", { error: String(err) }));
