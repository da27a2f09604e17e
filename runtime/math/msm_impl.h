/* SPDX-License-Identifier: MIT */
/*
 * Multi-scalar multiplication template (Pippenger's bucket method with
 * signed digits). The includer defines EC (curve prefix, from curves.h), EF
 * (its coordinate field), FR (scalar field prefix), FR_NBITS (bit length
 * of r), EB (the field of the GLV constant beta) and MSM_PHI_X(r, x, beta)
 * (r = beta x for a coordinate x), and gets
 *   static int EC_msm(const struct zkm_msm_part *parts, unsigned int nparts, size_t n,
 *                     unsigned int flags, void *result, const struct zkm_run *run);
 * which sums the MSMs of all parts (n points in all) with one set of buckets,
 * so several MSMs whose results are only ever added pay one bucket reduction.
 *
 * Scalars are recoded into c-bit signed digits d in [-2^(c-1), 2^(c-1)], so
 * a window needs 2^(c-1) buckets and a negative digit adds -P (free in
 * affine). The recoding carries are kept as one bit per window per scalar
 * and digits are rebuilt on the fly, so no n x windows digit table is kept.
 * Work is split into (window, point range) tasks taken by the threads from
 * a shared counter; each task sums its points into buckets, reduces them
 * with a running sum, and the partial sums are combined at the end.
 *
 * Buckets: from window width MSM_BATCH_MIN_C on, affine buckets updated in
 * batches whose slope denominators share one inversion (batch-affine: about
 * 6 multiplications per addition instead of 10 for XYZZ). A point whose
 * bucket is already in the pending batch waits for the next batch; only
 * when too many wait does it go to an XYZZ overflow bucket, so adversarial
 * inputs (all points in one bucket) cost XYZZ speed, never more. Narrow
 * windows use XYZZ buckets only. Where the includer defines MSM_FLUSH_X8
 * (the ADX build) and the CPU has AVX-512 IFMA, batches are applied eight
 * additions at a time (msm_flush_ifma.c).
 *
 * GLV (glv.h): each point P with scalar k is loaded as P and phi(P) with
 * the two 128-bit halves of k (sign folded into the point), which halves
 * the windows and so the bucket reductions, at the same number of bucket
 * additions. ZKASIC_MSM_GLV=0 turns it off (a testing and tuning aid).
 */

#define ECN(x) ZKM_CAT(EC, _##x)
#define FRN(x) ZKM_CAT(FR, _##x)
#define EFN(x) ZKM_CAT(EF, _##x)
#define EBN(x) ZKM_CAT(EB, _##x)

#ifndef ZKM_MSM_STATE
#define ZKM_MSM_STATE
enum { MSM_AFF = 1, MSM_XYZZ = 2, MSM_BUSY = 4 };
enum { MSM_ADD, MSM_DBL, MSM_CANCEL };

/* The part holding point @i of all parts; *i becomes its index in the part. */
static inline const struct zkm_msm_part *zkm_msm_part_of(const struct zkm_msm_part *part,
							 size_t *i)
{
	while (*i >= part->n) {
		*i -= part->n;
		part++;
	}
	return part;
}

/* Batch-affine from this window width on; below, plain XYZZ buckets. */
#define MSM_BATCH_MIN_C 10
/* Batch size for @nb buckets: a quarter of them, at most 1024. */
static inline size_t zkm_msm_batch_for(size_t nb)
{
	size_t b = nb / 4;

	return b > 1024 ? 1024 : b;
}

static inline size_t zkm_msm_batch_size(unsigned int c)
{
	return zkm_msm_batch_for((size_t)1 << (c - 1));
}
#endif

