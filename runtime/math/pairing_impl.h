/* SPDX-License-Identifier: MIT */
/*
 * The optimal ate pairing, a template over one pairing-friendly curve. The
 * includer defines
 *   PC        the tower prefix (bn254, bls12_381: PC_fq12_t, see fp12.h),
 *   PF, PF2   the base field and Fq2 prefixes,
 *   PG1, PG2  the curve prefixes (ec_impl.h),
 *   PC_BN     1 for a BN curve (loop 6x + 2, D-type twist, two Frobenius
 *             lines), 0 for BLS12 (loop |x|, M-type twist, conjugation for
 *             a negative x),
 *   PC_X      |x| of the curve family, PC_X_NEG whether x < 0,
 *   PC_TWIST_B  the twist's b as two rows of limbs (consts.h).
 *
 * Miller loop: Q in homogeneous projective coordinates, lines evaluated at
 * the affine P with the formulas of Costello, Lange and Naehrig ("Faster
 * pairing computations on curves with high-degree twists", PKC 2010) as
 * arkworks writes them; each line is a sparse Fq12 element (mul_by_034 for
 * a D-type twist, mul_by_014 for M-type). All pairs share one f, so a
 * multi-pairing pays one squaring per step and one final exponentiation.
 *
 * Final exponentiation to (q^12 - 1)/r exactly: the easy part
 * (q^6 - 1)(q^2 + 1), then the hard part (q^4 - q^2 + 1)/r written in x:
 *   BN:  l0 + l1 q + l2 q^2 + l3 q^3 with l3 = 1, l2 = 6x^2 + 1,
 *        l1 = -36x^3 - 18x^2 - 12x + 1, l0 = -36x^3 - 30x^2 - 18x - 2;
 *   BLS12: (x - 1)^2/3 (x + q)(x^2 + q^2 - 1) + 1;
 * with cyclotomic squarings and Frobenius maps (both identities checked
 * over the integers when this was written; tests compare with noble).
 */

#define PCN(x) ZKM_CAT(PC, _##x)
#define PFN(x) ZKM_CAT(PF, _##x)
#define PF2N(x) ZKM_CAT(PF2, _##x)
#define PG1N(x) ZKM_CAT(PG1, _##x)
#define PG2N(x) ZKM_CAT(PG2, _##x)
#define F1 PFN(t)
#define F2 PF2N(t)
#define F12 PCN(fq12_t)

struct PCN(pairing_consts) {
	F2 gk[5];		/* gamma^k, gamma = xi^((q-1)/6), k = 1..5 */
	F2 gk2[5], gk3[5];	/* the same for q^2 and q^3 */
	F1 two_inv;
	F2 b;			/* the twist's b */
	int8_t loop[72];	/* the Miller loop's digits, little-endian */
	int nloop;
	unsigned __int128 e3;	/* BLS12: (|x| + 1)^2 / 3 */
};

static struct PCN(pairing_consts) PCN(pc);
static pthread_once_t PCN(pc_once) = PTHREAD_ONCE_INIT;

