// SPDX-License-Identifier: MIT
/*
 * The Groth16 prover. It computes what snarkjs's groth16_prove.js computes:
 *
 *   A, B on the domain   A[c] = sum of coef * w[s] over the key's A (B)
 *                        coefficients of constraint c; C = A * B
 *   H scalars            P = A' * B' - C', where X' is X interpolated on
 *                        the domain <w_n> and evaluated on the coset
 *                        w_2n * <w_n> (the key's H bases are for that coset)
 *   pi_a = alpha1 + MSM(A bases, w) + r * delta1
 *   pi_b = beta2 + MSM(B2 bases, w) + s * delta2               (G2)
 *   pi_c = MSM(C bases, private w) + MSM(H bases, P)
 *          + s * pi_a + r * (beta1 + MSM(B1 bases, w) + s * delta1)
 *          - r * s * delta1
 *
 *        = MSM(C bases, private w) + MSM(H bases, P) + MSM(B1 bases, r * w)
 *          + s * pi_a + r * beta1
 *
 * The two NTTs (a batch of three vectors each) and the big MSMs run on the
 * caller's zk_ctx. On devices they are queued asynchronously so they
 * overlap. On the CPU the three MSMs of pi_c run as one (the second form),
 * which pays one bucket reduction instead of three. Building A, B, C from
 * the sparse coefficients and the few final point additions stay on the
 * host, in the math core.
 *
 * Roots of unity: snarkjs derives its domain from the smallest quadratic
 * non-residue, 5, on both curves; the device and the math core use the
 * field's multiplicative generator (5 for BN254 Fr, 7 for BLS12-381 Fr). On
 * BLS12-381 the two n-th roots differ, w5 = w7^j for an odd j, so the value
 * at snarkjs's point i sits at the device's index j * i mod n; the prover
 * permutes A, B, C into the device's order and P back into snarkjs's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <zkasic/groth16.h>
#include <zkasic/zkmath.h>

#include "elem.h"
#include "ids.h"
#include "internal.h"
#include "snarkjs_files.h"

#define FR_BYTES	ZK_FR_BYTES
#define FR_LIMBS	(FR_BYTES / 8)

/*
 * A few elements at a time: the math core's per-element operations (elem.h),
 * standard form. The arguments are valid elements (below r), so they
 * cannot fail.
 */
static const struct zkm_exec one_thread = { .threads = 1 };

static void fr_mul(int fr, uint8_t *out, const uint8_t *a, const uint8_t *b)
{
	zkm_fe_mul(fr, out, a, b, 0);
}

static int fr_is_one(const uint8_t *a)
{
	static const uint8_t one[FR_BYTES] = { 1 };

	return !memcmp(a, one, FR_BYTES);
}

/* g^((r - 1) / 2^k): a primitive 2^k-th root of unity from generator g. */
static void fr_root(int fr, const uint8_t *r, uint64_t g, unsigned int k, uint8_t *out)
{
	uint64_t e[FR_LIMBS], base_u[FR_LIMBS] = { g };
	unsigned int i;

	memcpy(e, r, FR_BYTES);
	e[0] -= 1;		/* r is odd: no borrow */
	for (i = 0; i < k; i++) {	/* r - 1 has 2^k as a factor */
		e[0] = e[0] >> 1 | e[1] << 63;
		e[1] = e[1] >> 1 | e[2] << 63;
		e[2] = e[2] >> 1 | e[3] << 63;
		e[3] >>= 1;
	}
	zkm_fe_pow(fr, out, base_u, e, FR_BYTES, 0);
}

/*
 * The odd j < 2^k with dev^j = want, both primitive 2^k-th roots: j's bits
 * one at a time (Pohlig-Hellman in a group of order 2^k).
 */
static int fr_root_index(int fr, const uint8_t *dev, const uint8_t *want,
			 unsigned int k, uint64_t *j)
{
	uint8_t inv_pow[FR_BYTES], cur[FR_BYTES], t[FR_BYTES];
	uint64_t e[FR_LIMBS] = { 0 };
	unsigned int b, i;

	/* dev^-1 = dev^(2^k - 1) */
	e[0] = (k < 64 ? 1ULL << k : 0) - 1;
	zkm_fe_pow(fr, inv_pow, dev, e, FR_BYTES, 0);
	memcpy(cur, want, FR_BYTES);	/* want * dev^-j so far */
	*j = 0;
	for (b = 0; b < k; b++) {
		memcpy(t, cur, FR_BYTES);
		for (i = b + 1; i < k; i++)
			fr_mul(fr, t, t, t);
		if (!fr_is_one(t)) {
			*j |= 1ULL << b;
			fr_mul(fr, cur, cur, inv_pow);
		}
		fr_mul(fr, inv_pow, inv_pow, inv_pow);	/* dev^-(2^(b+1)) */
	}
	if (!fr_is_one(cur))
		return zk_fail(-EIO, "Groth16: no index for the snarkjs root of unity");
	return 0;
}

