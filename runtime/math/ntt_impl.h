/* SPDX-License-Identifier: MIT */
/*
 * Number-theoretic transform template. The includer defines
 *   NF              the field prefix (bn254_fr, bls12_381_fr, goldilocks),
 *   NTT_ADICITY     its 2-adicity,
 *   NTT_ROOT(r)     a statement setting NF_t *r to a primitive 2^ADICITY-th
 *                   root of unity (internal form),
 *   NTT_GEN(g)      a statement setting NF_t *g to the generator,
 * and gets static int NF_ntt(void *data, unsigned int log_n, size_t batch,
 *                            unsigned int flags, const void *shift, run).
 * Optionally, a SIMD version of the butterflies (Goldilocks with AVX-512):
 *   NTT_SIMD_OK()   nonzero when it may be used (checked once per call),
 *   NTT_SIMD_DIF_STAGE(a, k, tw, b0, b1), NTT_SIMD_DIT_STAGE(...)   as
 *                   NF_dif_stage / NF_dit_stage below,
 *   NTT_SIMD_DIF_BLOCK(x, kmax, tw), NTT_SIMD_DIT_BLOCK(...)   every stage
 *                   1..kmax of one block (kmax >= NTT_SIMD_MIN_BLOCK),
 * and NTT_BLOCK_LOG_F, the block size (log2) when not 12.
 *
 * The transform is linear, so it runs on the raw limbs whatever their form:
 * with twiddles in the field's internal form, Montgomery-form input gives
 * Montgomery-form output and standard gives standard (the R factors pass
 * through). Only the coset shift needs converting.
 *
 * Radix-2, in place: decimation in frequency (natural in, bit-reversed out)
 * or in time (bit-reversed in, natural out), whichever matches the input
 * order. Stages whose butterflies span more than a cache block run over the
 * whole vector with the butterflies split between threads; the rest run
 * block by block, blocks shared out between threads, each block staying in
 * cache for all its stages. The inverse is the forward transform followed by
 * the index reversal k -> -k mod n and the 1/n scaling.
 *
 * Twiddles: for each size 2^k a table of w_{2^k}^j, j < 2^(k-1), built on
 * first use and kept for the life of the process (a mutex guards building;
 * readers take the published pointer with acquire semantics).
 */

#define NN(x) ZKM_CAT(NF, _##x)
#define NT NN(t)

#ifdef NTT_BLOCK_LOG_F
#define NTT_BLOCK_LOG NTT_BLOCK_LOG_F
#else
#define NTT_BLOCK_LOG 12		/* 4096 elements: 128 KiB at 32 bytes, in L2 */
#endif
#define NTT_MAX_LOG 24

static pthread_mutex_t NN(tw_lock) = PTHREAD_MUTEX_INITIALIZER;
static NT *NN(tw_table)[NTT_MAX_LOG + 1];

