// MQTT.js terminal that sends payments with binary correlation data of its choosing (MQTT 5), one at a time: each is
// published with a response topic under its terminal's prefix and the next goes once its answer came back. Prints one
// JSON line per answer: {"event":"answer","i":<index>,"correlation":"<hex that came back>","answer":{...}}, then
// {"event":"done"}.
// Usage: node forged.mjs <port> <payments topic> <file: one line per payment, "<correlation hex> <payload JSON>">
import { readFileSync } from "node:fs";
import mqtt from "mqtt";

const [port, topic, file] = process.argv.slice(2);
const lines = readFileSync(file, "utf8").split("\n").filter((line) => line.length > 0);
const say = (event, data) => process.stdout.write(JSON.stringify({ event, ...data }) + "\n");
const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, clean: true, connectTimeout: 10000, reconnectPeriod: 0 });
const responseTopic = topic.replace(/\/payments$/, `/responses/forged-${process.pid}`);
const fail = (message) => { console.error(message); process.exit(1); };
setTimeout(() => fail("timed out"), 120000).unref();
client.on("error", (error) => fail(`mqtt error: ${error.message}`));

let waiting = null;
client.on("message", (_topic, message, packet) => {
  if (waiting) waiting({ correlation: packet.properties?.correlationData?.toString("hex") ?? null, answer: JSON.parse(message.toString()) });
});
client.on("connect", async () => {
  try {
    await client.subscribeAsync(responseTopic, { qos: 1 });
    for (let i = 0; i < lines.length; i++) {
      const space = lines[i].indexOf(" ");
      const correlationData = Buffer.from(lines[i].slice(0, space), "hex");
      const answered = new Promise((resolve) => { waiting = resolve; });
      await client.publishAsync(topic, lines[i].slice(space + 1), { qos: 1, properties: { responseTopic, correlationData } });
      say("answer", { i, ...(await answered) });
    }
    say("done", {});
    client.end(false, () => process.exit(0));
  } catch (error) {
    fail(`mqtt error: ${error.message}`);
  }
});
