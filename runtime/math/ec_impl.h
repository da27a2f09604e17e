/* SPDX-License-Identifier: MIT */
/*
 * Short Weierstrass curve y^2 = x^3 + b (a = 0) over a field EF: affine,
 * Jacobian and XYZZ coordinates, group law, on-curve and subgroup checks,
 * scalar multiplication and the device byte format. A template: the
 * includer defines
 *   EC       the curve prefix (bn254_g1, ...),
 *   EF       the coordinate field prefix (bn254_fq, bn254_fq2, ...),
 *   EC_B(b)  a statement setting EF_t *b to the coefficient b,
 *   EC_ORDER the subgroup order r as 4 limbs (the scalar field modulus),
 * and gets static inline functions EC_aff_*, EC_jac_*, EC_xyzz_*.
 *
 * Formulas are from the Explicit-Formulas Database (hyperelliptic.org/EFD,
 * g1p/auto-shortw-jacobian-0 and auto-shortw-xyzz-0); each handles the
 * exceptional cases (infinity, P == Q, P == -Q) explicitly.
 *
 * Affine points have no flag: (0, 0) stands for infinity, which is safe
 * because it is never on these curves (b != 0).
 */

#define ECN(x) ZKM_CAT(EC, _##x)
#define EFN(x) ZKM_CAT(EF, _##x)
#define FT EFN(t)

typedef struct { FT x, y; } ECN(aff_t);
typedef struct { FT X, Y, Z; } ECN(jac_t);		/* (X/Z^2, Y/Z^3) */
typedef struct { FT X, Y, ZZ, ZZZ; } ECN(xyzz_t);	/* (X/ZZ, Y/ZZZ), ZZ^3 = ZZZ^2 */

enum { ECN(point_bytes) = 2 * EFN(bytes) };

/* ---- affine ---- */

ZKM_INLINE int ECN(aff_is_inf)(const ECN(aff_t) *p)
{
	return EFN(is_zero)(&p->x) && EFN(is_zero)(&p->y);
}

ZKM_INLINE void ECN(aff_set_inf)(ECN(aff_t) *p)
{
	EFN(zero)(&p->x);
	EFN(zero)(&p->y);
}

ZKM_INLINE void ECN(aff_neg)(ECN(aff_t) *r, const ECN(aff_t) *p)
{
	r->x = p->x;
	EFN(neg)(&r->y, &p->y);
}

ZKM_INLINE int ECN(aff_eq)(const ECN(aff_t) *p, const ECN(aff_t) *q)
{
	return EFN(eq)(&p->x, &q->x) && EFN(eq)(&p->y, &q->y);
}

/* y^2 == x^3 + b; infinity counts as on the curve */
static inline int ECN(aff_is_on_curve)(const ECN(aff_t) *p)
{
	FT l, r, b;

	if (ECN(aff_is_inf)(p))
		return 1;
	EC_B(&b);
	EFN(sqr)(&l, &p->y);
	EFN(sqr)(&r, &p->x);
	EFN(mul)(&r, &r, &p->x);
	EFN(add)(&r, &r, &b);
	return EFN(eq)(&l, &r);
}

/*
 * Device format: x then y, little-endian, standard or Montgomery form; all
 * zero bytes is infinity. Returns ZKM_OK, or ZKM_ERANGE for a coordinate
 * >= p or a point not on the curve.
 */
static inline int ECN(aff_load)(ECN(aff_t) *p, const void *src, int mont)
{
	const uint8_t *b = (const uint8_t *)src;
	uint8_t any = 0;

	for (size_t i = 0; i < ECN(point_bytes); i++)
		any |= b[i];
	if (!any) {
		ECN(aff_set_inf)(p);
		return ZKM_OK;
	}
	if (!EFN(load)(&p->x, b, mont) || !EFN(load)(&p->y, b + EFN(bytes), mont))
		return ZKM_ERANGE;
	if (ECN(aff_is_inf)(p) || !ECN(aff_is_on_curve)(p))
		return ZKM_ERANGE;
	return ZKM_OK;
}

static inline void ECN(aff_store)(void *dst, const ECN(aff_t) *p, int mont)
{
	uint8_t *b = (uint8_t *)dst;

	if (ECN(aff_is_inf)(p)) {
		memset(b, 0, ECN(point_bytes));
		return;
	}
	EFN(store)(b, &p->x, mont);
	EFN(store)(b + EFN(bytes), &p->y, mont);
}

/* ---- Jacobian ---- */

ZKM_INLINE int ECN(jac_is_inf)(const ECN(jac_t) *p)
{
	return EFN(is_zero)(&p->Z);
}