/* w_{2^k}^j for j < 2^(k-1), or NULL when out of memory. */
static const NT *NN(twiddles)(unsigned int k)
{
	NT *t = __atomic_load_n(&NN(tw_table)[k], __ATOMIC_ACQUIRE);

	if (t)
		return t;
	pthread_mutex_lock(&NN(tw_lock));
	t = NN(tw_table)[k];
	if (!t) {
		size_t half = (size_t)1 << (k - 1);

		t = malloc(half * sizeof(*t));
		if (t) {
			NT w;

			NTT_ROOT(&w);
			for (unsigned int i = k; i < NTT_ADICITY; i++)
				NN(sqr)(&w, &w);
			NN(one)(&t[0]);
			for (size_t j = 1; j < half; j++)
				NN(mul)(&t[j], &t[j - 1], &w);
			__atomic_store_n(&NN(tw_table)[k], t, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&NN(tw_lock));
	return t;
}

/* n^-1 for n = 2^k */
static void NN(inv_pow2)(NT *r, unsigned int k)
{
	NT two;

	NN(set_u64)(&two, 2);
	NN(inv)(&two, &two);
	NN(one)(r);
	for (unsigned int i = 0; i < k; i++)
		NN(mul)(r, r, &two);
}

ZKM_INLINE size_t NN(bitrev)(size_t x, unsigned int bits)
{
	uint64_t v = x;

	v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
	v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
	v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
	v = __builtin_bswap64(v);
	return bits ? (size_t)(v >> (64 - bits)) : 0;
}

/*
 * Bit reversal by tiles: with L = log_n = 2 B + M, index h.mid.l (B, M, B
 * bits) goes to rev(l).rev(mid).rev(h). For each mid <= rev(mid) in
 * [m0, m1), both 2^B x 2^B tiles (rows of 2^B consecutive elements) are
 * copied out and written back transposed, each to the other's place: whole
 * cache lines instead of one element per line.
 */
#define NTT_TILE_LOG (sizeof(NT) <= 8 ? 5 : 4)
/* two tiles on the stack: 16 KiB for 8- and for 32-byte elements */
#define NTT_TILE_MAX (1 << (2 * NTT_TILE_LOG))

static void NN(bitrev_tiles)(NT *a, unsigned int L, size_t m0, size_t m1)
{
	const unsigned int B = NTT_TILE_LOG, M = L - 2 * B;
	const size_t T = (size_t)1 << B;
	NT t1[NTT_TILE_MAX], t2[NTT_TILE_MAX];
	unsigned char rb[1 << 5];

	for (size_t i = 0; i < T; i++)
		rb[i] = (unsigned char)NN(bitrev)(i, B);
	for (size_t mid = m0; mid < m1; mid++) {
		size_t mr = NN(bitrev)(mid, M);

		if (mr < mid)
			continue;
		for (size_t h = 0; h < T; h++) {
			memcpy(&t1[h * T], &a[(h << (L - B)) | (mid << B)], T * sizeof(NT));
			memcpy(&t2[h * T], &a[(h << (L - B)) | (mr << B)], T * sizeof(NT));
		}
		/* out row r (= rev l), column c (= rev h) of tile mr is t1[rev c][rev r] */
		for (size_t r = 0; r < T; r++) {
			NT *o1 = &a[(r << (L - B)) | (mr << B)];
			NT *o2 = &a[(r << (L - B)) | (mid << B)];

			for (size_t c = 0; c < T; c++) {
				o1[c] = t1[rb[c] * T + rb[r]];
				o2[c] = t2[rb[c] * T + rb[r]];
			}
		}
	}
}

/* DIF stage of size 2^k over butterflies [b0, b1) of the vector a. */
static void NN(dif_stage)(NT *a, unsigned int k, const NT *tw, size_t b0, size_t b1)
{
	const size_t half = (size_t)1 << (k - 1);

	for (size_t b = b0; b < b1;) {
		size_t g = b >> (k - 1), j = b & (half - 1);
		size_t end = b1 - b < half - j ? b1 - b : half - j;
		NT *x = a + (g << k) + j, *y = x + half;
		const NT *w = tw + j;

		for (size_t i = 0; i < end; i++) {
			NT u = x[i], v = y[i];

			NN(add)(&x[i], &u, &v);
			NN(sub)(&u, &u, &v);
			NN(mul)(&y[i], &u, &w[i]);
		}
		b += end;
	}
}

/* DIT stage of size 2^k over butterflies [b0, b1) of the vector a. */
static void NN(dit_stage)(NT *a, unsigned int k, const NT *tw, size_t b0, size_t b1)
{
	const size_t half = (size_t)1 << (k - 1);

	for (size_t b = b0; b < b1;) {
		size_t g = b >> (k - 1), j = b & (half - 1);
		size_t end = b1 - b < half - j ? b1 - b : half - j;
		NT *x = a + (g << k) + j, *y = x + half;
		const NT *w = tw + j;

		for (size_t i = 0; i < end; i++) {
			NT u = x[i], v;

			NN(mul)(&v, &y[i], &w[i]);
			NN(add)(&x[i], &u, &v);
			NN(sub)(&y[i], &u, &v);
		}
		b += end;
	}
}

enum NN(ntt_phase) {
	NN(PH_CHECK),		/* every element < p */
	NN(PH_BIG_DIF),		/* one stage over one vector */
	NN(PH_BIG_DIT),
	NN(PH_BLOCKS_DIF),	/* all small stages, every block of every vector */
	NN(PH_BLOCKS_DIT),
	NN(PH_BITREV),		/* permute one vector */
	NN(PH_REVERSE),		/* logical k <-> n - k in one vector */
	NN(PH_SCALE),		/* logical k times c * s^k in one vector */
};

struct NN(ntt_ctx) {
	NT *a;			/* current vector (or all, for CHECK and BLOCKS) */
	size_t n;		/* elements of the current phase's range */
	unsigned int log_n, k;
	const NT *const *tw;	/* tw[k] tables */
	int rev_storage;	/* REVERSE/SCALE: vector is stored bit-reversed */
	NT c, s;		/* SCALE factors */
	enum NN(ntt_phase) phase;
	int bad;		/* CHECK found a non-canonical element */
	int simd;		/* NTT_SIMD_OK() at the start of the call */
	const struct zkm_run *run;
};

static void NN(ntt_worker)(void *arg, unsigned int t, unsigned int nt)
{
	struct NN(ntt_ctx) *m = arg;

	switch (m->phase) {
	case NN(PH_CHECK): {
		size_t per = (m->n + nt - 1) / nt, lo = t * per;
		size_t hi = lo + per < m->n ? lo + per : m->n;

		for (size_t i = lo; i < hi; i++) {
			if (!NN(is_canonical)(&m->a[i])) {
				__atomic_store_n(&m->bad, 1, __ATOMIC_RELAXED);
				return;
			}
		}
		break;
	}
	case NN(PH_BIG_DIF):
	case NN(PH_BIG_DIT): {
		size_t bf = m->n / 2, per = (bf + nt - 1) / nt, lo = t * per;
		size_t hi = lo + per < bf ? lo + per : bf;

		if (lo >= hi)
			break;
#ifdef NTT_SIMD_OK
		if (m->simd && m->phase == NN(PH_BIG_DIF))
			NTT_SIMD_DIF_STAGE(m->a, m->k, m->tw[m->k], lo, hi);
		else if (m->simd)
			NTT_SIMD_DIT_STAGE(m->a, m->k, m->tw[m->k], lo, hi);
		else
#endif
		if (m->phase == NN(PH_BIG_DIF))
			NN(dif_stage)(m->a, m->k, m->tw[m->k], lo, hi);
		else
			NN(dit_stage)(m->a, m->k, m->tw[m->k], lo, hi);
		zkm_progress(m->run, hi - lo);
		break;
	}
	case NN(PH_BLOCKS_DIF):
	case NN(PH_BLOCKS_DIT): {
		/* m->n elements in blocks of 2^m->k, all stages 1..k in each */
		size_t bs = (size_t)1 << m->k, nblk = m->n >> m->k;
		size_t per = (nblk + nt - 1) / nt, lo = t * per;
		size_t hi = lo + per < nblk ? lo + per : nblk;

		for (size_t blk = lo; blk < hi; blk++) {
			NT *x = m->a + blk * bs;

			if (zkm_aborted(m->run))
				return;
#ifdef NTT_SIMD_OK
			if (m->simd && m->k >= NTT_SIMD_MIN_BLOCK) {
				if (m->phase == NN(PH_BLOCKS_DIF))
					NTT_SIMD_DIF_BLOCK(x, m->k, m->tw);
				else
					NTT_SIMD_DIT_BLOCK(x, m->k, m->tw);
			} else
#endif
			if (m->phase == NN(PH_BLOCKS_DIF)) {
				for (unsigned int k = m->k; k >= 1; k--)
					NN(dif_stage)(x, k, m->tw[k], 0, bs / 2);
			} else {
				for (unsigned int k = 1; k <= m->k; k++)
					NN(dit_stage)(x, k, m->tw[k], 0, bs / 2);
			}
			zkm_progress(m->run, (bs / 2) * m->k);
		}
		break;
	}
	case NN(PH_BITREV): {
		size_t per = (m->n + nt - 1) / nt, lo = t * per;
		size_t hi = lo + per < m->n ? lo + per : m->n;

		if (m->log_n >= 2 * NTT_TILE_LOG + 2) {
			/* tiles: mids [lo, hi) of the vector's 2^M mids */
			size_t nm = m->n >> (2 * NTT_TILE_LOG);

			per = (nm + nt - 1) / nt;
			lo = t * per;
			hi = lo + per < nm ? lo + per : nm;
			NN(bitrev_tiles)(m->a, m->log_n, lo, hi);
			break;
		}
		for (size_t i = lo; i < hi; i++) {
			size_t r = NN(bitrev)(i, m->log_n);

			if (i < r) {
				NT tmp = m->a[i];

				m->a[i] = m->a[r];
				m->a[r] = tmp;
			}
		}
		break;
	}
	case NN(PH_REVERSE): {
		/* swap logical k and n - k for 0 < k < n/2 */
		size_t cnt = m->n / 2 > 0 ? m->n / 2 - 1 : 0;
		size_t per = (cnt + nt - 1) / nt, lo = 1 + t * per;
		size_t hi = lo + per < cnt + 1 ? lo + per : cnt + 1;

		for (size_t k = lo; k < hi; k++) {
			size_t p = k, q = m->n - k;
			NT tmp;

			if (m->rev_storage) {
				p = NN(bitrev)(p, m->log_n);
				q = NN(bitrev)(q, m->log_n);
			}
			tmp = m->a[p];
			m->a[p] = m->a[q];
			m->a[q] = tmp;
		}
		break;
	}
	case NN(PH_SCALE): {
		/* logical k times c * s^k */
		size_t per = (m->n + nt - 1) / nt, lo = t * per;
		size_t hi = lo + per < m->n ? lo + per : m->n;
		NT f;
		uint64_t e = lo;

		if (lo >= hi)
			break;
		NN(pow)(&f, &m->s, &e, 1);
		NN(mul)(&f, &f, &m->c);
		for (size_t k = lo; k < hi; k++) {
			size_t p = m->rev_storage ? NN(bitrev)(k, m->log_n) : k;

			NN(mul)(&m->a[p], &m->a[p], &f);
			NN(mul)(&f, &f, &m->s);
		}
		break;
	}
	}
}

static void NN(ntt_run)(struct NN(ntt_ctx) *m, size_t work)
{
	zkm_parallel(zkm_threads_for(m->run, work, 8192), NN(ntt_worker), m);
}

static int NN(ntt)(void *data, unsigned int log_n, size_t batch, unsigned int flags,
		   const void *shift, const struct zkm_run *run)
{
	const size_t n = (size_t)1 << log_n;
	const int mont = !!(flags & ZKM_NTT_MONT);
	const int inverse = !!(flags & ZKM_NTT_INVERSE);
	const int rev_in = !!(flags & ZKM_NTT_BITREV_IN);
	const int rev_out = !!(flags & ZKM_NTT_BITREV_OUT);
	const int coset = !!(flags & (ZKM_NTT_COSET | ZKM_NTT_COSET_SHIFT)) || shift;
	const unsigned int blk = log_n < NTT_BLOCK_LOG ? log_n : NTT_BLOCK_LOG;
	const NT *tw[NTT_MAX_LOG + 1] = { 0 };
	struct NN(ntt_ctx) m;
	NT s, ninv;
	NT *a, *buf = NULL;
	int err = 0;

	if (log_n > NTT_ADICITY || log_n > NTT_MAX_LOG)
		return ZKM_EINVAL;
	if ((flags & ZKM_NTT_COSET_SHIFT) && !shift)
		return ZKM_EINVAL;
	if (batch > SIZE_MAX / n / sizeof(NT))
		return ZKM_EINVAL;
	NN(one)(&s);
	if (coset) {
		if (shift) {
			if (!NN(load)(&s, shift, mont) || NN(is_zero)(&s))
				return ZKM_ERANGE;
		} else {
			NTT_GEN(&s);
		}
	}
	for (unsigned int k = 1; k <= log_n; k++) {
		tw[k] = NN(twiddles)(k);
		if (!tw[k])
			return ZKM_ENOMEM;
	}

	/* Work on the buffer itself when its layout is ours; else on a copy. */
	a = data;
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ || ((uintptr_t)data & 7)) {
		const uint8_t *src = data;

		buf = malloc(batch * n * sizeof(NT));
		if (!buf)
			return ZKM_ENOMEM;
		for (size_t i = 0; i < batch * n; i++)
			for (int l = 0; l < NN(limbs); l++)
				buf[i].v[l] = zkm_load64(src + (i * NN(limbs) + l) * 8);
		a = buf;
	}

	memset(&m, 0, sizeof(m));
	m.run = run;
	m.tw = tw;
	m.log_n = log_n;
#ifdef NTT_SIMD_OK
	m.simd = NTT_SIMD_OK();
#endif

	m.phase = NN(PH_CHECK);
	m.a = a;
	m.n = batch * n;
	NN(ntt_run)(&m, m.n);
	if (m.bad) {
		err = ZKM_ERANGE;
		goto out;
	}

	/* Forward coset: coefficient k times s^k, before the transform. */
	if (coset && !inverse) {
		for (size_t v = 0; v < batch; v++) {
			m.phase = NN(PH_SCALE);
			m.a = a + v * n;
			m.n = n;
			m.rev_storage = rev_in;
			m.s = s;
			NN(one)(&m.c);
			NN(ntt_run)(&m, n);
		}
	}

	if (!rev_in) {
		/* DIF: large stages per vector, then all blocks */
		for (size_t v = 0; v < batch; v++) {
			for (unsigned int k = log_n; k > blk; k--) {
				if (zkm_aborted(run)) {
					err = ZKM_EABORTED;
					goto out;
				}
				m.phase = NN(PH_BIG_DIF);
				m.a = a + v * n;
				m.n = n;
				m.k = k;
				NN(ntt_run)(&m, n);
			}
		}
		if (blk) {
			m.phase = NN(PH_BLOCKS_DIF);
			m.a = a;
			m.n = batch * n;
			m.k = blk;
			NN(ntt_run)(&m, m.n);
		}
	} else {
		if (blk) {
			m.phase = NN(PH_BLOCKS_DIT);
			m.a = a;
			m.n = batch * n;
			m.k = blk;
			NN(ntt_run)(&m, m.n);
		}
		for (size_t v = 0; v < batch; v++) {
			for (unsigned int k = blk + 1; k <= log_n; k++) {
				if (zkm_aborted(run)) {
					err = ZKM_EABORTED;
					goto out;
				}
				m.phase = NN(PH_BIG_DIT);
				m.a = a + v * n;
				m.n = n;
				m.k = k;
				NN(ntt_run)(&m, n);
			}
		}
	}
	if (zkm_aborted(run)) {
		err = ZKM_EABORTED;
		goto out;
	}
	/* the result is now stored bit-reversed iff the input was natural */
	if (rev_out == rev_in) {
		/* stored order is the opposite of the requested one */
		for (size_t v = 0; v < batch; v++) {
			m.phase = NN(PH_BITREV);
			m.a = a + v * n;
			m.n = n;
			NN(ntt_run)(&m, n);
		}
	}

	if (inverse) {
		NN(inv_pow2)(&ninv, log_n);
		if (coset)
			NN(inv)(&s, &s);
		for (size_t v = 0; v < batch; v++) {
			m.a = a + v * n;
			m.n = n;
			m.rev_storage = rev_out;
			m.phase = NN(PH_REVERSE);
			NN(ntt_run)(&m, n);
			m.phase = NN(PH_SCALE);
			m.c = ninv;
			if (coset)
				m.s = s;
			else
				NN(one)(&m.s);
			NN(ntt_run)(&m, n);
		}
	}
	if (buf) {
		uint8_t *dst = data;

		for (size_t i = 0; i < batch * n; i++)
			for (int l = 0; l < NN(limbs); l++)
				zkm_store64(dst + (i * NN(limbs) + l) * 8, buf[i].v[l]);
	}
out:
	free(buf);
	return err;
}

#undef NN
#undef NT
#undef NTT_BLOCK_LOG
#undef NTT_MAX_LOG
#undef NTT_TILE_LOG
#undef NTT_TILE_MAX
