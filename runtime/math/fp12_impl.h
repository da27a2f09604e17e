/* SPDX-License-Identifier: MIT */
/*
 * The pairing's tower over an Fq2 (fp2.h): Fq6 = Fq2[v]/(v^3 - xi) and
 * Fq12 = Fq6[w]/(w^2 - v), so w^6 = xi. A template: the includer defines
 *   TW       the prefix of the new types (bn254 -> bn254_fq6, bn254_fq12),
 *   TF, TF2  the base field and its quadratic extension (bn254_fq, bn254_fq2),
 *   TW_MUL_XI(r, a)  r = a * xi in Fq2 (r may alias a),
 * and gets TW_fq2_* helpers, TW_fq6_* and TW_fq12_* operations.
 *
 * An Fq12 element c0 + c1 w, ci = ci0 + ci1 v + ci2 v^2, is also
 * sum g_k w^k with g = (c00, c10, c01, c11, c02, c12): the Frobenius map
 * x -> x^q sends g_k to conj(g_k) gamma^k, gamma = xi^((q-1)/6), which the
 * includer provides as TW_GAMMA (a pointer to the Fq2 value, Montgomery).
 */

#define TWN(x) ZKM_CAT(TW, _##x)
#define TFN(x) ZKM_CAT(TF, _##x)
#define TF2N(x) ZKM_CAT(TF2, _##x)
#define T1 TFN(t)
#define T2 TF2N(t)

typedef struct { T2 c0, c1, c2; } TWN(fq6_t);
typedef struct { TWN(fq6_t) c0, c1; } TWN(fq12_t);
#define T6 TWN(fq6_t)
#define T12 TWN(fq12_t)

/* ---- Fq2 helpers ---- */

ZKM_INLINE void TWN(fq2_conj)(T2 *r, const T2 *a)
{
	r->c0 = a->c0;
	TFN(neg)(&r->c1, &a->c1);
}

ZKM_INLINE void TWN(fq2_mul_fq)(T2 *r, const T2 *a, const T1 *b)
{
	TFN(mul)(&r->c0, &a->c0, b);
	TFN(mul)(&r->c1, &a->c1, b);
}

/* r = a^e, e little-endian limbs */
static inline void TWN(fq2_pow)(T2 *r, const T2 *a, const uint64_t *e, int ne)
{
	T2 acc, base = *a;

	TF2N(one)(&acc);
	for (int i = 0; i < 64 * ne; i++) {
		if ((e[i / 64] >> (i % 64)) & 1)
			TF2N(mul)(&acc, &acc, &base);
		TF2N(sqr)(&base, &base);
	}
	*r = acc;
}

/* ---- Fq6 ---- */

ZKM_INLINE void TWN(fq6_add)(T6 *r, const T6 *a, const T6 *b)
{
	TF2N(add)(&r->c0, &a->c0, &b->c0);
	TF2N(add)(&r->c1, &a->c1, &b->c1);
	TF2N(add)(&r->c2, &a->c2, &b->c2);
}

ZKM_INLINE void TWN(fq6_sub)(T6 *r, const T6 *a, const T6 *b)
{
	TF2N(sub)(&r->c0, &a->c0, &b->c0);
	TF2N(sub)(&r->c1, &a->c1, &b->c1);
	TF2N(sub)(&r->c2, &a->c2, &b->c2);
}

ZKM_INLINE void TWN(fq6_neg)(T6 *r, const T6 *a)
{
	TF2N(neg)(&r->c0, &a->c0);
	TF2N(neg)(&r->c1, &a->c1);
	TF2N(neg)(&r->c2, &a->c2);
}

ZKM_INLINE void TWN(fq6_zero)(T6 *r)
{
	TF2N(zero)(&r->c0);
	TF2N(zero)(&r->c1);
	TF2N(zero)(&r->c2);
}

ZKM_INLINE void TWN(fq6_one)(T6 *r)
{
	TF2N(one)(&r->c0);
	TF2N(zero)(&r->c1);
	TF2N(zero)(&r->c2);
}

ZKM_INLINE int TWN(fq6_eq)(const T6 *a, const T6 *b)
{
	return TF2N(eq)(&a->c0, &b->c0) && TF2N(eq)(&a->c1, &b->c1) &&
	       TF2N(eq)(&a->c2, &b->c2);
}