ZKM_INLINE void ECN(jac_set_inf)(ECN(jac_t) *p)
{
	EFN(one)(&p->X);
	EFN(one)(&p->Y);
	EFN(zero)(&p->Z);
}

ZKM_INLINE void ECN(jac_from_aff)(ECN(jac_t) *r, const ECN(aff_t) *p)
{
	if (ECN(aff_is_inf)(p)) {
		ECN(jac_set_inf)(r);
		return;
	}
	r->X = p->x;
	r->Y = p->y;
	EFN(one)(&r->Z);
}

ZKM_INLINE void ECN(jac_neg)(ECN(jac_t) *r, const ECN(jac_t) *p)
{
	r->X = p->X;
	EFN(neg)(&r->Y, &p->Y);
	r->Z = p->Z;
}

/* dbl-2009-l */
static inline void ECN(jac_dbl)(ECN(jac_t) *r, const ECN(jac_t) *p)
{
	FT A, B, C, D, E, F, t;

	if (ECN(jac_is_inf)(p) || EFN(is_zero)(&p->Y)) {
		ECN(jac_set_inf)(r);
		return;
	}
	EFN(sqr)(&A, &p->X);
	EFN(sqr)(&B, &p->Y);
	EFN(sqr)(&C, &B);
	EFN(add)(&D, &p->X, &B);
	EFN(sqr)(&D, &D);
	EFN(sub)(&D, &D, &A);
	EFN(sub)(&D, &D, &C);
	EFN(dbl)(&D, &D);
	EFN(dbl)(&E, &A);
	EFN(add)(&E, &E, &A);
	EFN(sqr)(&F, &E);
	EFN(mul)(&t, &p->Y, &p->Z);
	EFN(dbl)(&r->Z, &t);
	EFN(sub)(&r->X, &F, &D);
	EFN(sub)(&r->X, &r->X, &D);
	EFN(sub)(&t, &D, &r->X);
	EFN(mul)(&t, &E, &t);
	EFN(dbl)(&C, &C);
	EFN(dbl)(&C, &C);
	EFN(dbl)(&C, &C);
	EFN(sub)(&r->Y, &t, &C);
}

/* add-2007-bl; r may alias p or q */
static inline void ECN(jac_add)(ECN(jac_t) *r, const ECN(jac_t) *p, const ECN(jac_t) *q)
{
	FT Z1Z1, Z2Z2, U1, U2, S1, S2, H, I, J, R, V, t;

	if (ECN(jac_is_inf)(p)) {
		*r = *q;
		return;
	}
	if (ECN(jac_is_inf)(q)) {
		*r = *p;
		return;
	}
	EFN(sqr)(&Z1Z1, &p->Z);
	EFN(sqr)(&Z2Z2, &q->Z);
	EFN(mul)(&U1, &p->X, &Z2Z2);
	EFN(mul)(&U2, &q->X, &Z1Z1);
	EFN(mul)(&S1, &p->Y, &q->Z);
	EFN(mul)(&S1, &S1, &Z2Z2);
	EFN(mul)(&S2, &q->Y, &p->Z);
	EFN(mul)(&S2, &S2, &Z1Z1);
	EFN(sub)(&H, &U2, &U1);
	EFN(sub)(&R, &S2, &S1);
	if (EFN(is_zero)(&H)) {
		if (EFN(is_zero)(&R))
			ECN(jac_dbl)(r, p);
		else
			ECN(jac_set_inf)(r);
		return;
	}
	EFN(dbl)(&I, &H);
	EFN(sqr)(&I, &I);
	EFN(mul)(&J, &H, &I);
	EFN(dbl)(&R, &R);
	EFN(mul)(&V, &U1, &I);
	EFN(add)(&t, &p->Z, &q->Z);
	EFN(sqr)(&t, &t);
	EFN(sub)(&t, &t, &Z1Z1);
	EFN(sub)(&t, &t, &Z2Z2);
	EFN(mul)(&r->Z, &t, &H);
	EFN(sqr)(&r->X, &R);
	EFN(sub)(&r->X, &r->X, &J);
	EFN(sub)(&r->X, &r->X, &V);
	EFN(sub)(&r->X, &r->X, &V);
	EFN(sub)(&t, &V, &r->X);
	EFN(mul)(&t, &t, &R);
	EFN(mul)(&S1, &S1, &J);
	EFN(dbl)(&S1, &S1);
	EFN(sub)(&r->Y, &t, &S1);
}

