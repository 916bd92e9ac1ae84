// A terminal that pays as the terminal contract asks (docs/terminal-contract.md): a persistent session (clean: false),
// automatic reconnection, and a payment its client library gave up in flight ("Connection closed", "Message removed")
// sent again with the same transactionId after a second, until it is acknowledged.
// Mode "persistent": MQTT.js as it is (it resends what it still holds after a reconnection).
// Mode "strict": a client that follows MQTT §3.2.2.1.1 to the letter: when the broker answers Session Present = 0 it
// drops its session state, in-flight publishes included, which the terminal then resends itself.
// Prints one JSON line per event: {"event":"connect"|"puback"|"gaveup"|"message"|"done", ...}; runs until killed.
// Usage: node terminal.mjs <port> <clientId> <store> <terminal> <file of payloads, one JSON payment per line> <interval ms> <mode> <reconnect ms>
import { readFileSync } from "node:fs";
import mqtt from "mqtt";

const [port, clientId, store, terminal, file, interval, mode, reconnect] = process.argv.slice(2);
const payloads = readFileSync(file, "utf8").split("\n").filter((line) => line.length > 0);
const resendAfterMs = 1000;
const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...data }) + "\n");
const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
  protocolVersion: 4, clientId, clean: false, reconnectPeriod: Number(reconnect), connectTimeout: 5000, keepalive: 10,
});
const acknowledged = new Set();
const publishIds = new Set(); // message ids of payments in flight (MQTT.js reuses ids for subscriptions too)
let started = false;
client.on("packetsend", (packet) => {
  if (packet.cmd === "publish" && packet.qos > 0) publishIds.add(packet.messageId);
  else if (packet.messageId !== undefined) publishIds.delete(packet.messageId);
});
client.on("packetreceive", (packet) => {
  if (packet.cmd === "puback") publishIds.delete(packet.messageId);
});

const pay = (i) => client.publish(`pos/${store}/${terminal}/payments`, payloads[i], { qos: 1 }, (err) => {
  if (err) {
    say("gaveup", { i, error: String(err) });
    setTimeout(() => pay(i), resendAfterMs);
    return;
  }
  say("puback", { i, error: null });
  acknowledged.add(i);
  if (acknowledged.size === payloads.length) say("done", {});
});

client.on("connect", (connack) => {
  say("connect", { sessionPresent: connack.sessionPresent });
  if (started && mode === "strict" && !connack.sessionPresent) {
    for (const id of [...publishIds]) client.removeOutgoingMessage(id);
    publishIds.clear();
  }
  if (started) return;
  started = true;
  client.subscribe(`pos/${store}/${terminal}/decisions`, { qos: 1 }, () => {
    payloads.forEach((_, i) => setTimeout(() => pay(i), i * Number(interval)));
  });
});
client.on("message", (topic, payload) => say("message", { topic, payload: payload.toString() }));
client.on("error", (err) => say("error", { error: String(err) }));
