// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zkasic device model core: the engines. A validated command runs here:
 * NOP and FENCE on the queue itself, COPY and FILL on the queue's DMA
 * channel, MSM, NTT and VEC on an engine of their kind taken from the
 * device's pool (a queue waits while all of that kind are busy), computed
 * for real by the math core (runtime/math, zkmath.h) so that results equal
 * the runtime's CPU backend bit for bit.
 *
 * Engines stage data in host memory taken from a device-wide budget
 * (struct zk_sku.work_budget): whatever counts and mappings a guest
 * submits, the emulator's memory use stays bounded. MSM works in slices of
 * bases and adds the partial results with a final MSM whose scalars are 1;
 * NTT reads, transforms and writes whole vectors (several per call when
 * small); VEC works in slices of elements. A slice is ZK_SLICE_BYTES unless
 * configured smaller; an NTT vector is never split, so the largest (2^24
 * 32-byte elements) stages 512 MiB.
 *
 * Overlap: COPY behaves like memmove for overlapping iova ranges; NTT reads
 * each group of vectors whole before writing it (dst may equal src0); VEC
 * may have dst equal to src0 or src1. Other aliasing gives results that are
 * deterministic but unspecified.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <endian.h>

#include "zkasic_internal.h"
#include <zkasic/zkmath.h>

/* Sum of the other queues' Q_PROGRESS. */
static uint64_t zk_others_progress(struct zkasic_dev *d, struct zk_queue *q)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < d->nqueues; i++)
		if (&d->q[i] != q)
			sum += zk_load(&d->q[i].progress);
	return sum;
}

/*
 * Wait (dev->lock held) until an engine or staging memory is given back.
 * A queue waiting behind other queues' work is not hung: while theirs
 * progresses, so does its Q_PROGRESS, so that a driver's progress
 * watchdog only fires on a device that really stopped.
 */
static void zk_wait_resource(struct zk_job *j, uint64_t *seen)
{
	struct zkasic_dev *d = j->dev;
	struct timespec ts;
	uint64_t others;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 50 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&d->res_cond, &d->lock, &ts);
	others = zk_others_progress(d, j->q);
	if (others != *seen) {
		*seen = others;
		__atomic_fetch_add(&j->q->progress, 1, __ATOMIC_RELAXED);
	}
}

void *zk_work_alloc(struct zk_job *j, uint64_t bytes, int *status)
{
	struct zkasic_dev *d = j->dev;
	uint64_t seen;
	void *p;

	if (bytes > d->work_budget || bytes != (size_t)bytes) {
		*status = DRM_ZKASIC_STATUS_INTERNAL;
		return NULL;
	}
	pthread_mutex_lock(&d->lock);
	seen = zk_others_progress(d, j->q);
	while (zk_job_live(j) && d->work_budget - d->work_used < bytes)
		zk_wait_resource(j, &seen);
	if (!zk_job_live(j)) {
		pthread_mutex_unlock(&d->lock);
		*status = ZK_ABORT;
		return NULL;
	}
	d->work_used += bytes;
	pthread_mutex_unlock(&d->lock);

	p = malloc(bytes ? bytes : 1);
	if (!p) {
		zk_work_free(j, NULL, bytes);
		*status = DRM_ZKASIC_STATUS_INTERNAL;
	}
	return p;
}

void zk_work_free(struct zk_job *j, void *p, uint64_t bytes)
{
	struct zkasic_dev *d = j->dev;

	free(p);
	pthread_mutex_lock(&d->lock);
	d->work_used -= bytes;
	pthread_cond_broadcast(&d->res_cond);
	pthread_mutex_unlock(&d->lock);
}

/* Take a free engine of @kind; returns its BUSY_NS index or ZK_ABORT. */
static int zk_engine_get(struct zk_job *j, enum zk_engine_kind kind)
{
	struct zkasic_dev *d = j->dev;
	unsigned int first, n, i;
	int got = ZK_ABORT;
	uint64_t seen;

	switch (kind) {
	case ZK_ENGINE_MSM:
		first = 0;
		n = d->n_msm;
		break;
	case ZK_ENGINE_NTT:
		first = d->n_msm;
		n = d->n_ntt;
		break;
	default:
		first = d->n_msm + d->n_ntt;
		n = d->n_vec;
		break;
	}
	pthread_mutex_lock(&d->lock);
	seen = zk_others_progress(d, j->q);
	while (zk_job_live(j)) {
		for (i = first; i < first + n; i++) {
			if (!d->engines[i].busy) {
				d->engines[i].busy = true;
				d->engines[i].busy_since = zk_now(d);
				got = (int)i;
				break;
			}
		}
		if (got >= 0)
			break;
		zk_wait_resource(j, &seen);
	}
	pthread_mutex_unlock(&d->lock);
	return got;
}