static void PCN(pairing_init)(void)
{
	struct PCN(pairing_consts) *c = &PCN(pc);
	uint64_t e[PFN(limbs)];
	unsigned __int128 rem = 0;
	F2 g, n;
	F1 two;

	/* e = (q - 1) / 6, q = 1 mod 6 */
	for (int i = PFN(limbs) - 1; i >= 0; i--) {
		unsigned __int128 cur = (rem << 64) | (i ? ZKM_CAT(PF, _P)[i] : ZKM_CAT(PF, _P)[0] - 1);

		e[i] = (uint64_t)(cur / 6);
		rem = cur % 6;
	}
	/* xi = 9 + u or 1 + u: xi * 1 */
	PF2N(one)(&g);
	ZKM_CAT(PF2, _mul_xi)(&g, &g);
	PCN(fq2_pow)(&g, &g, e, PFN(limbs));
	c->gk[0] = g;
	for (int k = 1; k < 5; k++)
		PF2N(mul)(&c->gk[k], &c->gk[k - 1], &g);
	/*
	 * q^2: xi^((q^2-1)/6) = gamma^(q+1) = gamma conj(gamma), in Fq;
	 * q^3: gamma^(q^2+q+1) = gamma * norm(gamma). The Fq12 map for q^j
	 * conjugates the coefficients when j is odd.
	 */
	PCN(fq2_conj)(&n, &g);
	PF2N(mul)(&n, &n, &g);
	c->gk2[0] = n;
	PF2N(mul)(&c->gk3[0], &g, &n);
	for (int k = 1; k < 5; k++) {
		PF2N(mul)(&c->gk2[k], &c->gk2[k - 1], &c->gk2[0]);
		PF2N(mul)(&c->gk3[k], &c->gk3[k - 1], &c->gk3[0]);
	}
	PFN(set_u64)(&two, 2);
	PFN(inv)(&c->two_inv, &two);
	memcpy(c->b.c0.v, PC_TWIST_B[0], sizeof(c->b.c0.v));
	memcpy(c->b.c1.v, PC_TWIST_B[1], sizeof(c->b.c1.v));
#if PC_BN
	{
		/* NAF of 6x + 2 */
		unsigned __int128 k = (unsigned __int128)PC_X * 6 + 2;

		c->nloop = 0;
		while (k) {
			int d = 0;

			if (k & 1) {
				d = 2 - (int)(k & 3);	/* 1 or -1 */
				if (d == 1)
					k -= 1;
				else
					k += 1;
			}
			c->loop[c->nloop++] = (int8_t)d;
			k >>= 1;
		}
	}
#else
	c->nloop = 0;
	for (uint64_t k = PC_X; k; k >>= 1)
		c->loop[c->nloop++] = (int8_t)(k & 1);
	c->e3 = ((unsigned __int128)PC_X + 1) * ((unsigned __int128)PC_X + 1) / 3;
#endif
}

ZKM_INLINE const struct PCN(pairing_consts) *PCN(consts)(void)
{
	pthread_once(&PCN(pc_once), PCN(pairing_init));
	return &PCN(pc);
}

/* ---- Miller loop ---- */

typedef struct { F2 X, Y, Z; } PCN(g2_proj_t);	/* (X/Z, Y/Z) */

/* f *= line(P): the line's three Fq2 coefficients as the formulas give them */
ZKM_INLINE void PCN(ell)(F12 *f, F2 *c0, F2 *c1, F2 *c2, const PG1N(aff_t) *p)
{
#if PC_BN
	/* D-type: c0 y_P + c1 x_P w + c2 v w */
	PCN(fq2_mul_fq)(c0, c0, &p->y);
	PCN(fq2_mul_fq)(c1, c1, &p->x);
	PCN(fq12_mul_by_034)(f, f, c0, c1, c2);
#else
	/* M-type: c0 + c1 x_P v + c2 y_P v w */
	PCN(fq2_mul_fq)(c2, c2, &p->y);
	PCN(fq2_mul_fq)(c1, c1, &p->x);
	PCN(fq12_mul_by_014)(f, f, c0, c1, c2);
#endif
}

/* R = 2R, f *= the tangent at R evaluated at P */
static inline void PCN(dbl_step)(F12 *f, PCN(g2_proj_t) *r, const PG1N(aff_t) *p,
				 const struct PCN(pairing_consts) *c)
{
	F2 a, b, cc, e, ff, g, h, i, j, e2, t;

	PF2N(mul)(&a, &r->X, &r->Y);
	PCN(fq2_mul_fq)(&a, &a, &c->two_inv);		/* XY/2 */
	PF2N(sqr)(&b, &r->Y);				/* Y^2 */
	PF2N(sqr)(&cc, &r->Z);				/* Z^2 */
	PF2N(dbl)(&t, &cc);
	PF2N(add)(&t, &t, &cc);
	PF2N(mul)(&e, &t, &c->b);			/* 3 b Z^2 */
	PF2N(dbl)(&ff, &e);
	PF2N(add)(&ff, &ff, &e);			/* 3E */
	PF2N(add)(&g, &b, &ff);
	PCN(fq2_mul_fq)(&g, &g, &c->two_inv);		/* (B + F)/2 */
	PF2N(add)(&h, &r->Y, &r->Z);
	PF2N(sqr)(&h, &h);
	PF2N(add)(&t, &b, &cc);
	PF2N(sub)(&h, &h, &t);				/* 2YZ */
	PF2N(sub)(&i, &e, &b);				/* E - B */
	PF2N(sqr)(&j, &r->X);				/* X^2 */
	PF2N(sqr)(&e2, &e);

	PF2N(sub)(&t, &b, &ff);
	PF2N(mul)(&r->X, &a, &t);
	PF2N(sqr)(&r->Y, &g);
	PF2N(dbl)(&t, &e2);
	PF2N(add)(&t, &t, &e2);
	PF2N(sub)(&r->Y, &r->Y, &t);
	PF2N(mul)(&r->Z, &b, &h);

	PF2N(dbl)(&t, &j);
	PF2N(add)(&j, &t, &j);				/* 3X^2 */
	PF2N(neg)(&h, &h);
#if PC_BN
	PCN(ell)(f, &h, &j, &i, p);
#else
	PCN(ell)(f, &i, &j, &h, p);
#endif
}