/* r = a * v: (a0, a1, a2) -> (xi a2, a0, a1) */
ZKM_INLINE void TWN(fq6_mul_by_v)(T6 *r, const T6 *a)
{
	T2 t;

	TW_MUL_XI(&t, &a->c2);
	r->c2 = a->c1;
	r->c1 = a->c0;
	r->c0 = t;
}

/* Karatsuba-style: 6 Fq2 multiplications */
static inline void TWN(fq6_mul)(T6 *r, const T6 *a, const T6 *b)
{
	T2 t0, t1, t2, s, u, c0, c1, c2;

	TF2N(mul)(&t0, &a->c0, &b->c0);
	TF2N(mul)(&t1, &a->c1, &b->c1);
	TF2N(mul)(&t2, &a->c2, &b->c2);
	/* c0 = ((a1 + a2)(b1 + b2) - t1 - t2) xi + t0 */
	TF2N(add)(&s, &a->c1, &a->c2);
	TF2N(add)(&u, &b->c1, &b->c2);
	TF2N(mul)(&s, &s, &u);
	TF2N(sub)(&s, &s, &t1);
	TF2N(sub)(&s, &s, &t2);
	TW_MUL_XI(&s, &s);
	TF2N(add)(&c0, &s, &t0);
	/* c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2 */
	TF2N(add)(&s, &a->c0, &a->c1);
	TF2N(add)(&u, &b->c0, &b->c1);
	TF2N(mul)(&s, &s, &u);
	TF2N(sub)(&s, &s, &t0);
	TF2N(sub)(&s, &s, &t1);
	TW_MUL_XI(&u, &t2);
	TF2N(add)(&c1, &s, &u);
	/* c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
	TF2N(add)(&s, &a->c0, &a->c2);
	TF2N(add)(&u, &b->c0, &b->c2);
	TF2N(mul)(&s, &s, &u);
	TF2N(sub)(&s, &s, &t0);
	TF2N(sub)(&s, &s, &t2);
	TF2N(add)(&c2, &s, &t1);
	r->c0 = c0;
	r->c1 = c1;
	r->c2 = c2;
}

/* Chung-Hasan SQR2: 2 squarings and 3 multiplications in Fq2 */
static inline void TWN(fq6_sqr)(T6 *r, const T6 *a)
{
	T2 s0, s1, s2, s3, s4, t;

	TF2N(sqr)(&s0, &a->c0);
	TF2N(mul)(&s1, &a->c0, &a->c1);
	TF2N(dbl)(&s1, &s1);
	TF2N(sub)(&t, &a->c0, &a->c1);
	TF2N(add)(&t, &t, &a->c2);
	TF2N(sqr)(&s2, &t);
	TF2N(mul)(&s3, &a->c1, &a->c2);
	TF2N(dbl)(&s3, &s3);
	TF2N(sqr)(&s4, &a->c2);
	/* c0 = s0 + xi s3, c1 = s1 + xi s4, c2 = s1 + s2 + s3 - s0 - s4 */
	TW_MUL_XI(&t, &s3);
	TF2N(add)(&r->c0, &s0, &t);
	TF2N(add)(&t, &s1, &s2);
	TF2N(add)(&t, &t, &s3);
	TF2N(sub)(&t, &t, &s0);
	TF2N(sub)(&r->c2, &t, &s4);
	TW_MUL_XI(&t, &s4);
	TF2N(add)(&r->c1, &s1, &t);
}

/* 1/a; 1/0 gives 0 */
static inline void TWN(fq6_inv)(T6 *r, const T6 *a)
{
	T2 t0, t1, t2, s, d;

	/* t0 = a0^2 - xi a1 a2, t1 = xi a2^2 - a0 a1, t2 = a1^2 - a0 a2 */
	TF2N(sqr)(&t0, &a->c0);
	TF2N(mul)(&s, &a->c1, &a->c2);
	TW_MUL_XI(&s, &s);
	TF2N(sub)(&t0, &t0, &s);
	TF2N(sqr)(&t1, &a->c2);
	TW_MUL_XI(&t1, &t1);
	TF2N(mul)(&s, &a->c0, &a->c1);
	TF2N(sub)(&t1, &t1, &s);
	TF2N(sqr)(&t2, &a->c1);
	TF2N(mul)(&s, &a->c0, &a->c2);
	TF2N(sub)(&t2, &t2, &s);
	/* d = a0 t0 + xi (a2 t1 + a1 t2) */
	TF2N(mul)(&d, &a->c2, &t1);
	TF2N(mul)(&s, &a->c1, &t2);
	TF2N(add)(&d, &d, &s);
	TW_MUL_XI(&d, &d);
	TF2N(mul)(&s, &a->c0, &t0);
	TF2N(add)(&d, &d, &s);
	TF2N(inv)(&d, &d);
	TF2N(mul)(&r->c0, &t0, &d);
	TF2N(mul)(&r->c1, &t1, &d);
	TF2N(mul)(&r->c2, &t2, &d);
}

/* ---- Fq12 ---- */

ZKM_INLINE void TWN(fq12_one)(T12 *r)
{
	TWN(fq6_one)(&r->c0);
	TWN(fq6_zero)(&r->c1);
}

ZKM_INLINE int TWN(fq12_is_one)(const T12 *a)
{
	T12 one;

	TWN(fq12_one)(&one);
	return TWN(fq6_eq)(&a->c0, &one.c0) && TWN(fq6_eq)(&a->c1, &one.c1);
}

/* conjugation, the inverse in the cyclotomic subgroup */
ZKM_INLINE void TWN(fq12_conj)(T12 *r, const T12 *a)
{
	r->c0 = a->c0;
	TWN(fq6_neg)(&r->c1, &a->c1);
}

/* Karatsuba: 3 Fq6 multiplications */
static inline void TWN(fq12_mul)(T12 *r, const T12 *a, const T12 *b)
{
	T6 t0, t1, s, u;

	TWN(fq6_mul)(&t0, &a->c0, &b->c0);
	TWN(fq6_mul)(&t1, &a->c1, &b->c1);
	TWN(fq6_add)(&s, &a->c0, &a->c1);
	TWN(fq6_add)(&u, &b->c0, &b->c1);
	TWN(fq6_mul)(&s, &s, &u);
	TWN(fq6_sub)(&s, &s, &t0);
	TWN(fq6_sub)(&r->c1, &s, &t1);
	TWN(fq6_mul_by_v)(&t1, &t1);
	TWN(fq6_add)(&r->c0, &t0, &t1);
}

/* (a0 + a1 w)^2 = (a0 + a1)(a0 + v a1) - t - v t + 2 t w, t = a0 a1 */
static inline void TWN(fq12_sqr)(T12 *r, const T12 *a)
{
	T6 t, s, u;

	TWN(fq6_mul)(&t, &a->c0, &a->c1);
	TWN(fq6_add)(&s, &a->c0, &a->c1);
	TWN(fq6_mul_by_v)(&u, &a->c1);
	TWN(fq6_add)(&u, &u, &a->c0);
	TWN(fq6_mul)(&s, &s, &u);
	TWN(fq6_sub)(&s, &s, &t);
	TWN(fq6_mul_by_v)(&u, &t);
	TWN(fq6_sub)(&r->c0, &s, &u);
	TWN(fq6_add)(&r->c1, &t, &t);
}

/* 1/(a0 + a1 w) = (a0 - a1 w) / (a0^2 - v a1^2) */
static inline void TWN(fq12_inv)(T12 *r, const T12 *a)
{
	T6 t0, t1;

	TWN(fq6_sqr)(&t0, &a->c0);
	TWN(fq6_sqr)(&t1, &a->c1);
	TWN(fq6_mul_by_v)(&t1, &t1);
	TWN(fq6_sub)(&t0, &t0, &t1);
	TWN(fq6_inv)(&t0, &t0);
	TWN(fq6_mul)(&r->c0, &a->c0, &t0);
	TWN(fq6_mul)(&t1, &a->c1, &t0);
	TWN(fq6_neg)(&r->c1, &t1);
}

/*
 * a * (b0 + b1 v + b4 v w): the line of an M-type twist (BLS12-381), the
 * Fq12 element ((b0, b1, 0), (0, b4, 0)).
 */
static inline void TWN(fq12_mul_by_014)(T12 *r, const T12 *a, const T2 *b0,
					  const T2 *b1, const T2 *b4)
{
	T6 t0, t1, s;
	T2 x, y, z;

	/* t0 = a0 * (b0 + b1 v) */
	TF2N(mul)(&x, &a->c0.c0, b0);
	TF2N(mul)(&y, &a->c0.c1, b1);
	{
		T2 p, q;

		/* c0 = x + xi (a02 b1), c1 = (a00 + a01)(b0 + b1) - x - y, c2 = a02 b0 + y */
		TF2N(mul)(&p, &a->c0.c2, b1);
		TW_MUL_XI(&p, &p);
		TF2N(add)(&t0.c0, &x, &p);
		TF2N(add)(&p, &a->c0.c0, &a->c0.c1);
		TF2N(add)(&q, b0, b1);
		TF2N(mul)(&p, &p, &q);
		TF2N(sub)(&p, &p, &x);
		TF2N(sub)(&t0.c1, &p, &y);
		TF2N(mul)(&p, &a->c0.c2, b0);
		TF2N(add)(&t0.c2, &p, &y);
	}
	/* t1 = a1 * (b4 v) = (xi a12 b4, a10 b4, a11 b4) */
	TF2N(mul)(&z, &a->c1.c2, b4);
	TW_MUL_XI(&t1.c0, &z);
	TF2N(mul)(&t1.c1, &a->c1.c0, b4);
	TF2N(mul)(&t1.c2, &a->c1.c1, b4);
	/* r1 = (a0 + a1)(b0 + (b1 + b4) v) - t0 - t1 */
	TWN(fq6_add)(&s, &a->c0, &a->c1);
	{
		T2 c1 = *b1, p, q, m0, m1;

		TF2N(add)(&c1, &c1, b4);
		/* s * (b0 + c1 v) */
		TF2N(mul)(&m0, &s.c0, b0);
		TF2N(mul)(&m1, &s.c1, &c1);
		TF2N(mul)(&p, &s.c2, &c1);
		TW_MUL_XI(&p, &p);
		TF2N(add)(&x, &m0, &p);
		TF2N(add)(&p, &s.c0, &s.c1);
		TF2N(add)(&q, b0, &c1);
		TF2N(mul)(&p, &p, &q);
		TF2N(sub)(&p, &p, &m0);
		TF2N(sub)(&y, &p, &m1);
		TF2N(mul)(&p, &s.c2, b0);
		TF2N(add)(&z, &p, &m1);
		s.c0 = x;
		s.c1 = y;
		s.c2 = z;
	}
	TWN(fq6_sub)(&s, &s, &t0);
	TWN(fq6_sub)(&r->c1, &s, &t1);
	TWN(fq6_mul_by_v)(&t1, &t1);
	TWN(fq6_add)(&r->c0, &t0, &t1);
}

/*
 * a * (b0 + (b3 + b4 v) w): the line of a D-type twist (BN254), the Fq12
 * element ((b0, 0, 0), (b3, b4, 0)).
 */
static inline void TWN(fq12_mul_by_034)(T12 *r, const T12 *a, const T2 *b0,
					  const T2 *b3, const T2 *b4)
{
	T6 t0, t1, s;
	T2 x, y, p, q, c0;

	/* t0 = a0 * b0 */
	TF2N(mul)(&t0.c0, &a->c0.c0, b0);
	TF2N(mul)(&t0.c1, &a->c0.c1, b0);
	TF2N(mul)(&t0.c2, &a->c0.c2, b0);
	/* t1 = a1 * (b3 + b4 v): x = a10 b3, y = a11 b4 */
	TF2N(mul)(&x, &a->c1.c0, b3);
	TF2N(mul)(&y, &a->c1.c1, b4);
	TF2N(mul)(&p, &a->c1.c2, b4);
	TW_MUL_XI(&p, &p);
	TF2N(add)(&t1.c0, &x, &p);
	TF2N(add)(&p, &a->c1.c0, &a->c1.c1);
	TF2N(add)(&q, b3, b4);
	TF2N(mul)(&p, &p, &q);
	TF2N(sub)(&p, &p, &x);
	TF2N(sub)(&t1.c1, &p, &y);
	TF2N(mul)(&p, &a->c1.c2, b3);
	TF2N(add)(&t1.c2, &p, &y);
	/* r1 = (a0 + a1)((b0 + b3) + b4 v) - t0 - t1 */
	TWN(fq6_add)(&s, &a->c0, &a->c1);
	TF2N(add)(&c0, b0, b3);
	TF2N(mul)(&x, &s.c0, &c0);
	TF2N(mul)(&y, &s.c1, b4);
	{
		T2 n0, n1, n2;

		TF2N(mul)(&p, &s.c2, b4);
		TW_MUL_XI(&p, &p);
		TF2N(add)(&n0, &x, &p);
		TF2N(add)(&p, &s.c0, &s.c1);
		TF2N(add)(&q, &c0, b4);
		TF2N(mul)(&p, &p, &q);
		TF2N(sub)(&p, &p, &x);
		TF2N(sub)(&n1, &p, &y);
		TF2N(mul)(&p, &s.c2, &c0);
		TF2N(add)(&n2, &p, &y);
		s.c0 = n0;
		s.c1 = n1;
		s.c2 = n2;
	}
	TWN(fq6_sub)(&s, &s, &t0);
	TWN(fq6_sub)(&r->c1, &s, &t1);
	TWN(fq6_mul_by_v)(&t1, &t1);
	TWN(fq6_add)(&r->c0, &t0, &t1);
}

/*
 * r = a^(q^j): g_k -> g_k^(q^j) gamma_j^k (see the top), where g^(q^j) is
 * conj(g) for odd j and g for even j; @gk holds gamma_j^1..5.
 */
static inline void TWN(fq12_frob)(T12 *r, const T12 *a, const T2 *gk, int odd)
{
	T2 *g[6] = { &r->c0.c0, &r->c1.c0, &r->c0.c1, &r->c1.c1, &r->c0.c2, &r->c1.c2 };

	*r = *a;
	if (odd)
		TWN(fq2_conj)(g[0], g[0]);
	for (int k = 1; k < 6; k++) {
		if (odd)
			TWN(fq2_conj)(g[k], g[k]);
		TF2N(mul)(g[k], g[k], &gk[k - 1]);
	}
}

/*
 * Granger-Scott squaring in the cyclotomic subgroup (the values after the
 * easy part of the final exponentiation): Fq12 as Fq4^3 with Fq4 =
 * Fq2[y]/(y^2 - xi), y = w^3, the pairs (g0, g3), (g1, g4), (g2, g5);
 * three Fq4 squarings instead of a full Fq12 squaring.
 */
ZKM_INLINE void TWN(fq4_sqr)(T2 *r0, T2 *r1, const T2 *a0, const T2 *a1)
{
	T2 t, u, m;

	/* (a0 + a1 y)^2 = (a0 + a1)(a0 + xi a1) - m - xi m + 2 m y, m = a0 a1 */
	TF2N(mul)(&m, a0, a1);
	TF2N(add)(&t, a0, a1);
	TW_MUL_XI(&u, a1);
	TF2N(add)(&u, &u, a0);
	TF2N(mul)(&t, &t, &u);
	TF2N(sub)(&t, &t, &m);
	TW_MUL_XI(&u, &m);
	TF2N(sub)(r0, &t, &u);
	TF2N(dbl)(r1, &m);
}

/* r = 3 t - 2 z (sub) or 3 t + 2 z */
ZKM_INLINE void TWN(fq2_3t_2z)(T2 *z, const T2 *t, int sub)
{
	T2 s;

	if (sub)
		TF2N(sub)(&s, t, z);
	else
		TF2N(add)(&s, t, z);
	TF2N(dbl)(&s, &s);
	TF2N(add)(z, &s, t);
}

static inline void TWN(fq12_cyc_sqr)(T12 *r, const T12 *a)
{
	T2 t0, t1, t2, t3, t4, t5, x;

	*r = *a;
	TWN(fq4_sqr)(&t0, &t1, &a->c0.c0, &a->c1.c1);	/* (g0, g3) */
	TWN(fq4_sqr)(&t2, &t3, &a->c1.c0, &a->c0.c2);	/* (g1, g4) */
	TWN(fq4_sqr)(&t4, &t5, &a->c0.c1, &a->c1.c2);	/* (g2, g5) */
	TWN(fq2_3t_2z)(&r->c0.c0, &t0, 1);
	TWN(fq2_3t_2z)(&r->c1.c1, &t1, 0);
	TW_MUL_XI(&x, &t5);
	TWN(fq2_3t_2z)(&r->c1.c0, &x, 0);
	TWN(fq2_3t_2z)(&r->c0.c2, &t4, 1);
	TWN(fq2_3t_2z)(&r->c0.c1, &t2, 1);
	TWN(fq2_3t_2z)(&r->c1.c2, &t3, 0);
}

#undef T6
#undef T12
#undef T1
#undef T2
#undef TWN
#undef TFN
#undef TF2N
