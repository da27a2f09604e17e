/* SPDX-License-Identifier: MIT */
/*
 * Multi-scalar multiplication template (Pippenger's bucket method with
 * signed digits). The includer defines EC (curve prefix, from curves.h), FR
 * (scalar field prefix) and FR_NBITS (bit length of r), and gets
 *   static int EC_msm(const void *bases, const void *scalars, size_t n,
 *                     unsigned int flags, void *result, const struct zkm_run *run);
 *
 * Scalars are recoded into c-bit signed digits d in [-2^(c-1), 2^(c-1)], so
 * a window needs 2^(c-1) buckets and a negative digit adds -P (free in
 * affine). The recoding carries are kept as one bit per window per scalar
 * and digits are rebuilt on the fly, so no n x windows digit table is kept.
 * Work is split into (window, point range) tasks taken by the threads from
 * a shared counter; each task sums its points into XYZZ buckets, reduces
 * them with a running sum, and the partial sums are combined at the end.
 */

#define ECN(x) ZKM_CAT(EC, _##x)
#define FRN(x) ZKM_CAT(FR, _##x)

struct ECN(msm_ctx) {
	const uint8_t *bases, *scalars;
	size_t n;
	unsigned int flags;
	ECN(aff_t) *pts;		/* loaded bases, Montgomery form */
	uint64_t (*sc)[4];		/* scalars, standard form */
	uint64_t *carry;		/* bit k: the recoding carry into window k */
	unsigned int c, windows, chunks;
	size_t chunk_len;
	ECN(xyzz_t) *partial;		/* [window * chunks + chunk] */
	int err;			/* first error, under __atomic */
	unsigned int next;		/* next task, under __atomic */
	const struct zkm_run *run;
};