/* A uniformly random scalar below r. */
static int fr_random(const uint8_t *r, uint8_t *out)
{
	int top = FR_BYTES - 1, i;
	uint8_t mask;

	while (!r[top])
		top--;
	mask = (uint8_t)((1u << (32 - __builtin_clz(r[top]))) - 1);
	for (;;) {
		if (getrandom(out, FR_BYTES, 0) != FR_BYTES)
			return zk_fail(-errno, "getrandom: %s", strerror(errno));
		out[top] &= mask;
		memset(out + top + 1, 0, FR_BYTES - top - 1);
		for (i = FR_BYTES - 1; i >= 0 && out[i] == r[i]; i--)
			;
		if (i >= 0 && out[i] < r[i])
			return 0;
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The H side: A, B, C on the domain, the NTTs and P, the H MSM's scalars. */
struct h_job {
	struct zk_ctx *ctx;
	const struct zk_zkey *z;
	const struct zk_wtns *w;
	uint64_t perm;			/* j: snarkjs point i is device index j*i */
	uint8_t shift[FR_BYTES];	/* w_2n in snarkjs's family of roots */
	uint8_t *p;			/* out: P, n scalars in standard form */
	double abc_ms, h_ms;
	int ret;
};

/* dst[(j * i) mod n] = src[i] (to device order) or the reverse. */
static void permute(uint8_t *dst, const uint8_t *src, size_t n, uint64_t j, int to_device)
{
	uint64_t idx = 0, i;

	for (i = 0; i < n; i++, idx = (idx + j) & (n - 1)) {
		if (to_device)
			memcpy(dst + idx * FR_BYTES, src + i * FR_BYTES, FR_BYTES);
		else
			memcpy(dst + i * FR_BYTES, src + idx * FR_BYTES, FR_BYTES);
	}
}

static int build_abc(struct h_job *job, uint8_t *abc)
{
	const struct zk_zkey *z = job->z;
	size_t n = z->domain_size, sc = 12 + FR_BYTES, i;
	uint8_t *vals, *ws;
	int ret;

	vals = malloc((size_t)z->n_coefs * FR_BYTES + 1);
	ws = malloc((size_t)z->n_coefs * FR_BYTES + 1);
	if (!vals || !ws) {
		ret = zk_fail(-ENOMEM, "Groth16: %u coefficients", z->n_coefs);
		goto out;
	}
	for (i = 0; i < z->n_coefs; i++) {
		const uint8_t *c = z->coefs + i * sc;
		uint32_t s;

		memcpy(&s, c + 8, 4);
		memcpy(vals + i * FR_BYTES, c + 12, FR_BYTES);
		memcpy(ws + i * FR_BYTES, job->w->values + (size_t)s * FR_BYTES, FR_BYTES);
	}
	/*
	 * The key stores coef * R^2 (snarkjs's zkey_new.js), so a Montgomery
	 * product with the standard-form witness is coef * w in Montgomery form.
	 */
	ret = zk_fail_math(zkm_vec(z->fr, ZKM_VEC_MUL, vals, ws, vals, z->n_coefs,
				   ZKM_VEC_MONT, NULL),
			   "Groth16: a coefficient or witness value is not below r");
	if (ret)
		goto out;
	memset(abc, 0, 3 * n * FR_BYTES);
	for (i = 0; i < z->n_coefs; i++) {
		const uint8_t *c = z->coefs + i * sc;
		uint32_t m, con;
		uint8_t *acc;

		memcpy(&m, c, 4);
		memcpy(&con, c + 4, 4);
		/* addition is the same in either form; both are below r */
		acc = abc + ((size_t)m * n + con) * FR_BYTES;
		zkm_fe_add(z->fr, acc, acc, vals + i * FR_BYTES, ZKM_VEC_MONT);
	}
	ret = zk_fail_math(zkm_vec(z->fr, ZKM_VEC_FROM_MONT, abc, NULL, abc, 2 * n, 0, NULL),
			   "Groth16: A and B");
	if (!ret)
		ret = zk_fail_math(zkm_vec(z->fr, ZKM_VEC_MUL, abc, abc + n * FR_BYTES,
					   abc + 2 * n * FR_BYTES, n, 0, NULL),
				   "Groth16: C");
out:
	free(vals);
	free(ws);
	return ret;
}

static void h_run(struct h_job *job)
{
	const struct zk_zkey *z = job->z;
	size_t n = z->domain_size, bytes = n * FR_BYTES, v;
	uint8_t *abc = malloc(3 * bytes), *tmp = NULL;
	double t0 = now_ms(), t1;
	int ret;

	if (!abc) {
		job->ret = zk_fail(-ENOMEM, "Groth16: domain of 2^%u", z->log_domain);
		return;
	}
	ret = build_abc(job, abc);
	if (!ret && job->perm != 1) {
		tmp = malloc(bytes);
		if (!tmp)
			ret = zk_fail(-ENOMEM, "Groth16: permutation");
		for (v = 0; !ret && v < 3; v++) {
			memcpy(tmp, abc + v * bytes, bytes);
			permute(abc + v * bytes, tmp, n, job->perm, 1);
		}
	}
	t1 = now_ms();
	job->abc_ms = t1 - t0;
	/* Interpolate on <w_n>, evaluate on w_2n * <w_n>: three vectors each. */
	if (!ret)
		ret = zk_ntt(job->ctx, z->fr, abc, z->log_domain, 3, ZKM_NTT_INVERSE, NULL);
	if (!ret)
		ret = zk_ntt(job->ctx, z->fr, abc, z->log_domain, 3, 0, job->shift);
	if (!ret)
		ret = zk_fail_math(zkm_vec(z->fr, ZKM_VEC_MUL, abc, abc + bytes, abc, n, 0, NULL),
				   "Groth16: A * B");
	if (!ret)
		ret = zk_fail_math(zkm_vec(z->fr, ZKM_VEC_SUB, abc, abc + 2 * bytes, abc, n, 0,
					   NULL), "Groth16: A * B - C");
	if (!ret && job->perm != 1) {
		memcpy(tmp, abc, bytes);
		permute(abc, tmp, n, job->perm, 0);
	}
	job->h_ms = now_ms() - t1;
	job->ret = ret;
	free(tmp);
	if (ret)
		free(abc);
	else
		job->p = abc;	/* P is the first of the three vectors */
}

/* An MSM over Montgomery-form bases: queued on devices, done at once on the CPU. */
static int msm_step(struct zk_ctx *ctx, int curve, const uint8_t *bases,
		    const uint8_t *scalars, size_t n, uint8_t *out, struct zk_op **op)
{
	*op = NULL;
	if (zk_ctx_backend(ctx) == ZK_BACKEND_CPU)
		return zk_msm(ctx, curve, bases, scalars, n, ZKM_MSM_POINTS_MONT, out);
	return zk_msm_async(ctx, curve, bases, scalars, n, ZKM_MSM_POINTS_MONT, out, op);
}

/* sum scalars[i] * points[i] on the host, Montgomery-form points. */
static int combine(int curve, const uint8_t *const *points, const uint8_t *const *scalars,
		   unsigned int k, uint8_t *out)
{
	size_t pb = zkm_point_bytes(curve);
	uint8_t pts[6 * 4 * ZK_MAX_N8], sc[6 * FR_BYTES];
	unsigned int i;

	for (i = 0; i < k; i++) {
		memcpy(pts + i * pb, points[i], pb);
		memcpy(sc + i * FR_BYTES, scalars[i], FR_BYTES);
	}
	return zk_fail_math(zkm_msm(curve, pts, sc, k, ZKM_MSM_POINTS_MONT, out, &one_thread),
			    "Groth16: final point additions");
}

/* A proof point, Montgomery form as computed, to snarkjs's standard form. */
static int point_to_standard(int curve, const uint8_t *mont, uint8_t *out)
{
	int ret = zkm_point_from_mont(curve, out, mont);

	/* A cheap self-check: a point off the curve is a bug, not a proof. */
	if (!ret)
		ret = zkm_point_check(curve, out, 0);
	return zk_fail_math(ret, "Groth16: proof point");
}

int zk_wtns_check(const struct zk_zkey *z, const struct zk_wtns *w)
{
	if (w->n8 != z->n8r || memcmp(w->q, z->r, z->n8r))
		return zk_fail(-EINVAL, "Groth16: the witness is for another curve than the key");
	if (w->n != z->n_vars)
		return zk_fail(-EINVAL, "Groth16: the witness has %u values, the circuit %u",
			       w->n, z->n_vars);
	if (!fr_is_one(w->values))
		return zk_fail(-EINVAL, "Groth16: the witness's first value is not 1");
	return 0;
}

/* A circuit's MSM bases resident on a context's devices. */
enum { RB_A, RB_B1, RB_B2, RB_C, RB_H, RB_COUNT };

struct zk_groth16_prover {
	struct zk_ctx *ctx;
	const struct zk_zkey *z;
	pthread_rwlock_t lock;		/* readers prove, a writer reloads */
	unsigned int generation;	/* bumped by every reload */
	struct zk_bases *b[RB_COUNT];	/* NULL on the CPU (or for C if empty) */
};

/* The four witness MSMs on resident bases, on a thread of their own. */
struct witness_msms {
	struct zk_ctx *ctx;
	struct zk_bases *const *b;
	const uint8_t *w, *priv;
	uint8_t *pa, *pb1, *pb2, *pc;
	int ret;
	char msg[256];
};

static void *witness_msms_run(void *arg)
{
	struct witness_msms *m = arg;
	int ret;

	ret = zk_msm_bases(m->ctx, m->b[RB_A], m->w, 0, m->pa);
	if (!ret)
		ret = zk_msm_bases(m->ctx, m->b[RB_B1], m->w, 0, m->pb1);
	if (!ret)
		ret = zk_msm_bases(m->ctx, m->b[RB_B2], m->w, 0, m->pb2);
	if (!ret && m->b[RB_C])
		ret = zk_msm_bases(m->ctx, m->b[RB_C], m->priv, 0, m->pc);
	if (ret)
		snprintf(m->msg, sizeof(m->msg), "%s", zk_last_error());
	m->ret = ret;
	return NULL;
}

static int prove(struct zk_ctx *ctx, const struct zk_zkey *z, const struct zk_wtns *w,
		 struct zk_bases *const *rb, struct zk_groth16_proof *proof,
		 struct zk_groth16_stats *stats)
{
	uint8_t pa[2 * ZK_MAX_N8], pb1[2 * ZK_MAX_N8], pb2[4 * ZK_MAX_N8], pc[2 * ZK_MAX_N8];
	uint8_t ph[2 * ZK_MAX_N8];
	uint8_t fa[2 * ZK_MAX_N8], fb2[4 * ZK_MAX_N8], fc[2 * ZK_MAX_N8];
	uint8_t r[FR_BYTES], s[FR_BYTES];
	static const uint8_t one[FR_BYTES] = { 1 };
	uint8_t dev_root[FR_BYTES], snark_root[FR_BYTES];
	struct zk_op *ops[5] = { NULL };
	const uint8_t *priv;
	uint8_t *rw;
	uint32_t n_priv;
	struct h_job job = { 0 };
	double t0 = now_ms(), t1;
	unsigned int i;
	int ret;

	memset(proof, 0, sizeof(*proof));
	ret = zk_wtns_check(z, w);
	if (ret)
		return ret;

	/* The coset shift and the order the device's NTT sees the domain in. */
	fr_root(z->fr, z->r, 5, z->log_domain + 1, job.shift);
	job.perm = 1;
	if (z->fr != ZKM_BN254_FR && z->log_domain) {
		fr_root(z->fr, z->r, 7, z->log_domain, dev_root);
		fr_root(z->fr, z->r, 5, z->log_domain, snark_root);
		ret = fr_root_index(z->fr, dev_root, snark_root, z->log_domain, &job.perm);
		if (ret)
			return ret;
	}
	job.ctx = ctx;
	job.z = z;
	job.w = w;

	ret = fr_random(z->r, r);
	if (!ret)
		ret = fr_random(z->r, s);
	if (ret)
		return ret;
	/*
	 * What the MSM stage leaves for the last step: pc + ph + r * pb1 is
	 * MSM(C) + MSM(H) + r * MSM(B1). The CPU computes that sum as one MSM
	 * into pc; ph and pb1 then stay infinity (all zero bytes).
	 */
	memset(ph, 0, sizeof(ph));
	memset(pb1, 0, sizeof(pb1));

	t1 = now_ms();
	priv = w->values + (size_t)(z->n_public + 1) * FR_BYTES;
	n_priv = z->n_vars - z->n_public - 1;
	if (zk_ctx_backend(ctx) == ZK_BACKEND_CPU) {
		/*
		 * On the CPU the MSMs run one at a time, each with every core.
		 * pi_c needs MSM(C) + MSM(H) + r * MSM(B1) and nothing else of
		 * them, so those three are one MSM over three parts (B1 with the
		 * scalars r * w): one bucket reduction instead of three.
		 */
		h_run(&job);
		ret = job.ret;
		if (!ret)
			ret = zk_msm(ctx, z->g1, z->pts_a, w->values, z->n_vars,
				     ZKM_MSM_POINTS_MONT, pa);
		if (!ret)
			ret = zk_msm(ctx, z->g2, z->pts_b2, w->values, z->n_vars,
				     ZKM_MSM_POINTS_MONT, pb2);
		rw = ret ? NULL : malloc((size_t)z->n_vars * FR_BYTES);
		if (!ret && !rw)
			ret = zk_fail(-ENOMEM, "Groth16: %u witness values", z->n_vars);
		if (!ret)
			ret = zk_fail_math(zkm_vec(z->fr, ZKM_VEC_SCALE, w->values, r, rw,
						   z->n_vars, 0, NULL), "Groth16: r * w");
		if (!ret) {
			const struct zkm_msm_part parts[] = {
				{ z->pts_c, priv, n_priv },
				{ z->pts_h, job.p, z->domain_size },
				{ z->pts_b1, rw, z->n_vars },
			};

			ret = zk_msm_sum(ctx, z->g1, parts, 3, ZKM_MSM_POINTS_MONT, pc);
		}
		free(rw);
	} else if (rb) {
		/*
		 * Resident bases: the witness MSMs send only scalars and run
		 * on a thread while this one builds A, B, C and runs the NTTs;
		 * the H MSM follows.
		 */
		struct witness_msms m = {
			.ctx = ctx, .b = rb, .w = w->values, .priv = priv,
			.pa = pa, .pb1 = pb1, .pb2 = pb2, .pc = pc,
		};
		pthread_t th;
		int started;

		if (!rb[RB_C])		/* no private variables: MSM(C) is infinity */
			memset(pc, 0, sizeof(pc));
		started = !pthread_create(&th, NULL, witness_msms_run, &m);
		if (!started)
			witness_msms_run(&m);
		h_run(&job);
		ret = job.ret;
		if (!ret)
			ret = zk_msm_bases(ctx, rb[RB_H], job.p, 0, ph);
		if (started)
			pthread_join(th, NULL);
		if (!ret && m.ret)
			ret = zk_fail(m.ret, "%s", m.msg);
	} else {
		/*
		 * On devices the four witness MSMs are queued first and run
		 * (spread over queues and devices) while the host builds A, B, C
		 * and the NTTs; the H MSM queues behind them.
		 */
		ret = msm_step(ctx, z->g1, z->pts_a, w->values, z->n_vars, pa, &ops[0]);
		if (!ret)
			ret = msm_step(ctx, z->g1, z->pts_b1, w->values, z->n_vars, pb1, &ops[1]);
		if (!ret)
			ret = msm_step(ctx, z->g2, z->pts_b2, w->values, z->n_vars, pb2, &ops[2]);
		if (!ret)
			ret = msm_step(ctx, z->g1, z->pts_c, priv, n_priv, pc, &ops[3]);
		if (!ret) {
			h_run(&job);
			ret = job.ret;
		}
		if (!ret)
			ret = msm_step(ctx, z->g1, z->pts_h, job.p, z->domain_size, ph, &ops[4]);
		for (i = 0; i < 5; i++)
			if (ops[i]) {
				int r = zk_op_wait(ops[i]);

				ret = ret ? ret : r;
			}
	}
	free(job.p);
	if (stats)
		stats->msm_ms = now_ms() - t1 - job.abc_ms - job.h_ms;
	if (ret)
		return ret;

	ret = combine(z->g1, (const uint8_t *const[]){ pa, z->alpha1, z->delta1 },
		      (const uint8_t *const[]){ one, one, r }, 3, fa);
	if (!ret)
		ret = combine(z->g2, (const uint8_t *const[]){ pb2, z->beta2, z->delta2 },
			      (const uint8_t *const[]){ one, one, s }, 3, fb2);
	/*
	 * pi_c = MSM(C) + MSM(H) + r * MSM(B1) + s * pi_a + r * beta1 (the
	 * second form above: the r * s * delta1 terms cancel), the same on
	 * every backend.
	 */
	if (!ret)
		ret = combine(z->g1, (const uint8_t *const[]){ pc, ph, pb1, fa, z->beta1 },
			      (const uint8_t *const[]){ one, one, r, s, r }, 5, fc);
	if (!ret)
		ret = point_to_standard(z->g1, fa, proof->a);
	if (!ret)
		ret = point_to_standard(z->g2, fb2, proof->b);
	if (!ret)
		ret = point_to_standard(z->g1, fc, proof->c);
	if (ret)
		return ret;
	proof->curve = z->g1;
	if (stats) {
		stats->backend = zk_ctx_backend(ctx);
		stats->abc_ms = job.abc_ms;
		stats->h_ms = job.h_ms;
		stats->total_ms = now_ms() - t0;
	}
	return 0;
}

int zk_groth16_prove(struct zk_ctx *ctx, const struct zk_zkey *z, const struct zk_wtns *w,
		     struct zk_groth16_proof *proof, struct zk_groth16_stats *stats)
{
	return prove(ctx, z, w, NULL, proof, stats);
}

static void prover_unload(struct zk_groth16_prover *p)
{
	unsigned int i;

	for (i = 0; i < RB_COUNT; i++) {
		zk_bases_free(p->b[i]);
		p->b[i] = NULL;
	}
}

static int prover_load(struct zk_groth16_prover *p)
{
	const struct zk_zkey *z = p->z;
	uint32_t n_priv = z->n_vars - z->n_public - 1;
	int ret;

	ret = zk_bases_load(p->ctx, z->g1, z->pts_a, z->n_vars, ZKM_MSM_POINTS_MONT,
			    &p->b[RB_A]);
	if (!ret)
		ret = zk_bases_load(p->ctx, z->g1, z->pts_b1, z->n_vars, ZKM_MSM_POINTS_MONT,
				    &p->b[RB_B1]);
	if (!ret)
		ret = zk_bases_load(p->ctx, z->g2, z->pts_b2, z->n_vars, ZKM_MSM_POINTS_MONT,
				    &p->b[RB_B2]);
	if (!ret && n_priv)
		ret = zk_bases_load(p->ctx, z->g1, z->pts_c, n_priv, ZKM_MSM_POINTS_MONT,
				    &p->b[RB_C]);
	if (!ret)
		ret = zk_bases_load(p->ctx, z->g1, z->pts_h, z->domain_size,
				    ZKM_MSM_POINTS_MONT, &p->b[RB_H]);
	if (ret)
		prover_unload(p);
	p->generation++;
	return ret;
}

int zk_groth16_prover_new(struct zk_ctx *ctx, const struct zk_zkey *z,
			  struct zk_groth16_prover **out)
{
	struct zk_groth16_prover *p;
	int ret = 0;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return zk_fail(-ENOMEM, "Groth16 prover");
	p->ctx = ctx;
	p->z = z;
	pthread_rwlock_init(&p->lock, NULL);
	if (zk_ctx_backend(ctx) != ZK_BACKEND_CPU)
		ret = prover_load(p);
	if (ret) {
		zk_groth16_prover_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

int zk_groth16_prover_prove(struct zk_groth16_prover *p, const struct zk_wtns *w,
			    struct zk_groth16_proof *proof, struct zk_groth16_stats *stats)
{
	unsigned int gen;
	int ret, tries;

	if (zk_ctx_backend(p->ctx) == ZK_BACKEND_CPU)
		return prove(p->ctx, p->z, w, NULL, proof, stats);
	for (tries = 0;; tries++) {
		pthread_rwlock_rdlock(&p->lock);
		gen = p->generation;
		ret = p->b[RB_A] ? prove(p->ctx, p->z, w, p->b, proof, stats) : -ECANCELED;
		pthread_rwlock_unlock(&p->lock);
		if (ret != -ECANCELED || tries == 2)
			return ret;
		/*
		 * A device reset lost the resident bases (or an earlier
		 * reload failed): load them again, once per generation, and
		 * prove again.
		 */
		pthread_rwlock_wrlock(&p->lock);
		if (p->generation == gen) {
			prover_unload(p);
			ret = prover_load(p);
		}
		pthread_rwlock_unlock(&p->lock);
		if (ret)
			return ret;
	}
}

void zk_groth16_prover_free(struct zk_groth16_prover *p)
{
	if (!p)
		return;
	prover_unload(p);
	pthread_rwlock_destroy(&p->lock);
	free(p);
}