/* R = R + Q, f *= the line through R and Q evaluated at P */
static inline void PCN(add_step)(F12 *f, PCN(g2_proj_t) *r, const PG2N(aff_t) *q,
				 const PG1N(aff_t) *p)
{
	F2 theta, lambda, cc, d, e, ff, g, h, j, t;

	PF2N(mul)(&t, &q->y, &r->Z);
	PF2N(sub)(&theta, &r->Y, &t);
	PF2N(mul)(&t, &q->x, &r->Z);
	PF2N(sub)(&lambda, &r->X, &t);
	PF2N(sqr)(&cc, &theta);
	PF2N(sqr)(&d, &lambda);
	PF2N(mul)(&e, &lambda, &d);
	PF2N(mul)(&ff, &r->Z, &cc);
	PF2N(mul)(&g, &r->X, &d);
	PF2N(dbl)(&t, &g);
	PF2N(add)(&h, &e, &ff);
	PF2N(sub)(&h, &h, &t);
	PF2N(mul)(&r->X, &lambda, &h);
	PF2N(sub)(&t, &g, &h);
	PF2N(mul)(&t, &t, &theta);
	PF2N(mul)(&g, &e, &r->Y);
	PF2N(sub)(&r->Y, &t, &g);
	PF2N(mul)(&r->Z, &r->Z, &e);
	PF2N(mul)(&j, &theta, &q->x);
	PF2N(mul)(&t, &lambda, &q->y);
	PF2N(sub)(&j, &j, &t);
	PF2N(neg)(&theta, &theta);
#if PC_BN
	PCN(ell)(f, &lambda, &theta, &j, p);
#else
	PCN(ell)(f, &j, &theta, &lambda, p);
#endif
}

#if PC_BN
/* the untwist-Frobenius-twist endomorphism on G2: (conj(x) g^2, conj(y) g^3) */
ZKM_INLINE void PCN(g2_frob)(PG2N(aff_t) *r, const PG2N(aff_t) *q,
			     const struct PCN(pairing_consts) *c)
{
	PCN(fq2_conj)(&r->x, &q->x);
	PF2N(mul)(&r->x, &r->x, &c->gk[1]);
	PCN(fq2_conj)(&r->y, &q->y);
	PF2N(mul)(&r->y, &r->y, &c->gk[2]);
}
#endif

/*
 * f = prod over the n pairs of the Miller function, before the final
 * exponentiation. No point is infinity. @r: n projective points of scratch.
 */
