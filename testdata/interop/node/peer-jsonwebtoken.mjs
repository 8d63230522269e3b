// jsonwebtoken (npm, auth0's node library) peer for jwtkit's interop tests
// (cmd/interop_test.go).
//
//   node peer-jsonwebtoken.mjs sign ALG KEYFILE CLAIMS_JSON [HEADER_JSON]   prints a token
//   node peer-jsonwebtoken.mjs verify ALG KEYFILE TOKEN [AUD]                prints the claims, exit 0 if valid
//   node peer-jsonwebtoken.mjs batch                                         JSON jobs in, JSON results out
//
// Same interface and batch protocol as ../peer.py and peer.mjs. For HS* the
// key file holds the secret text, whose UTF-8 bytes are the secret; otherwise
// a PEM key in any form node:crypto reads (PKCS#8, PKCS#1, SEC1; SPKI to
// verify). jsonwebtoken 9 has no EdDSA: it answers such a job with an error.
//
// The token carries exactly the claims given: jsonwebtoken adds iat = now to
// a payload without one unless told noTimestamp, so it is told that then.
// A header given replaces the default {typ: 'JWT'}, as in peer.mjs, but
// jsonwebtoken builds its header as {alg, typ: 'JWT', kid} (unset members left
// out) with the given members assigned over it, so those three keep that
// order whatever order the given header has: {kid, typ} comes out as
// alg, typ, kid. A header without typ is given typ: undefined, which drops it.
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';

function secret(path) {
  return createSecretKey(Buffer.from(readFileSync(path, 'utf8').replace(/\n$/, '').replace(/\r$/, ''), 'utf8'));
}

function sign(alg, path, claims, header) {
  const key = alg.startsWith('HS') ? secret(path) : createPrivateKey(readFileSync(path, 'utf8'));
  return jwt.sign(claims, key, {
    algorithm: alg,
    header: header ? { typ: undefined, ...header } : { typ: 'JWT' },
    noTimestamp: !Object.hasOwn(claims, 'iat'),
  });
}

function verify(alg, path, token, aud) {
  const key = alg.startsWith('HS') ? secret(path) : createPublicKey(readFileSync(path, 'utf8'));
  return jwt.verify(token, key, { algorithms: [alg], audience: aud });
}

function run(job) {
  try {
    if (job.op === 'sign') return { token: sign(job.alg, job.key, job.claims, job.header) };
    return { ok: true, claims: verify(job.alg, job.key, job.token, job.aud ?? undefined) };
  } catch (e) {
    return { ok: false, error: `${e.name}: ${e.message}` };
  }
}

const [op, ...args] = process.argv.slice(2);
if (op === 'sign' && (args.length === 3 || args.length === 4)) {
  console.log(sign(args[0], args[1], JSON.parse(args[2]), args[3] ? JSON.parse(args[3]) : undefined));
} else if (op === 'verify' && (args.length === 3 || args.length === 4)) {
  try {
    console.log(JSON.stringify(verify(...args)));
  } catch (e) {
    console.error(`invalid: ${e.name}: ${e.message}`);
    process.exit(1);
  }
} else if (op === 'batch' && args.length === 0) {
  const lines = readFileSync(0, 'utf8').split('\n').filter((l) => l.trim());
  for (const line of lines) console.log(JSON.stringify(run(JSON.parse(line))));
} else {
  console.error('usage: peer-jsonwebtoken.mjs {sign ALG KEYFILE CLAIMS_JSON [HEADER_JSON] | verify ALG KEYFILE TOKEN [AUD] | batch}');
  process.exit(2);
}
