// MQTT.js request/response against the agent: connects with MQTT 5, subscribes to its own response topic, sends one
// payment naming that topic and a correlation id, and prints what came back as one JSON line:
//   {"topic": "...", "sent": "<the correlation id sent>", "correlation": "<the one that came back, or null>", "answer": {...}}
// Usage: node request.mjs <port> <payments topic> <payload> [protocolVersion 4|5] [qos 0|1] [clientId]
import mqtt from "mqtt";

const [port, topic, payload, version = "5", qos = "1", clientId] = process.argv.slice(2);
const protocolVersion = Number(version);
const options = { protocolVersion, clean: true, connectTimeout: 10000, reconnectPeriod: 0 };
if (clientId !== undefined) options.clientId = clientId;
const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, options);
const correlation = `js-${process.pid}-${Date.now()}`;
// The agent answers only under the terminal's own topics: {root}/{store}/{terminal}/...
const responseTopic = protocolVersion === 5
  ? topic.replace(/\/payments$/, `/responses/${correlation}`)
  : topic.replace(/\/payments$/, "/decisions");

let done = false;
const fail = (message) => { if (!done) { console.error(message); process.exit(1); } };
setTimeout(() => fail("timed out waiting for the answer"), 30000).unref();
client.on("error", (error) => fail(`mqtt error: ${error.message}`));
client.on("message", (receivedTopic, message, packet) => {
  const received = packet.properties?.correlationData?.toString() ?? null;
  console.log(JSON.stringify({ topic: receivedTopic, sent: correlation, correlation: received, answer: JSON.parse(message.toString()) }));
  done = true;
  client.end(true, () => process.exit(0));
});
client.on("connect", async () => {
  try {
    await client.subscribeAsync(responseTopic, { qos: Number(qos) });
    const properties = protocolVersion === 5
      ? { responseTopic, correlationData: Buffer.from(correlation) }
      : undefined;
    // The answer may come before the PUBACK (the agent acknowledges once the outcome is recorded): the script may
    // be done, and the connection closed, while this still waits.
    await client.publishAsync(topic, payload, { qos: 1, properties });
    console.error(`sent; correlation ${correlation}`);
  } catch (error) {
    fail(`mqtt error: ${error.message}`);
  }
});