/* madd-2007-bl: r = p + q, q affine; r may alias p */
static inline void ECN(jac_madd)(ECN(jac_t) *r, const ECN(jac_t) *p, const ECN(aff_t) *q)
{
	FT Z1Z1, U2, S2, H, HH, I, J, R, V, t;

	if (ECN(aff_is_inf)(q)) {
		*r = *p;
		return;
	}
	if (ECN(jac_is_inf)(p)) {
		ECN(jac_from_aff)(r, q);
		return;
	}
	EFN(sqr)(&Z1Z1, &p->Z);
	EFN(mul)(&U2, &q->x, &Z1Z1);
	EFN(mul)(&S2, &q->y, &p->Z);
	EFN(mul)(&S2, &S2, &Z1Z1);
	EFN(sub)(&H, &U2, &p->X);
	EFN(sub)(&R, &S2, &p->Y);
	if (EFN(is_zero)(&H)) {
		if (EFN(is_zero)(&R))
			ECN(jac_dbl)(r, p);
		else
			ECN(jac_set_inf)(r);
		return;
	}
	EFN(sqr)(&HH, &H);
	EFN(dbl)(&I, &HH);
	EFN(dbl)(&I, &I);
	EFN(mul)(&J, &H, &I);
	EFN(dbl)(&R, &R);
	EFN(mul)(&V, &p->X, &I);
	EFN(add)(&t, &p->Z, &H);
	EFN(sqr)(&t, &t);
	EFN(sub)(&t, &t, &Z1Z1);
	EFN(sub)(&r->Z, &t, &HH);
	EFN(mul)(&t, &p->Y, &J);	/* before r->Y may overwrite p->Y */
	EFN(dbl)(&t, &t);
	EFN(sqr)(&r->X, &R);
	EFN(sub)(&r->X, &r->X, &J);
	EFN(sub)(&r->X, &r->X, &V);
	EFN(sub)(&r->X, &r->X, &V);
	EFN(sub)(&V, &V, &r->X);
	EFN(mul)(&V, &V, &R);
	EFN(sub)(&r->Y, &V, &t);
}

static inline void ECN(jac_to_aff)(ECN(aff_t) *r, const ECN(jac_t) *p)
{
	FT zi, zi2;

	if (ECN(jac_is_inf)(p)) {
		ECN(aff_set_inf)(r);
		return;
	}
	EFN(inv)(&zi, &p->Z);
	EFN(sqr)(&zi2, &zi);
	EFN(mul)(&r->x, &p->X, &zi2);
	EFN(mul)(&zi2, &zi2, &zi);
	EFN(mul)(&r->y, &p->Y, &zi2);
}

/* Same point, whatever the Z: X1 Z2^2 == X2 Z1^2 and Y1 Z2^3 == Y2 Z1^3 */
static inline int ECN(jac_eq)(const ECN(jac_t) *p, const ECN(jac_t) *q)
{
	FT z1, z2, a, b;

	if (ECN(jac_is_inf)(p) || ECN(jac_is_inf)(q))
		return ECN(jac_is_inf)(p) && ECN(jac_is_inf)(q);
	EFN(sqr)(&z1, &p->Z);
	EFN(sqr)(&z2, &q->Z);
	EFN(mul)(&a, &p->X, &z2);
	EFN(mul)(&b, &q->X, &z1);
	if (!EFN(eq)(&a, &b))
		return 0;
	EFN(mul)(&z1, &z1, &p->Z);
	EFN(mul)(&z2, &z2, &q->Z);
	EFN(mul)(&a, &p->Y, &z2);
	EFN(mul)(&b, &q->Y, &z1);
	return EFN(eq)(&a, &b);
}

/* r = k * p, k a little-endian integer of nk limbs (any size) */
static inline void ECN(jac_mul)(ECN(jac_t) *r, const ECN(jac_t) *p, const uint64_t *k, int nk)
{
	ECN(jac_t) acc, base = *p;

	ECN(jac_set_inf)(&acc);
	for (int i = nk * 64 - 1; i >= 0; i--) {
		ECN(jac_dbl)(&acc, &acc);
		if ((k[i / 64] >> (i % 64)) & 1)
			ECN(jac_add)(&acc, &acc, &base);
	}
	*r = acc;
}

/* In the prime-order subgroup: r * p == infinity */
static inline int ECN(aff_in_subgroup)(const ECN(aff_t) *p)
{
	ECN(jac_t) j;

	if (!ECN(aff_is_on_curve)(p))
		return 0;
	ECN(jac_from_aff)(&j, p);
	ECN(jac_mul)(&j, &j, EC_ORDER, 4);
	return ECN(jac_is_inf)(&j);
}