struct ECN(msm_ctx) {
	const struct zkm_msm_part *parts;
	unsigned int nparts;
	size_t n;			/* points in all parts */
	size_t npts;			/* points in buckets: n, or 2n with GLV */
	unsigned int flags;
	int glv;			/* P, phi(P) with the halves of each scalar */
	EBN(t) beta;
	ECN(aff_t) *pts;		/* loaded bases, Montgomery form */
	uint64_t (*sc)[4];		/* scalars (or GLV halves), standard form */
	uint64_t *carry;		/* bit k: the recoding carry into window k */
	unsigned int bits, c, windows, chunks;
	size_t chunk_len;
	ECN(xyzz_t) *partial;		/* [window * chunks + chunk] */
	int err;			/* first error, under __atomic */
	unsigned int next;		/* next task, under __atomic */
	uint64_t next_load;		/* next block of inputs to load, under __atomic */
	const struct zkm_run *run;
};

/* Store scalar @v as point @idx's and note its signed-digit recoding carries. */
static void ECN(msm_recode)(struct ECN(msm_ctx) *m, size_t idx, const uint64_t *v)
{
	const unsigned int c = m->c;
	uint64_t carry = 0, cmask = 0;

	memcpy(m->sc[idx], v, 32);
	for (unsigned int k = 0; k < m->windows; k++) {
		unsigned int bit = k * c;
		uint64_t w = 0;

		if (bit < 256) {
			w = v[bit / 64] >> (bit % 64);
			if (bit % 64 + c > 64 && bit / 64 < 3)
				w |= v[bit / 64 + 1] << (64 - bit % 64);
			w &= ((uint64_t)1 << c) - 1;
		}
		if (carry)
			cmask |= (uint64_t)1 << k;
		carry = (w + carry) > ((uint64_t)1 << (c - 1));
	}
	m->carry[idx] = cmask;
}

/* Load and check points and scalars of [lo, hi); returns 0 or ZKM_E*. */
static int ECN(msm_load_range)(struct ECN(msm_ctx) *m, size_t lo, size_t hi)
{
	const int pmont = !!(m->flags & ZKM_MSM_POINTS_MONT);
	const int smont = !!(m->flags & ZKM_MSM_SCALARS_MONT);

	for (size_t i = lo; i < hi; i++) {
		size_t j = i;
		const struct zkm_msm_part *part = zkm_msm_part_of(m->parts, &j);
		const uint8_t *base = (const uint8_t *)part->bases + j * ECN(point_bytes);
		const uint8_t *scalar = (const uint8_t *)part->scalars + 32 * j;
		ECN(aff_t) *P = &m->pts[m->glv ? 2 * i : i];
		FRN(t) s;
		int err;

		if ((i & 1023) == 0 && zkm_aborted(m->run))
			return ZKM_EABORTED;
		err = ECN(aff_load)(P, base, pmont);
		if (err)
			return err;
		for (int l = 0; l < 4; l++)
			s.v[l] = zkm_load64(scalar + 8 * l);
		if (!mont_lt(s.v, ZKM_CAT(FR, _P), 4))
			return ZKM_ERANGE;
		if (smont)
			FRN(from_mont)(&s, &s);
		if (m->glv) {
			uint64_t k1[4], k2[4];
			int neg1, neg2;

			zkm_glv_split(&ECN(GLV), s.v, k1, &neg1, k2, &neg2);
			/* phi(P) = (beta x, y); infinity, (0, 0), stays itself */
			MSM_PHI_X(&P[1].x, &P[0].x, &m->beta);
			P[1].y = P[0].y;
			if (neg1 && !ECN(aff_is_inf)(&P[0]))
				ECN(aff_neg)(&P[0], &P[0]);
			if (neg2 && !ECN(aff_is_inf)(&P[1]))
				ECN(aff_neg)(&P[1], &P[1]);
			ECN(msm_recode)(m, 2 * i, k1);
			ECN(msm_recode)(m, 2 * i + 1, k2);
		} else {
			ECN(msm_recode)(m, i, s.v);
		}
	}
	zkm_progress(m->run, hi - lo);
	return 0;
}

