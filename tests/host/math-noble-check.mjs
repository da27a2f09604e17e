// SPDX-License-Identifier: MIT
//
// Cross-check of the zkasic math core against @noble/curves, an
// independent implementation. Usage: node math-noble-check.mjs NPM_DIR CASES
// NPM_DIR holds node_modules/@noble/curves; CASES is written by
// test_math_noble (one case per line, byte strings in hex, device format).
// Prints one line per case: "PASS name" or "FAIL name: why".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [npmDir, casesPath] = process.argv.slice(2);
const mod = (p) => import(pathToFileURL(join(npmDir, 'node_modules/@noble/curves', p)).href);
const { bn254 } = await mod('bn254.js');
const { bls12_381 } = await mod('bls12-381.js');
const { Field } = await mod('abstract/modular.js');
const { pippenger } = await mod('abstract/curve.js');

// little-endian hex <-> bigint
const hexToLe = (h) => {
  let v = 0n;
  for (let i = h.length - 2; i >= 0; i -= 2) v = (v << 8n) | BigInt(parseInt(h.substr(i, 2), 16));
  return v;
};
const leToHex = (v, bytes) => {
  let s = '';
  for (let i = 0; i < bytes; i++) {
    s += Number(v & 0xffn).toString(16).padStart(2, '0');
    v >>= 8n;
  }
  return s;
};
const modp = (a, p) => ((a % p) + p) % p;
const powmod = (b, e, p) => {
  let r = 1n;
  b = modp(b, p);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % p;
    b = (b * b) % p;
    e >>= 1n;
  }
  return r;
};
const inv = (a, p) => powmod(a, p - 2n, p);

// Device Montgomery form is x * 2^(8 bytes) mod p.
const fromDev = (hex, p, bytes, mont) => {
  const v = hexToLe(hex);
  if (v >= p) throw new Error('non-canonical');
  return mont ? modp(v * inv(2n ** BigInt(8 * bytes), p), p) : v;
};
const toDev = (v, p, bytes, mont) => leToHex(mont ? modp(v * 2n ** BigInt(8 * bytes), p) : v, bytes);

const CURVES = {
  1: { name: 'bn254_g1', G: bn254.G1, fb: 32, g2: false, p: bn254.fields.Fp.ORDER },
  2: { name: 'bn254_g2', G: bn254.G2, fb: 32, g2: true, Fp2: bn254.fields.Fp2, p: bn254.fields.Fp.ORDER },
  3: { name: 'bls12_381_g1', G: bls12_381.G1, fb: 48, g2: false, p: bls12_381.fields.Fp.ORDER },
  4: {
    name: 'bls12_381_g2', G: bls12_381.G2, fb: 48, g2: true, Fp2: bls12_381.fields.Fp2,
    p: bls12_381.fields.Fp.ORDER,
  },
};

function parsePoint(c, hex, mont) {
  const Point = c.G.Point;
  if (/^0*$/.test(hex)) return Point.ZERO;
  const w = 2 * c.fb;
  // coordinates are base-field elements (G2: c0, c1 of Fp2), modulus c.p
  const coord = (i) => fromDev(hex.substr(i * w, w), c.p, c.fb, mont);
  let x, y;
  if (c.g2) {
    x = c.Fp2.fromBigTuple([coord(0), coord(1)]);
    y = c.Fp2.fromBigTuple([coord(2), coord(3)]);
  } else {
    x = coord(0);
    y = coord(1);
  }
  const P = Point.fromAffine({ x, y });
  P.assertValidity(); // on the curve and in the prime-order subgroup
  return P;
}

function pointHex(c, P, mont) {
  const n = (c.g2 ? 4 : 2) * c.fb;
  if (P.is0()) return '00'.repeat(n);
  const a = P.toAffine();
  const parts = c.g2 ? [a.x.c0, a.x.c1, a.y.c0, a.y.c1] : [a.x, a.y];
  return parts.map((v) => toDev(v, c.p, c.fb, mont)).join('');
}

const FIELDS = {
  1: { name: 'bn254_fr', p: bn254.fields.Fr.ORDER, g: 5n, bytes: 32 },
  2: { name: 'bls12_381_fr', p: bls12_381.fields.Fr.ORDER, g: 7n, bytes: 32 },
  3: { name: 'goldilocks', p: Field(2n ** 64n - 2n ** 32n + 1n).ORDER, g: 7n, bytes: 8 },
};

const split = (hex, bytes) => {
  const out = [];
  for (let i = 0; i < hex.length; i += 2 * bytes) out.push(hex.substr(i, 2 * bytes));
  return out;
};
const rev = (x, bits) => {
  let r = 0;
  for (let i = 0; i < bits; i++) r |= ((x >> i) & 1) << (bits - 1 - i);
  return r;
};

function checkMsm(f) {
  const [, curve, flags, n, bases, scalars, result] = f;
  const c = CURVES[curve];
  const pm = !!(+flags & 2), sm = !!(+flags & 1);
  const r = c.G.Point.Fn.ORDER;
  const pts = n > 0 ? split(bases, (c.g2 ? 4 : 2) * c.fb).map((h) => parsePoint(c, h, pm)) : [];
  const ks = n > 0 ? split(scalars, 32).map((h) => fromDev(h, r, 32, sm)) : [];
  let acc;
  if (pts.length > 64) {
    acc = pippenger(c.G.Point, pts, ks); // noble's own MSM for the large cases
  } else {
    acc = c.G.Point.ZERO;
    for (let i = 0; i < pts.length; i++) acc = acc.add(pts[i].multiplyUnsafe(ks[i]));
  }
  const want = pointHex(c, acc, pm);
  return want === result ? null : `want ${want} got ${result}`;
}

