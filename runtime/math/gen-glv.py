#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate glv_consts.h: the GLV endomorphism constants of the four groups.

Each group has phi(x, y) = (beta x, y), beta a cube root of unity in the
base field, and on the prime-order subgroup phi(P) = lambda P for a cube
root of unity lambda mod r. A scalar k then splits as k = k1 + k2 lambda
mod r with |k1|, |k2| about sqrt(r) (Babai rounding against a reduced basis
of the lattice {(a, b) : a + b lambda = 0 mod r}), so an MSM of n scalars
of 255 bits becomes one of 2n scalars of about 128 bits.

Which lambda goes with beta is found here by computing phi(G) and lambda G
on each group's generator; the bound on |k1|, |k2| is proved here from the
basis and checked by running the C algorithm (emulated) on random and edge
scalars. Run: gen-glv.py > glv_consts.h
"""
import math
import random

Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
P381 = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
R381 = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
M192 = 2**192


class F2:
    """Fp[u]/(u^2 + 1)."""
    def __init__(self, p, a, b=0):
        self.p, self.a, self.b = p, a % p, b % p

    def _c(self, o):
        return o if isinstance(o, F2) else F2(self.p, o)

    def __add__(self, o):
        o = self._c(o)
        return F2(self.p, self.a + o.a, self.b + o.b)

    def __sub__(self, o):
        o = self._c(o)
        return F2(self.p, self.a - o.a, self.b - o.b)

    def __mul__(self, o):
        o = self._c(o)
        return F2(self.p, self.a * o.a - self.b * o.b, self.a * o.b + self.b * o.a)

    def inv(self):
        d = pow(self.a * self.a + self.b * self.b, -1, self.p)
        return F2(self.p, self.a * d, -self.b * d)

    def is_zero(self):
        return self.a == 0 and self.b == 0

    def __eq__(self, o):
        o = self._c(o)
        return self.a == o.a and self.b == o.b


def group(p, ext):
    """Affine add and scalar multiplication on y^2 = x^3 + b over Fp or Fp2."""
    def red(v):
        return v if ext else v % p

    def inv(v):
        return v.inv() if ext else pow(v, -1, p)

    def zero(v):
        return v.is_zero() if ext else v % p == 0

    def add(P, Qp):
        if P is None:
            return Qp
        if Qp is None:
            return P
        (x1, y1), (x2, y2) = P, Qp
        if zero(x1 - x2):
            if zero(y1 + y2):
                return None
            lam = red(x1 * x1 * 3 * inv(y1 * 2))
        else:
            lam = red((y2 - y1) * inv(x2 - x1))
        x3 = red(lam * lam - x1 - x2)
        return (x3, red(lam * (x1 - x3) - y1))

    def mul(P, k):
        acc = None
        while k:
            if k & 1:
                acc = add(acc, P)
            P = add(P, P)
            k >>= 1
        return acc
    return add, mul, red


def cube_root_of_unity(m):
    for g in range(2, 1000):
        w = pow(g, (m - 1) // 3, m)
        if w != 1:
            return w
    raise ValueError("no cube root of unity")


def reduced_basis(lam, n):
    """Lagrange-Gauss reduction of the lattice {(a, b): a + b lam = 0 mod n}."""
    u, v = (n, 0), (-lam % n, 1)

    def dot(x, y):
        return x[0] * y[0] + x[1] * y[1]
    if dot(u, u) < dot(v, v):
        u, v = v, u
    while True:
        # make u the longer one, subtract the nearest multiple of v
        m = (2 * dot(u, v) + dot(v, v)) // (2 * dot(v, v))
        u = (u[0] - m * v[0], u[1] - m * v[1])
        if dot(u, u) >= dot(v, v):
            return v, u
        u, v = v, u


def split(k, c):
    """The C algorithm of glv.h, with its own 192-bit wrap-around arithmetic."""
    def signed(x):
        x %= M192
        return x - M192 if x >= M192 // 2 else x
    c1 = (k * c["g1"]) >> 256
    c2 = (k * c["g2"]) >> 256
    if c["g1_neg"]:
        c1 = -c1
    if c["g2_neg"]:
        c2 = -c2
    k1 = signed(k - c1 * c["a1"] - c2 * c["a2"])
    k2 = signed(-c1 * c["b1"] - c2 * c["b2"])
    return k1, k2


def constants(name, p, n, ext, gen, b):
    add, mul, red = group(p, ext)
    x, y = gen
    assert (y * y - x * x * x - b).is_zero() if ext else (y * y - x * x * x - b) % p == 0, name
    assert mul(gen, n) is None, name + ": generator not of order r"
    beta = cube_root_of_unity(p)
    lam = cube_root_of_unity(n)
    phi = (red(x * beta), y)
    if mul(gen, lam) != phi:
        lam = lam * lam % n
        assert mul(gen, lam) == phi, name + ": no lambda for beta"
    (a1, b1), (a2, b2) = reduced_basis(lam, n)
    assert (a1 + b1 * lam) % n == 0 and (a2 + b2 * lam) % n == 0
    det = a1 * b2 - a2 * b1
    assert abs(det) == n
    # 2^256 b2 / det and -2^256 b1 / det, rounded: c_i = k g_i / 2^256
    g1 = ((b2 << 256) + det // 2) // det
    g2 = ((-b1 << 256) + det // 2) // det
    c = {"g1": abs(g1), "g1_neg": g1 < 0, "g2": abs(g2), "g2_neg": g2 < 0,
         "a1": a1, "b1": b1, "a2": a2, "b2": b2}
    # c_i is off the exact rational by less than 1 (the shift's floor) plus
    # k / 2^257 < 1/4 (g_i's rounding), so each half is below
    # 5/4 (|a1| + |a2|) or 5/4 (|b1| + |b2|) in magnitude.
    bound = max(abs(a1) + abs(a2), abs(b1) + abs(b2))
    bits = (bound * 5 // 4 + 1).bit_length()
    assert bits <= 130 and abs(g1) < M192 and abs(g2) < M192
    rng = random.Random(name)
    tests = [0, 1, 2, n - 1, n - 2, n // 2, lam, n - lam, abs(a1), abs(a2), abs(b1), abs(b2)]
    tests += [rng.randrange(n) for _ in range(20000)]
    for k in tests:
        k1, k2 = split(k, c)
        assert (k1 + k2 * lam - k) % n == 0, (name, k)
        assert abs(k1) < 2**bits and abs(k2) < 2**bits, (name, k)
    c["bits"], c["beta"], c["lam"] = bits, beta, lam
    return c


def limbs(x, k):
    return "{ " + ", ".join("0x%016xULL" % ((x >> (64 * i)) & (2**64 - 1)) for i in range(k)) + " }"


def main():
    bn_g2 = (F2(Q, 10857046999023057135944570762232829481370756359578518086990519993285655852781,
                11559732032986387107991004021392285783925812861821192530917403151452391805634),
             F2(Q, 8495653923123431417604973247489272438418190587263600148770280649306958101930,
                4082367875863433681332203403145435568316851327593401208105741076214120093531))
    bls_g1 = (0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb,
              0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1)
    bls_g2 = (F2(P381, 0x024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8,
                 0x13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e),
              F2(P381, 0x0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801,
                 0x0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be))
    groups = [
        ("bn254_g1", Q, R, False, (1, 2), 3, 4),
        ("bn254_g2", Q, R, True, bn_g2, F2(Q, 3) * F2(Q, 9, 1).inv(), 4),
        ("bls12_381_g1", P381, R381, False, bls_g1, 4, 6),
        ("bls12_381_g2", P381, R381, True, bls_g2, F2(P381, 4, 4), 6),
    ]
    out = ["/* SPDX-License-Identifier: MIT */",
           "/* Generated by gen-glv.py: do not edit. GLV constants (see glv.h), 64-bit limbs, little-endian. */",
           "#ifndef ZKM_GLV_CONSTS_H",
           "#define ZKM_GLV_CONSTS_H",
           "",
           "#include \"glv.h\"",
           ""]
    for name, p, n, ext, gen, b, nl in groups:
        c = constants(name, p, n, ext, gen, b)
        out.append("/* %s: phi(x, y) = (beta x, y) = lambda (x, y) */" % name)
        out.append("static const uint64_t %s_GLV_BETA_MONT[%d] = %s;" % (name, nl, limbs(c["beta"] * 2**(64 * nl) % p, nl)))
        out.append("static const uint64_t %s_GLV_LAMBDA[4] = %s;" % (name, limbs(c["lam"], 4)))
        out.append("static const struct zkm_glv %s_GLV = {" % name)
        out.append("\t.g1 = %s, .g1_neg = %d," % (limbs(c["g1"], 3), c["g1_neg"]))
        out.append("\t.g2 = %s, .g2_neg = %d," % (limbs(c["g2"], 3), c["g2_neg"]))
        for v in ("a1", "b1", "a2", "b2"):
            out.append("\t.%s = %s," % (v, limbs(c[v] % M192, 3)))
        out.append("\t.bits = %d," % c["bits"])
        out.append("};")
        out.append("")
    out.append("#endif /* ZKM_GLV_CONSTS_H */")
    print("\n".join(out))


if __name__ == "__main__":
    main()