/* The signed digit of scalar i in window k. */
ZKM_INLINE int64_t ECN(msm_digit)(const struct ECN(msm_ctx) *m, size_t i, unsigned int k)
{
	const unsigned int c = m->c, bit = k * c;
	const uint64_t *s = m->sc[i];
	int64_t w = 0;

	if (bit < 256) {
		uint64_t v = s[bit / 64] >> (bit % 64);

		if (bit % 64 + c > 64 && bit / 64 < 3)
			v |= s[bit / 64 + 1] << (64 - bit % 64);
		w = (int64_t)(v & (((uint64_t)1 << c) - 1));
	}
	w += (m->carry[i] >> k) & 1;
	if (w > ((int64_t)1 << (c - 1)))
		w -= (int64_t)1 << c;
	return w;
}

/* Blocks of 4096 inputs taken from a shared counter: cores of unequal speed finish together. */
static void ECN(msm_load_worker)(void *arg, unsigned int t, unsigned int nt)
{
	struct ECN(msm_ctx) *m = arg;

	for (;;) {
		size_t a = (size_t)__atomic_fetch_add(&m->next_load, 1, __ATOMIC_RELAXED) * 4096;
		size_t b = a + 4096 < m->n ? a + 4096 : m->n;
		int err;

		if (a >= m->n || __atomic_load_n(&m->err, __ATOMIC_RELAXED))
			return;
		err = ECN(msm_load_range)(m, a, b);
		if (err) {
			int zero = 0;

			__atomic_compare_exchange_n(&m->err, &zero, err, 0,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
			return;
		}
	}
}

/* Per-thread bucket memory, sized for the window width. */
struct ECN(msm_scratch) {
	ECN(aff_t) *aff;	/* affine buckets (batch-affine accumulation) */
	ECN(xyzz_t) *xyzz;	/* XYZZ buckets: all of them, or the overflow of aff */
	uint8_t *state;		/* per bucket: MSM_AFF | MSM_XYZZ | MSM_BUSY */
	uint32_t *bidx;		/* batch: bucket of each pending addition */
	ECN(aff_t) *bp;		/* batch: point to add */
	EFN(t) *den, *tmp;	/* batch: denominators, batch inversion scratch */
	uint8_t *kind;
	uint32_t *didx;		/* deferred: points whose bucket was busy, for the */
	ECN(aff_t) *dp;		/* next batch; ndef of them, at most bmax / 2 */
	size_t ndef;
	void *x8;		/* MSM_FLUSH_X8's scratch when it is used, else NULL */
};

#ifdef MSM_FLUSH_X8
/* Eight elements inverted in place, for MSM_FLUSH_X8. */
static void ECN(msm_inv8)(void *elems)
{
	EFN(t) tmp[8];

	EFN(batch_inv)((EFN(t) *)elems, (EFN(t) *)elems, 8, tmp);
}

/* msm_flush below with MSM_FLUSH_X8 (msm_flush_ifma.c): kind[j] = 1 where a bucket empties. */
static void ECN(msm_flush_x8)(struct ECN(msm_scratch) *s, size_t cnt)
{
	MSM_FLUSH_X8(s->aff, s->bidx, s->bp, s->kind, cnt, ECN(msm_inv8), s->x8);
	for (size_t j = 0; j < cnt; j++) {
		uint32_t b = s->bidx[j];

		s->state[b] &= ~MSM_BUSY;
		if (s->kind[j])
			s->state[b] &= ~MSM_AFF;
	}
}
#endif

/*
 * Apply the pending batch: bucket[bidx[j]] += bp[j] in affine coordinates,
 * all slopes' denominators inverted at once (Montgomery's trick). Equal x:
 * doubling when the points are equal, an empty bucket when opposite.
 */
static void ECN(msm_flush)(struct ECN(msm_scratch) *s, size_t cnt)
{
#ifdef MSM_FLUSH_X8
	if (s->x8) {
		ECN(msm_flush_x8)(s, cnt);
		return;
	}
#endif
	for (size_t j = 0; j < cnt; j++) {
		const ECN(aff_t) *A = &s->aff[s->bidx[j]], *P = &s->bp[j];

		if (EFN(eq)(&A->x, &P->x)) {
			if (EFN(eq)(&A->y, &P->y) && !EFN(is_zero)(&A->y)) {
				s->kind[j] = MSM_DBL;
				EFN(dbl)(&s->den[j], &A->y);
			} else {
				s->kind[j] = MSM_CANCEL;
				EFN(zero)(&s->den[j]);
			}
		} else {
			s->kind[j] = MSM_ADD;
			EFN(sub)(&s->den[j], &P->x, &A->x);
		}
	}
	EFN(batch_inv)(s->den, s->den, cnt, s->tmp);
	for (size_t j = 0; j < cnt; j++) {
		uint32_t b = s->bidx[j];
		ECN(aff_t) *A = &s->aff[b];
		const ECN(aff_t) *P = &s->bp[j];
		EFN(t) l, t, x3;

		s->state[b] &= ~MSM_BUSY;
		switch (s->kind[j]) {
		case MSM_CANCEL:
			s->state[b] &= ~MSM_AFF;
			continue;
		case MSM_DBL:
			/* l = 3 x^2 / 2y */
			EFN(sqr)(&t, &A->x);
			EFN(dbl)(&l, &t);
			EFN(add)(&t, &l, &t);
			EFN(mul)(&l, &t, &s->den[j]);
			break;
		default:
			/* l = (yP - yA) / (xP - xA) */
			EFN(sub)(&t, &P->y, &A->y);
			EFN(mul)(&l, &t, &s->den[j]);
			break;
		}
		/* x3 = l^2 - xA - xP, y3 = l (xA - x3) - yA (xP = xA when doubling) */
		EFN(sqr)(&x3, &l);
		EFN(sub)(&x3, &x3, &A->x);
		EFN(sub)(&x3, &x3, &P->x);
		EFN(sub)(&t, &A->x, &x3);
		EFN(mul)(&t, &t, &l);
		EFN(sub)(&A->y, &t, &A->y);
		A->x = x3;
	}
}

/* bucket[b] += P in the bucket's XYZZ overflow */
ZKM_INLINE void ECN(msm_xyzz_put)(struct ECN(msm_scratch) *s, uint32_t b, const ECN(aff_t) *P)
{
	if (s->state[b] & MSM_XYZZ) {
		ECN(xyzz_madd)(&s->xyzz[b], &s->xyzz[b], P);
	} else {
		ECN(xyzz_from_aff)(&s->xyzz[b], P);
		s->state[b] |= MSM_XYZZ;
	}
}

/*
 * bucket[b] += P through the batch: an empty bucket takes P, a busy one
 * defers it (or, with the deferred list full, takes it in XYZZ), any other
 * joins the batch, which is applied when full. Returns the new batch size.
 */
ZKM_INLINE size_t ECN(msm_put)(struct ECN(msm_scratch) *s, size_t cnt, size_t bmax,
			       uint32_t b, const ECN(aff_t) *P)
{
	uint8_t st = s->state[b];

	if (st & MSM_BUSY) {
		if (s->ndef < bmax / 2) {
			s->didx[s->ndef] = b;
			s->dp[s->ndef++] = *P;
		} else {
			ECN(msm_xyzz_put)(s, b, P);
		}
		return cnt;
	}
	if (!(st & MSM_AFF)) {
		s->aff[b] = *P;
		s->state[b] = st | MSM_AFF;
		return cnt;
	}
	s->state[b] = st | MSM_BUSY;
	s->bidx[cnt] = b;
	s->bp[cnt] = *P;
	return cnt + 1;
}

/* Apply the full batch, then start the next one with the deferred points. */
static size_t ECN(msm_flush_requeue)(struct ECN(msm_scratch) *s, size_t cnt, size_t bmax)
{
	size_t nd = s->ndef;

	ECN(msm_flush)(s, cnt);
	cnt = 0;
	s->ndef = 0;
	/* at most bmax / 2 of them: the batch cannot fill up here */
	for (size_t j = 0; j < nd; j++)
		cnt = ECN(msm_put)(s, cnt, bmax, s->didx[j], &s->dp[j]);
	return cnt;
}

/* One task: points [lo, hi) of window k into buckets, then their weighted sum. */
static int ECN(msm_task)(struct ECN(msm_ctx) *m, struct ECN(msm_scratch) *s, unsigned int k,
			 size_t lo, size_t hi, ECN(xyzz_t) *out)
{
	/*
	 * The top window holds the scalars' last bits - k c bits (plus the
	 * carry), so it may use far fewer buckets; it batches only if it has
	 * enough of them for a batch to fill without most points waiting.
	 */
	const unsigned int top = m->bits - k * m->c;
	const size_t nb = (size_t)1 << (k + 1 == m->windows && top < m->c - 1 ? top : m->c - 1);
	const int batch = nb >= ((size_t)1 << (MSM_BATCH_MIN_C - 1));
	const size_t bmax = zkm_msm_batch_for(nb);
	ECN(xyzz_t) sum, total;
	size_t cnt = 0;

	memset(s->state, 0, nb);
	s->ndef = 0;
	for (size_t i = lo; i < hi; i++) {
		const ECN(aff_t) *P = &m->pts[i];
		ECN(aff_t) np;
		int64_t d;
		uint32_t b;

		if ((i & 4095) == 0 && i != lo) {
			if (zkm_aborted(m->run))
				return ZKM_EABORTED;
			zkm_progress(m->run, 4096);
		}
		d = ECN(msm_digit)(m, i, k);
		if (d == 0 || ECN(aff_is_inf)(P))
			continue;
		if (d < 0) {
			ECN(aff_neg)(&np, P);
			P = &np;
			d = -d;
		}
		b = (uint32_t)(d - 1);
		if (!batch) {
			ECN(msm_xyzz_put)(s, b, P);
			continue;
		}
		cnt = ECN(msm_put)(s, cnt, bmax, b, P);
		if (cnt == bmax)
			cnt = ECN(msm_flush_requeue)(s, cnt, bmax);
	}
	/*
	 * Drain: the last batch, once more for what it deferred, and whatever
	 * is still deferred (points of one bucket) in XYZZ.
	 */
	if (cnt || s->ndef)
		cnt = ECN(msm_flush_requeue)(s, cnt, bmax);
	if (cnt)
		ECN(msm_flush)(s, cnt);
	for (size_t j = 0; j < s->ndef; j++)
		ECN(msm_xyzz_put)(s, s->didx[j], &s->dp[j]);

	/* sum_b (b+1) * bucket[b] as a running sum from the top */
	ECN(xyzz_set_inf)(&sum);
	ECN(xyzz_set_inf)(&total);
	for (size_t b = nb; b-- > 0;) {
		uint8_t st = s->state[b];

		if (st & MSM_AFF)
			ECN(xyzz_madd)(&sum, &sum, &s->aff[b]);
		if (st & MSM_XYZZ)
			ECN(xyzz_add)(&sum, &sum, &s->xyzz[b]);
		ECN(xyzz_add)(&total, &total, &sum);
	}
	*out = total;
	return 0;
}

static void ECN(msm_scratch_free)(struct ECN(msm_scratch) *s)
{
	free(s->aff);
	free(s->xyzz);
	free(s->state);
	free(s->bidx);
	free(s->bp);
	free(s->den);
	free(s->tmp);
	free(s->kind);
	free(s->didx);
	free(s->dp);
	free(s->x8);
}

static int ECN(msm_scratch_alloc)(struct ECN(msm_scratch) *s, unsigned int c)
{
	size_t nb = (size_t)1 << (c - 1), bmax = zkm_msm_batch_size(c);

	memset(s, 0, sizeof(*s));
	s->xyzz = malloc(nb * sizeof(*s->xyzz));
	s->state = malloc(nb);
	if (c >= MSM_BATCH_MIN_C) {
		s->aff = malloc(nb * sizeof(*s->aff));
		s->bidx = malloc(bmax * sizeof(*s->bidx));
		s->bp = malloc(bmax * sizeof(*s->bp));
		s->kind = malloc(bmax);
		s->didx = malloc(bmax / 2 * sizeof(*s->didx) + 1);
		s->dp = malloc(bmax / 2 * sizeof(*s->dp) + 1);
		if (!s->aff || !s->bidx || !s->bp || !s->kind || !s->didx || !s->dp)
			goto fail;
#ifdef MSM_FLUSH_X8
		/* the eight-lane flush keeps its denominators in its own scratch */
		if (zkm_use_ifma()) {
			size_t bytes = (zkm_flush_ifma_scratch(bmax) + 63) & ~(size_t)63;

			s->x8 = aligned_alloc(64, bytes);
			if (!s->x8)
				goto fail;
		}
#endif
		if (!s->x8) {
			s->den = malloc(bmax * sizeof(*s->den));
			s->tmp = malloc(bmax * sizeof(*s->tmp));
			if (!s->den || !s->tmp)
				goto fail;
		}
	}
	if (s->xyzz && s->state)
		return 0;
fail:
	ECN(msm_scratch_free)(s);
	return ZKM_ENOMEM;
}

static void ECN(msm_worker)(void *arg, unsigned int t, unsigned int nt)
{
	struct ECN(msm_ctx) *m = arg;
	const unsigned int tasks = m->windows * m->chunks;
	struct ECN(msm_scratch) s;

	if (ECN(msm_scratch_alloc)(&s, m->c)) {
		int zero = 0;

		__atomic_compare_exchange_n(&m->err, &zero, ZKM_ENOMEM, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		return;
	}
	for (;;) {
		unsigned int task = __atomic_fetch_add(&m->next, 1, __ATOMIC_RELAXED);
		unsigned int k, ch;
		size_t lo, hi;
		int err;

		if (task >= tasks || __atomic_load_n(&m->err, __ATOMIC_RELAXED))
			break;
		k = task / m->chunks;
		ch = task % m->chunks;
		lo = ch * m->chunk_len;
		hi = lo + m->chunk_len < m->npts ? lo + m->chunk_len : m->npts;
		err = ECN(msm_task)(m, &s, k, lo, hi, &m->partial[task]);
		if (err) {
			int zero = 0;

			__atomic_compare_exchange_n(&m->err, &zero, err, 0,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
			break;
		}
	}
	ECN(msm_scratch_free)(&s);
}

/*
 * Window width minimising the cost in field multiplications: per window, n
 * points at about 6.5 each plus a share of the batch's inversion (10 for
 * XYZZ when the window has too few buckets to batch), and about 24 per
 * bucket to reduce. The top window counts with the buckets it really uses.
 * Bucket arrays beyond 2 MiB fall out of the per-core caches; that costs
 * about 1.5 more per point (BN254 G1 at 2^20 points: c = 16 beat c = 17 by
 * a tenth although c = 17 has one window less).
 */
static double ECN(msm_window_cost)(size_t n, size_t nb)
{
	double per_point = nb >= ((size_t)1 << (MSM_BATCH_MIN_C - 1)) ?
		6.5 + 400.0 / (double)zkm_msm_batch_for(nb) : 10.0;

	if (nb * sizeof(ECN(aff_t)) > ((size_t)2 << 20))
		per_point += 1.5;
	return (double)n * per_point + (double)nb * 24.0;
}

static unsigned int ECN(msm_window)(size_t n, unsigned int bits)
{
	unsigned int best = 4;
	double best_cost = 0;

	/* c >= 4 keeps the window count <= 64, the width of the carry mask */
	for (unsigned int c = 4; c <= 17; c++) {
		unsigned int w = (bits + 1 + c - 1) / c, top = bits - (w - 1) * c;
		size_t nb = (size_t)1 << (c - 1);
		size_t nb_top = top < c - 1 ? (size_t)1 << top : nb;
		double cost = (double)(w - 1) * ECN(msm_window_cost)(n, nb) +
			      ECN(msm_window_cost)(n, nb_top);

		if (c == 4 || cost < best_cost) {
			best = c;
			best_cost = cost;
		}
	}
	return best;
}

static int ECN(msm)(const struct zkm_msm_part *parts, unsigned int nparts, size_t n,
		    unsigned int flags, void *result, const struct zkm_run *run)
{
	struct ECN(msm_ctx) m;
	ECN(xyzz_t) acc;
	ECN(aff_t) res;
	unsigned int nt;
	int err;

	memset(&m, 0, sizeof(m));
	m.parts = parts;
	m.nparts = nparts;
	m.n = n;
	m.flags = flags;
	m.run = run;
	m.glv = !getenv("ZKASIC_MSM_GLV") || atoi(getenv("ZKASIC_MSM_GLV")) != 0;
	m.npts = m.glv ? 2 * n : n;
	m.bits = m.glv ? ECN(GLV).bits : FR_NBITS;
	memcpy(&m.beta, ECN(GLV_BETA_MONT), sizeof(m.beta));
	m.c = ECN(msm_window)(m.npts, m.bits);
	/* testing and tuning aid: force the window width */
	if (getenv("ZKASIC_MSM_WINDOW")) {
		int c = atoi(getenv("ZKASIC_MSM_WINDOW"));

		if (c >= 4 && c <= 17)
			m.c = (unsigned int)c;
	}
	/* (bits + 1) / c rounded up leaves room for the last recoding carry */
	m.windows = (m.bits + 1 + m.c - 1) / m.c;
	m.pts = zkm_big_alloc(m.npts * sizeof(*m.pts));
	m.sc = zkm_big_alloc(m.npts * sizeof(*m.sc));
	m.carry = zkm_big_alloc(m.npts * sizeof(*m.carry));
	err = ZKM_ENOMEM;
	if (!m.pts || !m.sc || !m.carry)
		goto out;

	nt = zkm_threads_for(run, n, 4096);
	zkm_parallel(nt, ECN(msm_load_worker), &m);
	err = m.err;
	if (err)
		goto out;

	/* Enough tasks to keep every thread busy: split points if windows are few. */
	m.chunks = 1;
	if (run->threads > m.windows)
		m.chunks = (run->threads + m.windows - 1) / m.windows;
	if (m.chunks > 1 && m.npts / m.chunks < 4096)
		m.chunks = m.npts / 4096 ? (unsigned int)(m.npts / 4096) : 1;
	m.chunk_len = (m.npts + m.chunks - 1) / m.chunks;
	if (m.chunk_len == 0)
		m.chunk_len = 1;
	m.partial = malloc((size_t)m.windows * m.chunks * sizeof(*m.partial));
	err = ZKM_ENOMEM;
	if (!m.partial)
		goto out;
	for (size_t i = 0; i < (size_t)m.windows * m.chunks; i++)
		ECN(xyzz_set_inf)(&m.partial[i]);
	nt = run->threads < m.windows * m.chunks ? run->threads : m.windows * m.chunks;
	zkm_parallel(nt, ECN(msm_worker), &m);
	err = m.err;
	if (err)
		goto out;

	/* Horner over windows: acc = sum_k W_k 2^(c k) */
	ECN(xyzz_set_inf)(&acc);
	for (unsigned int k = m.windows; k-- > 0;) {
		for (unsigned int j = 0; j < m.c; j++)
			ECN(xyzz_dbl)(&acc, &acc);
		for (unsigned int ch = 0; ch < m.chunks; ch++)
			ECN(xyzz_add)(&acc, &acc, &m.partial[k * m.chunks + ch]);
	}
	ECN(xyzz_to_aff)(&res, &acc);
	ECN(aff_store)(result, &res, !!(flags & ZKM_MSM_POINTS_MONT));
	err = 0;
out:
	zkm_big_free(m.pts, m.npts * sizeof(*m.pts));
	zkm_big_free(m.sc, m.npts * sizeof(*m.sc));
	zkm_big_free(m.carry, m.npts * sizeof(*m.carry));
	free(m.partial);
	return err;
}

#undef ECN
#undef FRN
#undef EFN
#undef EBN