function checkNtt(f) {
  const [, field, flagsS, logS, batchS, shiftHex, input, output] = f;
  const F = FIELDS[field];
  const flags = +flagsS, log = +logS, batch = +batchS, n = 1 << log;
  const mont = !!(flags & 32), inverse = !!(flags & 1);
  const rin = !!(flags & 8), rout = !!(flags & 16);
  const p = F.p;
  let s = null;
  if (shiftHex !== '-') s = fromDev(shiftHex, p, F.bytes, mont);
  else if (flags & 2) s = F.g;
  let w = powmod(F.g, (p - 1n) / BigInt(n), p);
  if (inverse) w = inv(w, p);
  const ins = split(input, F.bytes).map((h) => fromDev(h, p, F.bytes, mont));
  const outs = split(output, F.bytes);
  const ninv = inv(BigInt(n), p);
  for (let v = 0; v < batch; v++) {
    const a = [];
    for (let j = 0; j < n; j++) a.push(ins[v * n + (rin ? rev(j, log) : j)]);
    for (let k = 0; k < n; k++) {
      let acc = 0n;
      const x = powmod(w, BigInt(k), p);
      let xp = 1n;
      for (let j = 0; j < n; j++) {
        let t = a[j] * xp;
        if (s !== null && !inverse) t *= powmod(s, BigInt(j), p);
        acc = (acc + t) % p;
        xp = (xp * x) % p;
      }
      if (inverse) {
        acc = (acc * ninv) % p;
        if (s !== null) acc = (acc * powmod(inv(s, p), BigInt(k), p)) % p;
      }
      const got = outs[v * n + (rout ? rev(k, log) : k)];
      const want = toDev(acc, p, F.bytes, mont);
      if (got !== want) return `vector ${v} index ${k}: want ${want} got ${got}`;
    }
  }
  return null;
}

function checkVec(f) {
  const [, field, opS, flagsS, , aHex, bHex, outHex] = f;
  const F = FIELDS[field];
  const op = +opS, mont = !!(+flagsS & 1), p = F.p;
  const inMont = op === 5 ? true : op === 4 ? false : mont;
  const outMont = op === 4 ? true : op === 5 ? false : mont;
  const a = split(aHex, F.bytes).map((h) => fromDev(h, p, F.bytes, inMont));
  const b = bHex === '-' ? [] : split(bHex, F.bytes).map((h) => fromDev(h, p, F.bytes, inMont));
  const out = split(outHex, F.bytes);
  for (let i = 0; i < a.length; i++) {
    let v;
    switch (op) {
      case 0: v = a[i] + b[i]; break;
      case 1: v = a[i] - b[i]; break;
      case 2: v = a[i] * b[i]; break;
      case 3: v = a[i] * b[0]; break;
      default: v = a[i];
    }
    const want = toDev(modp(v, p), p, F.bytes, outMont);
    if (want !== out[i]) return `index ${i}: want ${want} got ${out[i]}`;
  }
  return null;
}

// e(P, Q) in Fq12 = Fq6[w]/(w^2 - v), Fq6 = Fq2[v]/(v^3 - xi): noble's Miller
// loop, then the exact final exponent (p^12 - 1)/r (noble's own final
// exponentiation computes a fixed power of it, so it is not used).
function checkPairing(f) {
  const [, curveS, flagsS, g1Hex, g2Hex, gtHex] = f;
  const g1c = +curveS, mont = !!(+flagsS & 2);
  const c1 = CURVES[g1c], c2 = CURVES[g1c + 1];
  const pair = g1c === 1 ? bn254 : bls12_381;
  const { Fp12 } = pair.fields;
  const P = parsePoint(c1, g1Hex, mont);
  const Q = parsePoint(c2, g2Hex, mont);
  const p = c1.p, r = c1.G.Point.Fn.ORDER;
  const ml = pair.pairing(P, Q, false);
  const e = Fp12.pow(ml, (p ** 12n - 1n) / r);
  const coeffs = [e.c0.c0, e.c0.c1, e.c0.c2, e.c1.c0, e.c1.c1, e.c1.c2]
    .flatMap((x) => [x.c0, x.c1]);
  const want = coeffs.map((v) => toDev(v, p, c1.fb, mont)).join('');
  return want === gtHex ? null : `want ${want} got ${gtHex}`;
}

const lines = readFileSync(casesPath, 'utf8').split('\n').filter((l) => l.length);
for (const line of lines) {
  const f = line.split(' ');
  const name = f[0] === 'msm' ? `msm_${CURVES[f[1]].name}_flags${f[2]}_n${f[3]}`
    : f[0] === 'ntt' ? `ntt_${FIELDS[f[1]].name}_flags${f[2]}_log${f[3]}_batch${f[4]}`
    : f[0] === 'pair' ? `pairing_${CURVES[f[1]].name.replace('_g1', '')}_flags${f[2]}`
    : `vec_${FIELDS[f[1]].name}_op${f[2]}_flags${f[3]}_n${f[4]}`;
  let why;
  try {
    why = f[0] === 'msm' ? checkMsm(f) : f[0] === 'ntt' ? checkNtt(f)
      : f[0] === 'pair' ? checkPairing(f) : checkVec(f);
  } catch (e) {
    why = `exception: ${e.message}`;
  }
  console.log(why ? `FAIL ${name}: ${why}` : `PASS ${name}`);
}