/* Load and check points and scalars of [lo, hi); returns 0 or ZKM_E*. */
static int ECN(msm_load_range)(struct ECN(msm_ctx) *m, size_t lo, size_t hi)
{
	const int pmont = !!(m->flags & ZKM_MSM_POINTS_MONT);
	const int smont = !!(m->flags & ZKM_MSM_SCALARS_MONT);
	const unsigned int c = m->c;

	for (size_t i = lo; i < hi; i++) {
		FRN(t) s;
		uint64_t carry = 0, cmask = 0;
		int err;

		if ((i & 1023) == 0 && zkm_aborted(m->run))
			return ZKM_EABORTED;
		err = ECN(aff_load)(&m->pts[i], m->bases + i * ECN(point_bytes), pmont);
		if (err)
			return err;
		for (int l = 0; l < 4; l++)
			s.v[l] = zkm_load64(m->scalars + 32 * i + 8 * l);
		if (!mont_lt(s.v, ZKM_CAT(FR, _P), 4))
			return ZKM_ERANGE;
		if (smont)
			FRN(from_mont)(&s, &s);
		memcpy(m->sc[i], s.v, 32);
		for (unsigned int k = 0; k < m->windows; k++) {
			unsigned int bit = k * c;
			uint64_t w = 0;

			if (bit < 256) {
				w = s.v[bit / 64] >> (bit % 64);
				if (bit % 64 + c > 64 && bit / 64 < 3)
					w |= s.v[bit / 64 + 1] << (64 - bit % 64);
				w &= ((uint64_t)1 << c) - 1;
			}
			if (carry)
				cmask |= (uint64_t)1 << k;
			carry = (w + carry) > ((uint64_t)1 << (c - 1));
		}
		m->carry[i] = cmask;
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

static void ECN(msm_load_worker)(void *arg, unsigned int t, unsigned int nt)
{
	struct ECN(msm_ctx) *m = arg;
	size_t per = (m->n + nt - 1) / nt;
	size_t lo = t * per, hi = lo + per < m->n ? lo + per : m->n;

	for (size_t a = lo; a < hi; a += 4096) {
		size_t b = a + 4096 < hi ? a + 4096 : hi;
		int err;

		if (__atomic_load_n(&m->err, __ATOMIC_RELAXED))
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

/* One task: points [lo, hi) of window k into XYZZ buckets, then reduce. */
static int ECN(msm_task)(struct ECN(msm_ctx) *m, ECN(xyzz_t) *buckets, unsigned int k,
			 size_t lo, size_t hi, ECN(xyzz_t) *out)
{
	const size_t nb = (size_t)1 << (m->c - 1);
	ECN(xyzz_t) sum, total;

	for (size_t b = 0; b < nb; b++)
		ECN(xyzz_set_inf)(&buckets[b]);
	for (size_t i = lo; i < hi; i++) {
		int64_t d;

		if ((i & 4095) == 0 && i != lo) {
			if (zkm_aborted(m->run))
				return ZKM_EABORTED;
			zkm_progress(m->run, 4096);
		}
		d = ECN(msm_digit)(m, i, k);
		if (d > 0)
			ECN(xyzz_madd)(&buckets[d - 1], &buckets[d - 1], &m->pts[i]);
		else if (d < 0)
			ECN(xyzz_msub)(&buckets[-d - 1], &buckets[-d - 1], &m->pts[i]);
	}
	/* sum_b (b+1) * bucket[b] as a running sum from the top */
	ECN(xyzz_set_inf)(&sum);
	ECN(xyzz_set_inf)(&total);
	for (size_t b = nb; b-- > 0;) {
		ECN(xyzz_add)(&sum, &sum, &buckets[b]);
		ECN(xyzz_add)(&total, &total, &sum);
	}
	*out = total;
	return 0;
}

static void ECN(msm_worker)(void *arg, unsigned int t, unsigned int nt)
{
	struct ECN(msm_ctx) *m = arg;
	const unsigned int tasks = m->windows * m->chunks;
	ECN(xyzz_t) *buckets = malloc(sizeof(*buckets) << (m->c - 1));

	if (!buckets) {
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
		hi = lo + m->chunk_len < m->n ? lo + m->chunk_len : m->n;
		err = ECN(msm_task)(m, buckets, k, lo, hi, &m->partial[task]);
		if (err) {
			int zero = 0;

			__atomic_compare_exchange_n(&m->err, &zero, err, 0,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
			break;
		}
	}
	free(buckets);
}

/* Window width minimising windows * (n + 2^c) group operations. */
static unsigned int ECN(msm_window)(size_t n)
{
	unsigned int best = 4;
	double best_cost = 0;

	/* c >= 4 keeps the window count <= 64, the width of the carry mask */
	for (unsigned int c = 4; c <= 16; c++) {
		unsigned int w = (FR_NBITS + 1 + c - 1) / c;
		double cost = (double)w * ((double)n + (double)((size_t)1 << c));

		if (c == 4 || cost < best_cost) {
			best = c;
			best_cost = cost;
		}
	}
	return best;
}

static int ECN(msm)(const void *bases, const void *scalars, size_t n, unsigned int flags,
		    void *result, const struct zkm_run *run)
{
	struct ECN(msm_ctx) m;
	ECN(xyzz_t) acc;
	ECN(aff_t) res;
	unsigned int nt;
	int err;

	memset(&m, 0, sizeof(m));
	m.bases = bases;
	m.scalars = scalars;
	m.n = n;
	m.flags = flags;
	m.run = run;
	m.c = ECN(msm_window)(n);
	/* (bits + 1) / c rounded up leaves room for the last recoding carry */
	m.windows = (FR_NBITS + 1 + m.c - 1) / m.c;
	m.pts = malloc(n * sizeof(*m.pts));
	m.sc = malloc(n * sizeof(*m.sc));
	m.carry = malloc(n * sizeof(*m.carry));
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
	if (m.chunks > 1 && n / m.chunks < 4096)
		m.chunks = n / 4096 ? (unsigned int)(n / 4096) : 1;
	m.chunk_len = (n + m.chunks - 1) / m.chunks;
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
	free(m.pts);
	free(m.sc);
	free(m.carry);
	free(m.partial);
	return err;
}

#undef ECN
#undef FRN
