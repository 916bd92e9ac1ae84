// An operator's monitor with MQTT.js: exact subscriptions to terminals' answer topics, reconnecting fast (a dashboard on
// the store's LAN that is back before the terminals are). It receives answers as they go by; it must never take away the
// answers a terminal is owed. Prints one JSON line per message received.
// Usage: node monitor.mjs <port> <clientId> <topic>...
import mqtt from "mqtt";

const [port, clientId, ...topics] = process.argv.slice(2);
const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
  protocolVersion: 4, clientId, clean: true, reconnectPeriod: 100, connectTimeout: 5000, keepalive: 10,
});
client.on("connect", () => client.subscribe(topics, { qos: 1 }));
client.on("message", (topic) => process.stdout.write(JSON.stringify({ event: "message", topic }) + "\n"));
client.on("error", () => {});
