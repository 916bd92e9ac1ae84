// The terminal's side of card number encryption, with jose (a third-party JOSE implementation): encrypts a card number
// to the node's public JWK as JWE compact serialization, ECDH-ES with A256GCM, and prints one JSON line with that JWE
// and the faulty ones the agent must refuse:
//   {"thumbprint": "<jose's RFC 7638 thumbprint of the JWK>", "jwe": "...", "tampered": "...", "wrongKey": "...",
//    "unknownKid": "...", "wrongAlg": "..."}
// Usage: node encrypt-pan.mjs <node public JWK file> <card number>
import { readFileSync } from "node:fs";
import { CompactEncrypt, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from "jose";

const [jwkFile, pan] = process.argv.slice(2);
const nodeJwk = JSON.parse(readFileSync(jwkFile, "utf8"));
const nodeKey = await importJWK(nodeJwk, "ECDH-ES");
const plaintext = new TextEncoder().encode(pan);

const encrypt = (key, kid, alg = "ECDH-ES") =>
  new CompactEncrypt(plaintext).setProtectedHeader({ alg, enc: "A256GCM", kid }).encrypt(key);

const jwe = await encrypt(nodeKey, nodeJwk.kid);

// One character of the ciphertext changed: still a well-formed JWE, but no longer the one the terminal made.
const parts = jwe.split(".");
parts[3] = (parts[3][0] === "A" ? "B" : "A") + parts[3].slice(1);
const tampered = parts.join(".");

const other = await generateKeyPair("ECDH-ES", { crv: "P-256", extractable: true });
const otherJwk = await exportJWK(other.publicKey);

console.log(JSON.stringify({
  thumbprint: await calculateJwkThumbprint({ kty: nodeJwk.kty, crv: nodeJwk.crv, x: nodeJwk.x, y: nodeJwk.y }),
  jwe,
  tampered,
  wrongKey: await encrypt(other.publicKey, nodeJwk.kid),
  unknownKid: await encrypt(other.publicKey, await calculateJwkThumbprint(otherJwk)),
  wrongAlg: await encrypt(nodeKey, nodeJwk.kid, "ECDH-ES+A256KW"),
}));