static void PCN(miller_loop)(F12 *f, const PG1N(aff_t) *p, const PG2N(aff_t) *q,
			     size_t n, PCN(g2_proj_t) *r)
{
	const struct PCN(pairing_consts) *c = PCN(consts)();

	for (size_t k = 0; k < n; k++) {
		r[k].X = q[k].x;
		r[k].Y = q[k].y;
		PF2N(one)(&r[k].Z);
	}
	PCN(fq12_one)(f);
	for (int i = c->nloop - 2; i >= 0; i--) {
		if (i != c->nloop - 2)
			PCN(fq12_sqr)(f, f);
		for (size_t k = 0; k < n; k++)
			PCN(dbl_step)(f, &r[k], &p[k], c);
		if (!c->loop[i])
			continue;
		for (size_t k = 0; k < n; k++) {
			if (c->loop[i] > 0) {
				PCN(add_step)(f, &r[k], &q[k], &p[k]);
			} else {
				PG2N(aff_t) nq;

				PG2N(aff_neg)(&nq, &q[k]);
				PCN(add_step)(f, &r[k], &nq, &p[k]);
			}
		}
	}
#if PC_BN
	/* R = (6x + 2)Q; lines through R, Q1 = pi(Q) and R + Q1, -pi^2(Q) */
	for (size_t k = 0; k < n; k++) {
		PG2N(aff_t) q1, q2;

		PCN(g2_frob)(&q1, &q[k], c);
		PCN(g2_frob)(&q2, &q1, c);
		PG2N(aff_neg)(&q2, &q2);
		PCN(add_step)(f, &r[k], &q1, &p[k]);
		PCN(add_step)(f, &r[k], &q2, &p[k]);
	}
#endif
#if PC_X_NEG
	PCN(fq12_conj)(f, f);
#endif
}

/* ---- final exponentiation ---- */

/* r = a^e in the cyclotomic subgroup, e < 2^128 */
static void PCN(cyc_pow)(F12 *r, const F12 *a, unsigned __int128 e)
{
	F12 acc = *a;
	int top = 127;

	if (!e) {
		PCN(fq12_one)(r);
		return;
	}
	while (!((e >> top) & 1))
		top--;
	for (int i = top - 1; i >= 0; i--) {
		PCN(fq12_cyc_sqr)(&acc, &acc);
		if ((e >> i) & 1)
			PCN(fq12_mul)(&acc, &acc, a);
	}
	*r = acc;
}

static void PCN(final_exp)(F12 *r, const F12 *f)
{
	const struct PCN(pairing_consts) *c = PCN(consts)();
	F12 t, u;

	/* easy part: f^((q^6 - 1)(q^2 + 1)) */
	PCN(fq12_inv)(&u, f);
	PCN(fq12_conj)(&t, f);
	PCN(fq12_mul)(&t, &t, &u);
	PCN(fq12_frob)(&u, &t, c->gk2, 0);
	PCN(fq12_mul)(&t, &t, &u);
#if PC_BN
	{
		F12 a, b, cx, y0, y1, s;

		PCN(cyc_pow)(&a, &t, PC_X);	/* t^x */
		PCN(cyc_pow)(&b, &a, PC_X);	/* t^(x^2) */
		PCN(cyc_pow)(&cx, &b, PC_X);	/* t^(x^3) */
		/* y0 = t^l0 = 1 / (c^36 b^30 a^18 t^2) */
		PCN(cyc_pow)(&y0, &cx, 36);
		PCN(cyc_pow)(&s, &b, 30);
		PCN(fq12_mul)(&y0, &y0, &s);
		PCN(cyc_pow)(&s, &a, 18);
		PCN(fq12_mul)(&y0, &y0, &s);
		PCN(fq12_cyc_sqr)(&s, &t);
		PCN(fq12_mul)(&y0, &y0, &s);
		PCN(fq12_conj)(&y0, &y0);
		/* y1 = (t^l1)^q = (t / (c^36 b^18 a^12))^q */
		PCN(cyc_pow)(&y1, &cx, 36);
		PCN(cyc_pow)(&s, &b, 18);
		PCN(fq12_mul)(&y1, &y1, &s);
		PCN(cyc_pow)(&s, &a, 12);
		PCN(fq12_mul)(&y1, &y1, &s);
		PCN(fq12_conj)(&y1, &y1);
		PCN(fq12_mul)(&y1, &y1, &t);
		PCN(fq12_frob)(&y1, &y1, c->gk, 1);
		PCN(fq12_mul)(&y0, &y0, &y1);
		/* (t^l2)^(q^2) = (b^6 t)^(q^2) */
		PCN(cyc_pow)(&s, &b, 6);
		PCN(fq12_mul)(&s, &s, &t);
		PCN(fq12_frob)(&s, &s, c->gk2, 0);
		PCN(fq12_mul)(&y0, &y0, &s);
		/* t^(q^3) */
		PCN(fq12_frob)(&s, &t, c->gk3, 1);
		PCN(fq12_mul)(r, &y0, &s);
	}
#else
	{
		F12 t1, g, s;

		/* t1 = t^((x-1)^2/3), g = t1^(x + q) */
		PCN(cyc_pow)(&t1, &t, c->e3);
		PCN(cyc_pow)(&g, &t1, PC_X);
#if PC_X_NEG
		PCN(fq12_conj)(&g, &g);
#endif
		PCN(fq12_frob)(&s, &t1, c->gk, 1);
		PCN(fq12_mul)(&g, &g, &s);
		/* g^(x^2 + q^2 - 1) t */
		PCN(cyc_pow)(&s, &g, PC_X);
		PCN(cyc_pow)(&s, &s, PC_X);	/* x^2 = |x|^2 */
		PCN(fq12_frob)(&t1, &g, c->gk2, 0);
		PCN(fq12_mul)(&s, &s, &t1);
		PCN(fq12_conj)(&g, &g);
		PCN(fq12_mul)(&s, &s, &g);
		PCN(fq12_mul)(r, &s, &t);
	}
#endif
}