/* Give the engine back, charging @pj of work to the energy model. */
static void zk_engine_put(struct zk_job *j, unsigned int e, uint64_t pj)
{
	struct zkasic_dev *d = j->dev;

	pthread_mutex_lock(&d->lock);
	d->engines[e].busy_ns += zk_now(d) - d->engines[e].busy_since;
	d->engines[e].busy = false;
	zk_tel_update(d);
	zk_tel_charge(d, pj);
	pthread_cond_broadcast(&d->res_cond);
	pthread_mutex_unlock(&d->lock);
}

static void zk_exec_opts(struct zk_job *j, struct zkm_exec *ex)
{
	ex->threads = j->dev->cfg.engine_threads;
	ex->progress = &j->q->progress;
	ex->abort = &j->q->abort;
}

/* Math core result -> command status. */
static int zk_math_status(struct zk_job *j, int err)
{
	switch (err) {
	case ZKM_OK:
		return 0;
	case ZKM_ERANGE:
	case ZKM_EINVAL:
		return DRM_ZKASIC_STATUS_INVALID_VALUE;
	case ZKM_EABORTED:
		return zk_job_live(j) ? DRM_ZKASIC_STATUS_INTERNAL : ZK_ABORT;
	default:
		return DRM_ZKASIC_STATUS_INTERNAL;
	}
}

static int zk_exec_fence(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	uint64_t v = htole64(c->arg);

	if (!(c->flags & DRM_ZKASIC_FENCE_F_WRITE))
		return 0;
	return zk_mmu_write(j, c->dst, &v, sizeof(v));
}

/* DMA channel time goes to the shared DMA engine's BUSY_NS. */
static void zk_dma_account(struct zk_job *j, uint64_t start)
{
	struct zkasic_dev *d = j->dev;

	pthread_mutex_lock(&d->lock);
	d->engines[d->dma_engine].busy_ns += zk_now(d) - start;
	pthread_mutex_unlock(&d->lock);
}

/* COPY and FILL bounce through at most 4 MiB (or the staging slice). */
static uint64_t zk_dma_slice(struct zk_job *j, uint64_t len)
{
	uint64_t slice = 4ULL << 20;

	if (slice > j->dev->slice_bytes)
		slice = j->dev->slice_bytes;
	return len < slice ? len : slice;
}

static int zk_exec_copy(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	uint64_t len = c->count, done = 0, start = zk_now(j->dev);
	uint64_t slice = zk_dma_slice(j, len);
	/* Overlapping with dst above src: copy from the end, like memmove. */
	bool backward = c->dst > c->src0 && c->dst - c->src0 < len;
	uint8_t *buf;
	int ret = 0;

	if (!len)
		return 0;
	buf = zk_work_alloc(j, slice, &ret);
	if (!buf)
		return ret;
	while (!ret && done < len) {
		uint64_t n = len - done < slice ? len - done : slice;
		uint64_t off = backward ? len - done - n : done;

		ret = zk_mmu_read(j, c->src0 + off, buf, n);
		if (!ret)
			ret = zk_mmu_write(j, c->dst + off, buf, n);
		done += n;
	}
	zk_work_free(j, buf, slice);
	zk_dma_account(j, start);
	return ret;
}

static int zk_exec_fill(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	uint64_t len = c->count, done = 0, start = zk_now(j->dev);
	uint64_t slice = zk_dma_slice(j, len);
	uint8_t *buf;
	int ret = 0;

	if (!len)
		return 0;
	buf = zk_work_alloc(j, slice, &ret);
	if (!buf)
		return ret;
	memset(buf, (int)(c->arg & 0xff), slice);
	while (!ret && done < len) {
		uint64_t n = len - done < slice ? len - done : slice;

		ret = zk_mmu_write(j, c->dst + done, buf, n);
		done += n;
	}
	zk_work_free(j, buf, slice);
	zk_dma_account(j, start);
	return ret;
}

static unsigned int zk_msm_flags(uint16_t flags)
{
	unsigned int f = 0;

	if (flags & DRM_ZKASIC_MSM_F_SCALARS_MONT)
		f |= ZKM_MSM_SCALARS_MONT;
	if (flags & DRM_ZKASIC_MSM_F_POINTS_MONT)
		f |= ZKM_MSM_POINTS_MONT;
	return f;
}

/*
 * sum(partials[k] * 1): the partial MSM results added up. Scalars are in
 * standard form; the points keep the command's form (POINTS_MONT).
 */
