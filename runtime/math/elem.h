/* SPDX-License-Identifier: MIT */
/*
 * zkmath, one element at a time: field operations on single elements and
 * the sum of an array of points, in the byte formats of zkmath.h. They are
 * what a caller with a handful of values needs (a prover's random scalars,
 * roots of unity, a few final point additions), where zkm_vec and zkm_msm
 * would cost a dispatch, a thread setup or bucket arrays per call.
 *
 * Internal to libzkasic (hidden: not in libzkasic.so.1's ABI). The runtime
 * and the tests use them; making them public would freeze their signatures,
 * which nothing outside the tree has asked for yet.
 *
 * Field operations: @field a zkm_field id; elements zkm_field_bytes(field)
 * bytes, standard form unless @flags has ZKM_VEC_MONT (then inputs and
 * output are in Montgomery form, like zkm_vec). @out may alias an input.
 * Return ZKM_OK, ZKM_EINVAL (bad id or flag), ZKM_ERANGE (an input not
 * below the modulus; @out is then untouched).
 */
#ifndef ZKM_ELEM_H
#define ZKM_ELEM_H

#include <stddef.h>
#include <stdint.h>

#include <zkasic/zkmath.h>

#define ZKM_HIDDEN __attribute__((visibility("hidden")))

ZKM_HIDDEN int zkm_fe_add(int field, void *out, const void *a, const void *b,
			  unsigned int flags);
ZKM_HIDDEN int zkm_fe_sub(int field, void *out, const void *a, const void *b,
			  unsigned int flags);
ZKM_HIDDEN int zkm_fe_mul(int field, void *out, const void *a, const void *b,
			  unsigned int flags);
/* out = a^e, @e a little-endian number of @e_bytes bytes (a multiple of 8). */
ZKM_HIDDEN int zkm_fe_pow(int field, void *out, const void *a, const void *e, size_t e_bytes,
			  unsigned int flags);
/* Standard form to Montgomery form and back (no flags). */
ZKM_HIDDEN int zkm_fe_to_mont(int field, void *out, const void *a);
ZKM_HIDDEN int zkm_fe_from_mont(int field, void *out, const void *a);
/* out = k, a small integer. */
ZKM_HIDDEN int zkm_fe_set_u64(int field, void *out, uint64_t k, unsigned int flags);

/*
 * A point's coordinates (zkm_point_bytes(curve) bytes, base field or its
 * quadratic extension) from Montgomery to standard form. Each coordinate
 * must be below p (ZKM_ERANGE if not); no curve check, so it also converts
 * what is not (yet) known to be a point. Infinity (all zero) stays zero.
 */
ZKM_HIDDEN int zkm_point_from_mont(int curve, void *out, const void *in);

/*
 * out = -p for an affine point in the device format (Montgomery form with
 * ZKM_MSM_POINTS_MONT); ZKM_ERANGE if it is not on the curve.
 */
ZKM_HIDDEN int zkm_point_neg(int curve, void *out, const void *in, unsigned int flags);

/*
 * out = the sum of @n affine points (packed, zkm_point_bytes(curve) each;
 * Montgomery form with ZKM_MSM_POINTS_MONT, for the points and @out). Each
 * point is checked on the curve (ZKM_ERANGE if not). n = 0 gives infinity.
 * One mixed addition per point and one inversion: the same result as an
 * MSM with all scalars 1, for much less work when n is small.
 */
ZKM_HIDDEN int zkm_points_sum(int curve, const void *points, size_t n, unsigned int flags,
			      void *out);

#endif /* ZKM_ELEM_H */