/* ---- byte-level entry points ---- */

/*
 * Load and check n pairs; pairs with a point at infinity are dropped.
 * Returns the number kept or ZKM_ERANGE.
 */
static long PCN(load_pairs)(PG1N(aff_t) *p, PG2N(aff_t) *q, const uint8_t *g1,
			    const uint8_t *g2, size_t n, int mont)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		PG1N(aff_t) a;
		PG2N(aff_t) b;

		if (PG1N(aff_load)(&a, g1 + i * PG1N(point_bytes), mont) ||
		    PG2N(aff_load)(&b, g2 + i * PG2N(point_bytes), mont))
			return ZKM_ERANGE;
#if !PC_BN
		/* BLS12-381's G1 has a cofactor */
		if (!PG1N(aff_is_inf)(&a) && !PG1N(aff_in_subgroup)(&a))
			return ZKM_ERANGE;
#endif
		if (!PG2N(aff_is_inf)(&b) && !PG2N(aff_in_subgroup)(&b))
			return ZKM_ERANGE;
		if (PG1N(aff_is_inf)(&a) || PG2N(aff_is_inf)(&b))
			continue;
		p[kept] = a;
		q[kept] = b;
		kept++;
	}
	return (long)kept;
}

/* prod e(g1[i], g2[i]) into @out (NULL: compare with 1); 1/0 or ZKM_E* */
static int PCN(pairing_bytes)(const uint8_t *g1, const uint8_t *g2, size_t n, int mont,
			      uint8_t *out)
{
	PG1N(aff_t) *p;
	PG2N(aff_t) *q;
	PCN(g2_proj_t) *r;
	F12 f;
	long kept;
	int ret;

	if (n > SIZE_MAX / (sizeof(*p) + sizeof(*q) + sizeof(*r)))
		return ZKM_EINVAL;
	p = malloc(n ? n * (sizeof(*p) + sizeof(*q) + sizeof(*r)) : 1);
	if (!p)
		return ZKM_ENOMEM;
	q = (PG2N(aff_t) *)(p + n);
	r = (PCN(g2_proj_t) *)(q + n);
	kept = PCN(load_pairs)(p, q, g1, g2, n, mont);
	if (kept < 0) {
		ret = (int)kept;
		goto out;
	}
	if (kept) {
		PCN(miller_loop)(&f, p, q, (size_t)kept, r);
		PCN(final_exp)(&f, &f);
	} else {
		PCN(fq12_one)(&f);
	}
	if (out) {
		const F2 *c[6] = { &f.c0.c0, &f.c0.c1, &f.c0.c2, &f.c1.c0, &f.c1.c1, &f.c1.c2 };

		for (int i = 0; i < 6; i++)
			PF2N(store)(out + i * PF2N(bytes), c[i], mont);
		ret = ZKM_OK;
	} else {
		ret = PCN(fq12_is_one)(&f);
	}
out:
	free(p);
	return ret;
}

#undef PCN
#undef PFN
#undef PF2N
#undef PG1N
#undef PG2N
#undef F1
#undef F2
#undef F12