/* ---- XYZZ ---- */

ZKM_INLINE int ECN(xyzz_is_inf)(const ECN(xyzz_t) *p)
{
	return EFN(is_zero)(&p->ZZ);
}

ZKM_INLINE void ECN(xyzz_set_inf)(ECN(xyzz_t) *p)
{
	EFN(one)(&p->X);
	EFN(one)(&p->Y);
	EFN(zero)(&p->ZZ);
	EFN(zero)(&p->ZZZ);
}

ZKM_INLINE void ECN(xyzz_from_aff)(ECN(xyzz_t) *r, const ECN(aff_t) *p)
{
	if (ECN(aff_is_inf)(p)) {
		ECN(xyzz_set_inf)(r);
		return;
	}
	r->X = p->x;
	r->Y = p->y;
	EFN(one)(&r->ZZ);
	EFN(one)(&r->ZZZ);
}

/* dbl-2008-s-1 */
static inline void ECN(xyzz_dbl)(ECN(xyzz_t) *r, const ECN(xyzz_t) *p)
{
	FT U, V, W, S, M, t;

	if (ECN(xyzz_is_inf)(p) || EFN(is_zero)(&p->Y)) {
		ECN(xyzz_set_inf)(r);
		return;
	}
	EFN(dbl)(&U, &p->Y);
	EFN(sqr)(&V, &U);
	EFN(mul)(&W, &U, &V);
	EFN(mul)(&S, &p->X, &V);
	EFN(sqr)(&M, &p->X);
	EFN(dbl)(&t, &M);
	EFN(add)(&M, &M, &t);
	EFN(mul)(&r->ZZ, &V, &p->ZZ);
	EFN(mul)(&r->ZZZ, &W, &p->ZZZ);
	EFN(mul)(&W, &W, &p->Y);
	EFN(sqr)(&r->X, &M);
	EFN(sub)(&r->X, &r->X, &S);
	EFN(sub)(&r->X, &r->X, &S);
	EFN(sub)(&S, &S, &r->X);
	EFN(mul)(&S, &S, &M);
	EFN(sub)(&r->Y, &S, &W);
}

/* mdbl-2008-s-1: r = 2 q, q affine and not infinity, y != 0 */
static inline void ECN(xyzz_mdbl)(ECN(xyzz_t) *r, const ECN(aff_t) *q)
{
	FT U, V, W, S, M, t;

	if (ECN(aff_is_inf)(q) || EFN(is_zero)(&q->y)) {
		ECN(xyzz_set_inf)(r);
		return;
	}
	EFN(dbl)(&U, &q->y);
	EFN(sqr)(&V, &U);
	EFN(mul)(&W, &U, &V);
	EFN(mul)(&S, &q->x, &V);
	EFN(sqr)(&M, &q->x);
	EFN(dbl)(&t, &M);
	EFN(add)(&M, &M, &t);
	r->ZZ = V;
	r->ZZZ = W;
	EFN(mul)(&W, &W, &q->y);
	EFN(sqr)(&r->X, &M);
	EFN(sub)(&r->X, &r->X, &S);
	EFN(sub)(&r->X, &r->X, &S);
	EFN(sub)(&S, &S, &r->X);
	EFN(mul)(&S, &S, &M);
	EFN(sub)(&r->Y, &S, &W);
}

/* madd-2008-s: r = p + q, q affine; r may alias p */
static inline void ECN(xyzz_madd)(ECN(xyzz_t) *r, const ECN(xyzz_t) *p, const ECN(aff_t) *q)
{
	FT U2, S2, P, R, PP, PPP, Q, t;

	if (ECN(aff_is_inf)(q)) {
		*r = *p;
		return;
	}
	if (ECN(xyzz_is_inf)(p)) {
		ECN(xyzz_from_aff)(r, q);
		return;
	}
	EFN(mul)(&U2, &q->x, &p->ZZ);
	EFN(mul)(&S2, &q->y, &p->ZZZ);
	EFN(sub)(&P, &U2, &p->X);
	EFN(sub)(&R, &S2, &p->Y);
	if (EFN(is_zero)(&P)) {
		if (EFN(is_zero)(&R))
			ECN(xyzz_mdbl)(r, q);
		else
			ECN(xyzz_set_inf)(r);
		return;
	}
	EFN(sqr)(&PP, &P);
	EFN(mul)(&PPP, &P, &PP);
	EFN(mul)(&Q, &p->X, &PP);
	EFN(mul)(&r->ZZ, &p->ZZ, &PP);
	EFN(mul)(&r->ZZZ, &p->ZZZ, &PPP);
	EFN(mul)(&t, &p->Y, &PPP);
	EFN(sqr)(&r->X, &R);
	EFN(sub)(&r->X, &r->X, &PPP);
	EFN(sub)(&r->X, &r->X, &Q);
	EFN(sub)(&r->X, &r->X, &Q);
	EFN(sub)(&Q, &Q, &r->X);
	EFN(mul)(&Q, &Q, &R);
	EFN(sub)(&r->Y, &Q, &t);
}