static int zk_msm_combine(struct zk_job *j, int curve, const uint8_t *partials,
			  uint64_t nparts, unsigned int flags, uint8_t *result,
			  const struct zkm_exec *ex)
{
	uint8_t *ones = calloc(nparts, 32);
	uint64_t k;
	int err;

	if (!ones)
		return DRM_ZKASIC_STATUS_INTERNAL;
	for (k = 0; k < nparts; k++)
		ones[32 * k] = 1;
	err = zkm_msm(curve, partials, ones, nparts,
		      flags & ZKM_MSM_POINTS_MONT, result, ex);
	free(ones);
	return zk_math_status(j, err);
}

static int zk_exec_msm(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	uint64_t pb = zkm_point_bytes(c->kind);
	uint64_t n = c->count, slice, nparts, bytes, k;
	unsigned int flags = zk_msm_flags(c->flags);
	uint8_t result[256], *partials, *buf;
	struct zkm_exec ex;
	int engine, ret = 0;

	if (pb > sizeof(result))
		return DRM_ZKASIC_STATUS_INTERNAL;
	if (!n) {
		memset(result, 0, pb);	/* the empty sum: infinity */
		return zk_mmu_write(j, c->dst, result, pb);
	}
	slice = j->dev->slice_bytes / (pb + 32);
	if (!slice)
		slice = 1;
	if (slice > n)
		slice = n;
	nparts = (n + slice - 1) / slice;
	bytes = slice * (pb + 32);
	partials = calloc(nparts, pb);
	if (!partials)
		return DRM_ZKASIC_STATUS_INTERNAL;

	engine = zk_engine_get(j, ZK_ENGINE_MSM);
	if (engine < 0) {
		free(partials);
		return ZK_ABORT;
	}
	zk_exec_opts(j, &ex);
	buf = zk_work_alloc(j, bytes, &ret);
	for (k = 0; buf && !ret && k < nparts; k++) {
		uint64_t first = k * slice;
		uint64_t m = n - first < slice ? n - first : slice;
		uint8_t *bases = buf, *scalars = buf + slice * pb;

		ret = zk_mmu_read(j, c->src0 + first * pb, bases, m * pb);
		if (!ret)
			ret = zk_mmu_read(j, c->src1 + first * 32, scalars, m * 32);
		if (!ret)
			ret = zk_math_status(j, zkm_msm(c->kind, bases, scalars, m,
							flags, partials + k * pb,
							&ex));
	}
	if (buf)
		zk_work_free(j, buf, bytes);
	if (!ret && nparts > 1)
		ret = zk_msm_combine(j, c->kind, partials, nparts, flags,
				     result, &ex);
	else if (!ret)
		memcpy(result, partials, pb);
	free(partials);
	if (!ret)
		ret = zk_mmu_write(j, c->dst, result, pb);
	zk_engine_put(j, engine, ret ? 0 : zk_energy_msm(c->kind, n));
	return ret;
}

static unsigned int zk_ntt_flags(uint16_t flags)
{
	unsigned int f = 0;

	if (flags & DRM_ZKASIC_NTT_F_INVERSE)
		f |= ZKM_NTT_INVERSE;
	if (flags & DRM_ZKASIC_NTT_F_COSET)
		f |= ZKM_NTT_COSET;
	if (flags & DRM_ZKASIC_NTT_F_COSET_SHIFT)
		f |= ZKM_NTT_COSET_SHIFT;
	if (flags & DRM_ZKASIC_NTT_F_BITREV_IN)
		f |= ZKM_NTT_BITREV_IN;
	if (flags & DRM_ZKASIC_NTT_F_BITREV_OUT)
		f |= ZKM_NTT_BITREV_OUT;
	if (flags & DRM_ZKASIC_NTT_F_MONT)
		f |= ZKM_NTT_MONT;
	return f;
}

