/* SPDX-License-Identifier: MIT */
/*
 * zkmath: the zkasic math core. Fields, curves, MSM, NTT and vector ops over
 * BN254, BLS12-381 and Goldilocks, on the CPU. It is the runtime's CPU backend
 * and the arithmetic inside the emulated device's engines, so both compute
 * exactly the same thing.
 *
 * This header is the byte-level interface: data are in the formats the device
 * uses (uapi/drm/zkasic_accel.h), so buffers pass through unchanged.
 *  - field elements: little-endian, zkm_field_bytes() each;
 *  - affine points: x then y, each little-endian in the base field's size
 *    (G2: x.c0, x.c1, y.c0, y.c1), the point at infinity all zero bytes;
 *  - MSM scalars: 32 bytes little-endian;
 *  - standard form unless a *_MONT flag asks for Montgomery form.
 * Ids and flag bits equal the uapi's, so device commands map onto calls 1:1.
 */
#ifndef ZKASIC_ZKMATH_H
#define ZKASIC_ZKMATH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum zkm_curve {
	ZKM_BN254_G1 = 1,
	ZKM_BN254_G2 = 2,
	ZKM_BLS12_381_G1 = 3,
	ZKM_BLS12_381_G2 = 4,
};

enum zkm_field {
	ZKM_BN254_FR = 1,
	ZKM_BLS12_381_FR = 2,
	ZKM_GOLDILOCKS = 3,
};

/* Return codes: 0 or a negative ZKM_E*. */
#define ZKM_OK		0
#define ZKM_EINVAL	(-1)	/* bad id, flag, size or pointer */
#define ZKM_ERANGE	(-2)	/* an input is not canonical (>= modulus) or not on the curve */
#define ZKM_ENOMEM	(-3)
#define ZKM_EABORTED	(-4)	/* zkm_exec.abort was raised */

/*
 * Execution options; NULL means one default: all online CPUs, no progress,
 * no abort. @progress (if set) is incremented as work proceeds so a watchdog
 * can tell a long computation from a hung one; @abort (if set) is polled and
 * a nonzero value makes the call return ZKM_EABORTED soon.
 */
struct zkm_exec {
	unsigned int threads;		/* 0: all online CPUs */
	volatile uint64_t *progress;	/* updated with __atomic_fetch_add */
	const volatile int *abort;
};

const char *zkm_strerror(int err);
size_t zkm_field_bytes(int field);	/* 0 for an unknown id */
size_t zkm_point_bytes(int curve);	/* affine point size, 0 if unknown */
size_t zkm_scalar_bytes(int curve);	/* 32, 0 if unknown */
unsigned int zkm_field_two_adicity(int field);

/* MSM: result = sum scalars[i] * bases[i], i < n. n = 0 gives infinity. */
#define ZKM_MSM_SCALARS_MONT	(1U << 0)
#define ZKM_MSM_POINTS_MONT	(1U << 1)	/* bases and result */
int zkm_msm(int curve, const void *bases, const void *scalars, size_t n,
	    unsigned int flags, void *result, const struct zkm_exec *ex);

/*
 * The sum of several MSMs on one curve, result = sum over parts of
 * sum scalars[i] * bases[i], i < n. Cheaper than separate MSMs whose
 * results are added: all parts share one set of buckets, so the bucket
 * reduction (a fixed cost per MSM) is paid once. At most ZKM_MSM_MAX_PARTS.
 */
struct zkm_msm_part {
	const void *bases;
	const void *scalars;
	size_t n;
};
#define ZKM_MSM_MAX_PARTS	16
int zkm_msm_sum(int curve, const struct zkm_msm_part *parts, unsigned int nparts,
		unsigned int flags, void *result, const struct zkm_exec *ex);

/*
 * ZKM_OK if @point (zkm_point_bytes(curve) bytes, in Montgomery form with
 * ZKM_MSM_POINTS_MONT) is on the curve or is infinity (all zero bytes);
 * ZKM_ERANGE if a coordinate is not below p or the point is off the curve.
 * No subgroup check: it is what zkm_msm demands of a base.
 */
int zkm_point_check(int curve, const void *point, unsigned int flags);

/*
 * Optimal ate pairings on BN254 and BLS12-381. @curve names the pair by
 * either of its ids (ZKM_BN254_G1/G2 or ZKM_BLS12_381_G1/G2); @g1 holds
 * affine G1 points, @g2 affine G2 points, in the device format (Montgomery
 * form with ZKM_PAIRING_MONT). Every point is checked: G1 on the curve (and,
 * on BLS12-381 whose G1 has a cofactor, in the order-r subgroup), G2 on the
 * twist and in the order-r subgroup; a point that fails is ZKM_ERANGE.
 * A pair with a point at infinity contributes 1.
 *
 * zkm_pairing_check: 1 if prod e(g1[i], g2[i]) over i < n is 1 (one shared
 * final exponentiation), 0 if not, a negative ZKM_E* on bad input.
 * zkm_pairing: e(g1, g2) into @out, zkm_gt_bytes(curve) bytes: the twelve
 * base-field coefficients of Fq12 = Fq6[w]/(w^2 - v), Fq6 = Fq2[v]/(v^3 - xi)
 * (xi = 9 + u on BN254, 1 + u on BLS12-381), Fq2 = Fq[u]/(u^2 + 1), in the
 * order c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1, same form as the input.
 * The final exponentiation raises to (q^12 - 1) / r exactly.
 */
#define ZKM_PAIRING_MONT	(1U << 1)	/* = ZKM_MSM_POINTS_MONT */
size_t zkm_gt_bytes(int curve);		/* 384, 576, 0 if unknown */
int zkm_pairing_check(int curve, const void *g1, const void *g2, size_t n,
		      unsigned int flags);
int zkm_pairing(int curve, const void *g1, const void *g2, unsigned int flags,
		void *out);

/*
 * NTT in place on @batch consecutive vectors of 2^log_n elements. Root
 * w_n = g^((p-1)/n), g the field's generator (5, 7, 7); COSET evaluates on
 * g*<w_n> (or shift*<w_n> if @shift is non-NULL; COSET_SHIFT is implied);
 * INVERSE includes 1/n. Natural order unless BITREV_IN / BITREV_OUT.
 */
#define ZKM_NTT_INVERSE		(1U << 0)
#define ZKM_NTT_COSET		(1U << 1)
#define ZKM_NTT_COSET_SHIFT	(1U << 2)
#define ZKM_NTT_BITREV_IN	(1U << 3)
#define ZKM_NTT_BITREV_OUT	(1U << 4)
#define ZKM_NTT_MONT		(1U << 5)	/* data (and shift) in Montgomery form */
int zkm_ntt(int field, void *data, unsigned int log_n, size_t batch,
	    unsigned int flags, const void *shift, const struct zkm_exec *ex);

/* Vector ops: out[i] = a[i] op b[i]; SCALE uses b[0]; out may alias a or b. */
enum zkm_vec_op {
	ZKM_VEC_ADD = 0,
	ZKM_VEC_SUB = 1,
	ZKM_VEC_MUL = 2,
	ZKM_VEC_SCALE = 3,
	ZKM_VEC_TO_MONT = 4,
	ZKM_VEC_FROM_MONT = 5,
};
#define ZKM_VEC_MONT		(1U << 0)	/* inputs and output in Montgomery form */
int zkm_vec(int field, int op, const void *a, const void *b, void *out,
	    size_t n, unsigned int flags, const struct zkm_exec *ex);

#ifdef __cplusplus
}
#endif

#endif /* ZKASIC_ZKMATH_H */