/* r = p - q, q affine */
ZKM_INLINE void ECN(xyzz_msub)(ECN(xyzz_t) *r, const ECN(xyzz_t) *p, const ECN(aff_t) *q)
{
	ECN(aff_t) n;

	ECN(aff_neg)(&n, q);
	ECN(xyzz_madd)(r, p, &n);
}

/* add-2008-s: r = p + q; r may alias p or q */
static inline void ECN(xyzz_add)(ECN(xyzz_t) *r, const ECN(xyzz_t) *p, const ECN(xyzz_t) *q)
{
	FT U1, U2, S1, S2, P, R, PP, PPP, Q, t;

	if (ECN(xyzz_is_inf)(p)) {
		*r = *q;
		return;
	}
	if (ECN(xyzz_is_inf)(q)) {
		*r = *p;
		return;
	}
	EFN(mul)(&U1, &p->X, &q->ZZ);
	EFN(mul)(&U2, &q->X, &p->ZZ);
	EFN(mul)(&S1, &p->Y, &q->ZZZ);
	EFN(mul)(&S2, &q->Y, &p->ZZZ);
	EFN(sub)(&P, &U2, &U1);
	EFN(sub)(&R, &S2, &S1);
	if (EFN(is_zero)(&P)) {
		if (EFN(is_zero)(&R))
			ECN(xyzz_dbl)(r, p);
		else
			ECN(xyzz_set_inf)(r);
		return;
	}
	EFN(sqr)(&PP, &P);
	EFN(mul)(&PPP, &P, &PP);
	EFN(mul)(&Q, &U1, &PP);
	EFN(mul)(&t, &p->ZZ, &q->ZZ);
	EFN(mul)(&r->ZZ, &t, &PP);
	EFN(mul)(&t, &p->ZZZ, &q->ZZZ);
	EFN(mul)(&r->ZZZ, &t, &PPP);
	EFN(mul)(&S1, &S1, &PPP);
	EFN(sqr)(&r->X, &R);
	EFN(sub)(&r->X, &r->X, &PPP);
	EFN(sub)(&r->X, &r->X, &Q);
	EFN(sub)(&r->X, &r->X, &Q);
	EFN(sub)(&Q, &Q, &r->X);
	EFN(mul)(&Q, &Q, &R);
	EFN(sub)(&r->Y, &Q, &S1);
}

static inline void ECN(xyzz_to_aff)(ECN(aff_t) *r, const ECN(xyzz_t) *p)
{
	FT t, izz, izzz;

	if (ECN(xyzz_is_inf)(p)) {
		ECN(aff_set_inf)(r);
		return;
	}
	/* one inversion gives both: 1/ZZ = ZZZ/(ZZ ZZZ), 1/ZZZ = ZZ/(ZZ ZZZ) */
	EFN(mul)(&t, &p->ZZ, &p->ZZZ);
	EFN(inv)(&t, &t);		/* 1/(ZZ ZZZ) */
	EFN(mul)(&izz, &t, &p->ZZZ);
	EFN(mul)(&izzz, &t, &p->ZZ);
	EFN(mul)(&r->x, &p->X, &izz);
	EFN(mul)(&r->y, &p->Y, &izzz);
}

ZKM_INLINE void ECN(xyzz_to_jac)(ECN(jac_t) *r, const ECN(xyzz_t) *p)
{
	FT t;

	if (ECN(xyzz_is_inf)(p)) {
		ECN(jac_set_inf)(r);
		return;
	}
	/* With Z := ZZZ (as a Jacobian Z): Z^2 = ZZZ^2 = ZZ^3, Z^3 = ZZZ^3.
	 * x = X/ZZ = (X ZZ^2)/ZZ^3 -> X_j = X ZZ^2; y = Y/ZZZ = (Y ZZZ^2)/ZZZ^3. */
	EFN(sqr)(&t, &p->ZZ);
	EFN(mul)(&r->X, &p->X, &t);
	EFN(sqr)(&t, &p->ZZZ);
	EFN(mul)(&r->Y, &p->Y, &t);
	r->Z = p->ZZZ;
}

#undef ECN
#undef EFN
#undef FT