static int zk_exec_ntt(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	uint64_t fb = zkm_field_bytes(c->kind);
	uint64_t vec_bytes = (uint64_t)c->count * fb, batch = c->arg;
	unsigned int log_n = __builtin_ctz(c->count);
	unsigned int flags = zk_ntt_flags(c->flags);
	uint64_t group, bytes, v;
	uint8_t shift[64], *buf;
	struct zkm_exec ex;
	int engine, ret = 0;

	if (fb > sizeof(shift))
		return DRM_ZKASIC_STATUS_INTERNAL;
	group = vec_bytes >= j->dev->slice_bytes ? 1 :
		j->dev->slice_bytes / vec_bytes;
	if (group > batch)
		group = batch;
	bytes = group * vec_bytes;

	engine = zk_engine_get(j, ZK_ENGINE_NTT);
	if (engine < 0)
		return ZK_ABORT;
	zk_exec_opts(j, &ex);
	if (c->flags & DRM_ZKASIC_NTT_F_COSET_SHIFT)
		ret = zk_mmu_read(j, c->src1, shift, fb);
	buf = ret ? NULL : zk_work_alloc(j, bytes, &ret);
	for (v = 0; buf && !ret && v < batch; v += group) {
		uint64_t m = batch - v < group ? batch - v : group;

		ret = zk_mmu_read(j, c->src0 + v * vec_bytes, buf, m * vec_bytes);
		if (!ret)
			ret = zk_math_status(j, zkm_ntt(c->kind, buf, log_n, m, flags,
							(c->flags & DRM_ZKASIC_NTT_F_COSET_SHIFT) ?
							shift : NULL, &ex));
		if (!ret)
			ret = zk_mmu_write(j, c->dst + v * vec_bytes, buf,
					   m * vec_bytes);
	}
	if (buf)
		zk_work_free(j, buf, bytes);
	zk_engine_put(j, engine, ret ? 0 : zk_energy_ntt(c->kind, log_n, batch));
	return ret;
}

static int zk_vec_op(uint64_t op)
{
	switch (op) {
	case DRM_ZKASIC_VEC_ADD:
		return ZKM_VEC_ADD;
	case DRM_ZKASIC_VEC_SUB:
		return ZKM_VEC_SUB;
	case DRM_ZKASIC_VEC_MUL:
		return ZKM_VEC_MUL;
	case DRM_ZKASIC_VEC_SCALE:
		return ZKM_VEC_SCALE;
	case DRM_ZKASIC_VEC_TO_MONT:
		return ZKM_VEC_TO_MONT;
	default:
		return ZKM_VEC_FROM_MONT;
	}
}

static int zk_exec_vec(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	uint64_t fb = zkm_field_bytes(c->kind);
	uint64_t n = c->count, slice, bytes, i;
	int op = zk_vec_op(c->arg);
	bool binary = op == ZKM_VEC_ADD || op == ZKM_VEC_SUB ||
		      op == ZKM_VEC_MUL;
	unsigned int flags = (c->flags & DRM_ZKASIC_VEC_F_MONT) ?
			     ZKM_VEC_MONT : 0;
	uint8_t *a, *b = NULL, scale[64];
	struct zkm_exec ex;
	int engine, ret = 0;

	if (!n)
		return 0;
	if (fb > sizeof(scale))
		return DRM_ZKASIC_STATUS_INTERNAL;
	slice = j->dev->slice_bytes / (2 * fb);
	if (!slice)
		slice = 1;
	if (slice > n)
		slice = n;
	bytes = slice * fb * (binary ? 2 : 1);

	engine = zk_engine_get(j, ZK_ENGINE_VEC);
	if (engine < 0)
		return ZK_ABORT;
	zk_exec_opts(j, &ex);
	if (op == ZKM_VEC_SCALE) {
		ret = zk_mmu_read(j, c->src1, scale, fb);
		b = scale;
	}
	a = ret ? NULL : zk_work_alloc(j, bytes, &ret);
	if (a && binary)
		b = a + slice * fb;
	for (i = 0; a && !ret && i < n; i += slice) {
		uint64_t m = n - i < slice ? n - i : slice;

		ret = zk_mmu_read(j, c->src0 + i * fb, a, m * fb);
		if (!ret && binary)
			ret = zk_mmu_read(j, c->src1 + i * fb, b, m * fb);
		if (!ret)
			ret = zk_math_status(j, zkm_vec(c->kind, op, a,
							b ? b : a, a, m, flags,
							&ex));
		if (!ret)
			ret = zk_mmu_write(j, c->dst + i * fb, a, m * fb);
	}
	if (a)
		zk_work_free(j, a, bytes);
	zk_engine_put(j, engine, ret ? 0 : zk_energy_vec(c->kind, c->arg, n));
	return ret;
}

int zk_cmd_execute(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	switch (c->opcode) {
	case DRM_ZKASIC_OP_NOP:
		return 0;
	case DRM_ZKASIC_OP_FENCE:
		return zk_exec_fence(j, c);
	case DRM_ZKASIC_OP_COPY:
		return zk_exec_copy(j, c);
	case DRM_ZKASIC_OP_FILL:
		return zk_exec_fill(j, c);
	case DRM_ZKASIC_OP_MSM:
		return zk_exec_msm(j, c);
	case DRM_ZKASIC_OP_NTT:
		return zk_exec_ntt(j, c);
	case DRM_ZKASIC_OP_VEC:
		return zk_exec_vec(j, c);
	}
	return DRM_ZKASIC_STATUS_INVALID_OPCODE;
}
