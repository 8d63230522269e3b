// jose (npm) peer for jwtkit's interop tests (cmd/interop_test.go).
//
//   node peer.mjs sign ALG KEYFILE CLAIMS_JSON [HEADER_JSON]   prints a token
//   node peer.mjs verify ALG KEYFILE TOKEN [AUD]                prints the claims, exit 0 if valid
//   node peer.mjs batch                                         JSON jobs in, JSON results out
//
// Same interface and batch protocol as ../peer.py. For HS* the key file holds
// the secret text, whose UTF-8 bytes are the secret; otherwise PKCS#8 (sign)
// or SPKI (verify) PEM. A header given replaces the default {typ: 'JWT'}
// and keeps its key order after alg.
import { readFileSync } from 'node:fs';
import * as jose from 'jose';

function secret(path) {
  return new TextEncoder().encode(readFileSync(path, 'utf8').replace(/\n$/, '').replace(/\r$/, ''));
}

async function sign(alg, path, claims, header) {
  const key = alg.startsWith('HS') ? secret(path) : await jose.importPKCS8(readFileSync(path, 'utf8'), alg);
  return new jose.SignJWT(claims).setProtectedHeader({ alg, ...(header ?? { typ: 'JWT' }) }).sign(key);
}

async function verify(alg, path, token, aud) {
  const key = alg.startsWith('HS') ? secret(path) : await jose.importSPKI(readFileSync(path, 'utf8'), alg);
  const { payload } = await jose.jwtVerify(token, key, { algorithms: [alg], audience: aud });
  return payload;
}

async function run(job) {
  try {
    if (job.op === 'sign') return { token: await sign(job.alg, job.key, job.claims, job.header) };
    return { ok: true, claims: await verify(job.alg, job.key, job.token, job.aud ?? undefined) };
  } catch (e) {
    return { ok: false, error: `${e.code ?? e.name}: ${e.message}` };
  }
}

const [op, ...args] = process.argv.slice(2);
if (op === 'sign' && (args.length === 3 || args.length === 4)) {
  console.log(await sign(args[0], args[1], JSON.parse(args[2]), args[3] ? JSON.parse(args[3]) : undefined));
} else if (op === 'verify' && (args.length === 3 || args.length === 4)) {
  try {
    console.log(JSON.stringify(await verify(...args)));
  } catch (e) {
    console.error(`invalid: ${e.code ?? e.name}: ${e.message}`);
    process.exit(1);
  }
} else if (op === 'batch' && args.length === 0) {
  const lines = readFileSync(0, 'utf8').split('\n').filter((l) => l.trim());
  for (const line of lines) console.log(JSON.stringify(await run(JSON.parse(line))));
} else {
  console.error('usage: peer.mjs {sign ALG KEYFILE CLAIMS_JSON [HEADER_JSON] | verify ALG KEYFILE TOKEN [AUD] | batch}');
  process.exit(2);
}
