// SPDX-License-Identifier: MIT
/*
 * The operation layer: MSM, NTT and vector ops on host memory, run by the
 * CPU backend (the math core) or by one or more zkasic devices.
 *
 * On devices an operation is cut into parts: an MSM into chunks of at most
 * 2^msm_chunk_log2 points (and the device's limit), a batch of NTTs into
 * groups of vectors. Parts go round-robin over the context's devices and
 * their queues, each through its own staging buffer (host -> buffer ->
 * device -> buffer -> host), with a bounded number in flight so that an MSM
 * of any size streams through a fixed amount of pinned memory. An MSM's
 * partial sums are added on the host at the end (an MSM of the partial
 * points with scalars 1).
 *
 * zk_*_async() starts an operation and returns a zk_op; zk_op_wait()
 * finishes it (submitting the parts that did not fit in flight yet) and
 * writes the results. The synchronous calls are the two in a row. A context
 * may be used by many threads at once: its lock covers the batches and the
 * buffer cache, never a wait for the device.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "elem.h"
#include "ids.h"
#include "internal.h"

#define ZK_MAX_DEVICES		16
#define ZK_MSM_CHUNK_LOG2	20		/* points per MSM part */
#define ZK_NTT_PART_BYTES	(64ULL << 20)	/* vectors per NTT part */
#define ZK_INFLIGHT_PER_DEV	3
#define ZK_CACHED_BUFFERS	4

struct zk_dev_slot {
	struct zk_device *dev;
	struct zk_batch *batch;			/* under ctx->lock */
	unsigned int next_queue;		/* under ctx->lock */
	struct zk_buffer *cache[ZK_CACHED_BUFFERS];	/* under ctx->lock */
};

struct zk_ctx {
	enum zk_backend backend;
	unsigned int threads;
	int queue;				/* -1: round robin */
	unsigned int msm_chunk_log2;
	pthread_mutex_t lock;
	unsigned int next_dev;			/* under lock */
	unsigned int ndev;
	struct zk_dev_slot devs[ZK_MAX_DEVICES];
};

enum zk_op_kind { ZK_OP_MSM, ZK_OP_NTT, ZK_OP_VEC };

struct zk_part {
	struct zk_dev_slot *slot;
	struct zk_buffer *buf;
	uint64_t seqno;
	/* The op's items this part carries: points (MSM), vectors (NTT), elements (VEC). */
	size_t first_item, n_items;
};

struct zk_op {
	struct zk_ctx *ctx;
	enum zk_op_kind kind;
	int id;			/* curve or field */
	int vec_op;
	unsigned int flags;
	const uint8_t *in0, *in1;
	uint8_t *out;
	size_t n;		/* points, vectors or elements */
	unsigned int log_n;
	/*
	 * Bytes per item of each array (point + scalar for MSM, a vector for
	 * NTT, an element for VEC); in1_shared_bytes is non-zero when one
	 * in1 value serves every item (VEC SCALE's factor).
	 */
	size_t in0_item_bytes, in1_item_bytes, out_item_bytes, in1_shared_bytes;
	uint8_t shift[64];
	int has_shift;
	uint8_t *partials;	/* MSM: one point per part */
	size_t nparts, next_submit, next_collect;
	struct zk_part *parts;
	/* CPU backend: the work runs on a thread of its own. */
	pthread_t thread;
	int threaded;
	int ret;
	char msg[256];		/* its error, for the waiting thread */
};

const char *zk_backend_name(enum zk_backend backend)
{
	switch (backend) {
	case ZK_BACKEND_CPU: return "cpu";
	case ZK_BACKEND_ACCEL: return "accel";
	default: return "auto";
	}
}

/* "0,2": the device indexes ZKASIC_DEVICES selects; all when unset. */
static int select_devices(int *idx, int max)
{
	const char *env = getenv("ZKASIC_DEVICES");
	int n = 0, count = zk_device_count();
	char *end;

	if (!env || !*env) {
		for (n = 0; n < count && n < max; n++)
			idx[n] = n;
		return n;
	}
	while (*env && n < max) {
		long v = strtol(env, &end, 10);

		if (end == env || v < 0 || v >= count)
			return zk_fail(-EINVAL, "ZKASIC_DEVICES=%s: no device %.*s",
				       getenv("ZKASIC_DEVICES"), (int)strcspn(env, ","), env);
		idx[n++] = (int)v;
		env = *end == ',' ? end + 1 : end;
	}
	return n;
}

static int open_devices(struct zk_ctx *ctx)
{
	int idx[ZK_MAX_DEVICES], n, i, ret;

	n = select_devices(idx, ZK_MAX_DEVICES);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		struct zk_dev_slot *s = &ctx->devs[ctx->ndev];

		ret = zk_device_open(&s->dev, idx[i]);
		if (!ret) {
			ret = zk_batch_new(s->dev, 16, &s->batch);
			if (ret)
				zk_device_close(s->dev);
		}
		if (ret)
			return ret;
		ctx->ndev++;
	}
	return n ? 0 : zk_fail(-ENODEV, "no zkasic device");
}

static void close_devices(struct zk_ctx *ctx)
{
	unsigned int i, k;

	for (i = 0; i < ctx->ndev; i++) {
		for (k = 0; k < ZK_CACHED_BUFFERS; k++)
			zk_buffer_free(ctx->devs[i].cache[k]);
		zk_batch_free(ctx->devs[i].batch);
		zk_device_close(ctx->devs[i].dev);
	}
	memset(ctx->devs, 0, sizeof(ctx->devs));
	ctx->ndev = 0;
}

int zk_open(struct zk_ctx **out, enum zk_backend backend)
{
	const char *env = getenv("ZKASIC_BACKEND");
	const char *chunk = getenv("ZKASIC_MSM_CHUNK_LOG2");
	struct zk_ctx *ctx;
	int ret;

	*out = NULL;
	if (backend == ZK_BACKEND_AUTO && env && *env) {
		if (!strcasecmp(env, "cpu"))
			backend = ZK_BACKEND_CPU;
		else if (!strcasecmp(env, "accel"))
			backend = ZK_BACKEND_ACCEL;
		else if (strcasecmp(env, "auto"))
			return zk_fail(-EINVAL, "ZKASIC_BACKEND=%s: use cpu, accel or auto", env);
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return zk_fail(-ENOMEM, "context");
	pthread_mutex_init(&ctx->lock, NULL);
	ctx->queue = -1;
	ctx->msm_chunk_log2 = ZK_MSM_CHUNK_LOG2;
	if (chunk && *chunk) {
		unsigned long v = strtoul(chunk, NULL, 10);

		if (v >= 4 && v <= 26)
			ctx->msm_chunk_log2 = (unsigned int)v;
	}
	if (backend != ZK_BACKEND_CPU) {
		ret = open_devices(ctx);
		if (ret) {
			close_devices(ctx);
			if (backend == ZK_BACKEND_ACCEL) {
				pthread_mutex_destroy(&ctx->lock);
				free(ctx);
				return ret;
			}
		}
	}
	ctx->backend = ctx->ndev ? ZK_BACKEND_ACCEL : ZK_BACKEND_CPU;
	*out = ctx;
	return 0;
}

void zk_close(struct zk_ctx *ctx)
{
	if (!ctx)
		return;
	close_devices(ctx);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

enum zk_backend zk_ctx_backend(const struct zk_ctx *ctx)
{
	return ctx->backend;
}

struct zk_device *zk_ctx_device(struct zk_ctx *ctx)
{
	return ctx->ndev ? ctx->devs[0].dev : NULL;
}

unsigned int zk_ctx_device_count(const struct zk_ctx *ctx)
{
	return ctx->ndev;
}

struct zk_device *zk_ctx_device_at(struct zk_ctx *ctx, unsigned int i)
{
	return i < ctx->ndev ? ctx->devs[i].dev : NULL;
}

void zk_ctx_set_threads(struct zk_ctx *ctx, unsigned int threads)
{
	ctx->threads = threads;
}

int zk_ctx_set_queue(struct zk_ctx *ctx, unsigned int queue)
{
	unsigned int i;

	for (i = 0; i < ctx->ndev; i++)
		if (queue >= ctx->devs[i].dev->info.num_queues)
			return zk_fail(-EINVAL, "queue %u: %s has %u queues", queue,
				       ctx->devs[i].dev->info.path,
				       ctx->devs[i].dev->info.num_queues);
	ctx->queue = (int)queue;
	return 0;
}

/* ---- staging buffers ------------------------------------------------- */

/* A cached buffer of at least @size bytes, or a new one. Under ctx->lock. */
static int buffer_get(struct zk_dev_slot *s, uint64_t size, struct zk_buffer **out)
{
	uint64_t want = 1ULL << 20;
	int best = -1, k;

	for (k = 0; k < ZK_CACHED_BUFFERS; k++)
		if (s->cache[k] && s->cache[k]->size >= size &&
		    (best < 0 || s->cache[k]->size < s->cache[best]->size))
			best = k;
	if (best >= 0) {
		*out = s->cache[best];
		s->cache[best] = NULL;
		return 0;
	}
	while (want < size)
		want <<= 1;
	return zk_buffer_alloc(s->dev, want, 0, out);
}

/* Keep @buf for reuse: in a free slot, else in place of a smaller one. */
static void buffer_put(struct zk_ctx *ctx, struct zk_dev_slot *s, struct zk_buffer *buf)
{
	struct zk_buffer *drop = buf;
	int k, slot = -1;

	if (!buf)
		return;
	pthread_mutex_lock(&ctx->lock);
	for (k = 0; k < ZK_CACHED_BUFFERS && slot < 0; k++)
		if (!s->cache[k])
			slot = k;
	if (slot >= 0) {
		drop = NULL;
	} else {
		for (k = 0; k < ZK_CACHED_BUFFERS; k++)
			if (s->cache[k]->size < drop->size) {
				slot = k;
				drop = s->cache[k];
			}
	}
	if (slot >= 0)
		s->cache[slot] = buf;
	pthread_mutex_unlock(&ctx->lock);
	zk_buffer_free(drop);
}

/* ---- parts ----------------------------------------------------------- */

static int check_mul(size_t a, size_t b, size_t *out)
{
	if (b && a > SIZE_MAX / b)
		return zk_fail(-EOVERFLOW, "size %zu x %zu overflows", a, b);
	*out = a * b;
	return 0;
}

static uint64_t part_bytes(const struct zk_op *op, const struct zk_part *p)
{
	switch (op->kind) {
	case ZK_OP_MSM:
		return p->n_items * (op->in0_item_bytes + op->in1_item_bytes) + op->out_item_bytes;
	case ZK_OP_NTT:
		return p->n_items * op->in0_item_bytes + (op->has_shift ? 64 : 0);
	default:
		return p->n_items * (op->in0_item_bytes + op->out_item_bytes) +
		       (op->in1_shared_bytes ? op->in1_shared_bytes : p->n_items * op->in1_item_bytes);
	}
}

/* Stage part @p's inputs and queue its command. */
static int part_submit(struct zk_op *op, struct zk_part *p)
{
	struct zk_ctx *ctx = op->ctx;
	struct drm_zkasic_cmd *cmd;
	struct zk_dev_slot *s;
	unsigned int queue;
	uint64_t iova;
	uint8_t *map;
	size_t a, b;
	int ret;

	pthread_mutex_lock(&ctx->lock);
	s = &ctx->devs[ctx->next_dev++ % ctx->ndev];
	p->slot = s;
	ret = buffer_get(s, part_bytes(op, p), &p->buf);
	if (ret)
		goto out;
	map = p->buf->map;
	iova = p->buf->iova;
	cmd = zk_batch_get_cmd(s->batch);
	switch (op->kind) {
	case ZK_OP_MSM:
		a = p->n_items * op->in0_item_bytes;
		b = p->n_items * op->in1_item_bytes;
		memcpy(map, op->in0 + p->first_item * op->in0_item_bytes, a);
		memcpy(map + a, op->in1 + p->first_item * op->in1_item_bytes, b);
		zk_prep_msm(cmd, op->id, iova, iova + a, (uint32_t)p->n_items, iova + a + b,
			    op->flags);
		break;
	case ZK_OP_NTT:
		a = p->n_items * op->in0_item_bytes;
		memcpy(map, op->out + p->first_item * op->in0_item_bytes, a);
		zk_prep_ntt(cmd, op->id, iova, iova, op->log_n, (uint32_t)p->n_items, op->flags);
		if (op->has_shift) {
			memcpy(map + a, op->shift, op->out_item_bytes);
			cmd->src1 = iova + a;
		}
		break;
	default:
		a = p->n_items * op->in0_item_bytes;
		b = op->in1_shared_bytes ? op->in1_shared_bytes : p->n_items * op->in1_item_bytes;
		memcpy(map, op->in0 + p->first_item * op->in0_item_bytes, a);
		if (b)
			memcpy(map + a, op->in1_shared_bytes ? op->in1 :
			       op->in1 + p->first_item * op->in1_item_bytes, b);
		zk_prep_vec(cmd, op->id, op->vec_op, iova, b ? iova + a : 0, iova + a + b,
			    (uint32_t)p->n_items, op->flags);
		break;
	}
	queue = ctx->queue >= 0 ? (unsigned int)ctx->queue :
		s->next_queue++ % s->dev->info.num_queues;
	ret = zk_batch_submit(s->batch, queue, 0, &p->seqno);
	if (ret)
		zk_batch_reset(s->batch);
out:
	pthread_mutex_unlock(&ctx->lock);
	if (ret) {
		buffer_put(ctx, s, p->buf);
		p->buf = NULL;
		return ret;
	}
	return 0;
}

static const char *op_name(const struct zk_op *op)
{
	return op->kind == ZK_OP_MSM ? "MSM" : op->kind == ZK_OP_NTT ? "NTT" : "vector op";
}

/*
 * out = the sum of @n packed points (Montgomery form if @flags has
 * ZKM_MSM_POINTS_MONT): how the results of an MSM's parts, devices or
 * summed MSMs are added on the host.
 */
static int points_add(int curve, const uint8_t *pts, size_t n, unsigned int flags, void *out,
		      const char *what)
{
	return zk_fail_math(zkm_points_sum(curve, pts, n, flags & ZKM_MSM_POINTS_MONT, out), what);
}

/*
 * A device's MSM result must be a point on the curve: checking the curve
 * equation costs a few multiplications and catches a corrupted result (a
 * flipped bit almost never lands on the curve) instead of returning it.
 */
static int msm_result_check(int curve, unsigned int flags, const uint8_t *point,
			    const struct zk_device *dev)
{
	if (!zkm_point_check(curve, point, flags & ZKM_MSM_POINTS_MONT))
		return 0;
	return zk_fail(-EIO, "MSM on %s returned a point that is not on the curve (device fault)",
		       dev->info.path);
}

/* Wait for part @p and copy its results out. */
static int part_collect(struct zk_op *op, struct zk_part *p)
{
	struct zk_result res;
	uint8_t *map;
	size_t a, b;
	int ret;

	ret = zk_wait(p->slot->dev, p->seqno, -1, &res);
	if (!ret && res.status == DRM_ZKASIC_STATUS_INVALID_VALUE)
		ret = zk_fail(-ERANGE, "%s: %s", op_name(op), op->kind == ZK_OP_MSM ?
			      "a scalar or base is out of range or not on the curve" :
			      "an element is not below the modulus");
	else if (!ret && res.status != DRM_ZKASIC_STATUS_OK)
		ret = zk_fail(-EIO, "%s on %s failed: %s", op_name(op),
			      p->slot->dev->info.path, zk_status_str(res.status));
	if (!ret) {
		map = p->buf->map;
		switch (op->kind) {
		case ZK_OP_MSM:
			a = p->n_items * (op->in0_item_bytes + op->in1_item_bytes);
			memcpy(op->partials + (p - op->parts) * op->out_item_bytes, map + a,
			       op->out_item_bytes);
			ret = msm_result_check(op->id, op->flags,
					       op->partials + (p - op->parts) * op->out_item_bytes,
					       p->slot->dev);
			break;
		case ZK_OP_NTT:
			memcpy(op->out + p->first_item * op->in0_item_bytes, map, p->n_items * op->in0_item_bytes);
			break;
		default:
			a = p->n_items * op->in0_item_bytes;
			b = op->in1_shared_bytes ? op->in1_shared_bytes : p->n_items * op->in1_item_bytes;
			memcpy(op->out + p->first_item * op->out_item_bytes, map + a + b,
			       p->n_items * op->out_item_bytes);
			break;
		}
	}
	buffer_put(op->ctx, p->slot, p->buf);
	p->buf = NULL;
	return ret;
}

/* Keep up to the in-flight limit of parts on the devices. */
static int op_fill(struct zk_op *op)
{
	size_t limit = (size_t)ZK_INFLIGHT_PER_DEV * op->ctx->ndev;
	int ret;

	while (op->next_submit < op->nparts && op->next_submit - op->next_collect < limit) {
		ret = part_submit(op, &op->parts[op->next_submit]);
		if (ret)
			return ret;
		op->next_submit++;
	}
	return 0;
}

static void op_free(struct zk_op *op)
{
	size_t i;

	for (i = 0; op->parts && i < op->nparts; i++)
		if (op->parts[i].buf)
			buffer_put(op->ctx, op->parts[i].slot, op->parts[i].buf);
	free(op->parts);
	free(op->partials);
	free(op);
}

/* Cut @n items into parts of at most @per_part. */
static int op_split(struct zk_op *op, size_t per_part)
{
	size_t i;

	op->nparts = op->n ? (op->n + per_part - 1) / per_part : 0;
	op->parts = calloc(op->nparts ? op->nparts : 1, sizeof(*op->parts));
	if (!op->parts)
		return zk_fail(-ENOMEM, "%zu parts", op->nparts);
	for (i = 0; i < op->nparts; i++) {
		op->parts[i].first_item = i * per_part;
		op->parts[i].n_items = op->n - i * per_part < per_part ? op->n - i * per_part
								      : per_part;
	}
	return 0;
}

static void *cpu_run(void *arg)
{
	struct zk_op *op = arg;
	struct zkm_exec ex = { .threads = op->ctx->threads };

	switch (op->kind) {
	case ZK_OP_MSM:
		op->ret = zk_fail_math(zkm_msm(op->id, op->in0, op->in1, op->n, op->flags,
					       op->out, &ex), "MSM");
		break;
	case ZK_OP_NTT:
		op->ret = zk_fail_math(zkm_ntt(op->id, op->out, op->log_n, op->n, op->flags,
					       op->has_shift ? op->shift : NULL, &ex), "NTT");
		break;
	default:
		op->ret = zk_fail_math(zkm_vec(op->id, op->vec_op, op->in0, op->in1, op->out,
					       op->n, op->flags, &ex), "vector op");
		break;
	}
	/* zk_last_error() is per thread: carry the message to the waiter. */
	if (op->ret)
		snprintf(op->msg, sizeof(op->msg), "%s", zk_last_error());
	return NULL;
}

/* Start @op: a thread on the CPU, the first parts on the devices. */
static int op_start(struct zk_op *op, struct zk_op **out)
{
	int ret;

	*out = NULL;
	if (op->ctx->backend == ZK_BACKEND_CPU) {
		op->threaded = !pthread_create(&op->thread, NULL, cpu_run, op);
		if (!op->threaded)
			cpu_run(op);
		*out = op;
		return 0;
	}
	ret = op_fill(op);
	if (ret) {
		/* Let what was queued finish before its buffers go. */
		while (op->next_collect < op->next_submit)
			part_collect(op, &op->parts[op->next_collect++]);
		op_free(op);
		return ret;
	}
	*out = op;
	return 0;
}

int zk_op_wait(struct zk_op *op)
{
	size_t pb;
	int ret = 0, r;

	if (op->ctx->backend == ZK_BACKEND_CPU) {
		if (op->threaded)
			pthread_join(op->thread, NULL);
		ret = op->ret;
		if (ret)
			zk_fail(ret, "%s", op->msg);
		op_free(op);
		return ret;
	}
	/* Collect in order, topping up the devices as parts finish. */
	while (op->next_collect < op->nparts) {
		if (op->next_collect == op->next_submit) {
			r = ret ? ret : op_fill(op);
			if (r) {
				ret = r;
				break;
			}
		}
		r = part_collect(op, &op->parts[op->next_collect++]);
		if (r && !ret)
			ret = r;
		if (!ret)
			ret = op_fill(op);
	}
	while (op->next_collect < op->next_submit)
		part_collect(op, &op->parts[op->next_collect++]);
	if (!ret && op->kind == ZK_OP_MSM) {
		pb = op->out_item_bytes;
		if (op->nparts == 1) {
			memcpy(op->out, op->partials, pb);
		} else if (!op->nparts) {
			memset(op->out, 0, pb);
		} else {
			ret = points_add(op->id, op->partials, op->nparts, op->flags, op->out,
					 "MSM partial sums");
		}
	}
	op_free(op);
	return ret;
}

static struct zk_op *op_new(struct zk_ctx *ctx, enum zk_op_kind kind, int id,
			    unsigned int flags)
{
	struct zk_op *op = calloc(1, sizeof(*op));

	if (!op) {
		zk_fail(-ENOMEM, "operation");
		return NULL;
	}
	op->ctx = ctx;
	op->kind = kind;
	op->id = id;
	op->flags = flags;
	return op;
}

/* Device limits on an MSM of @curve: what every selected device can do. */
static int msm_device_check(struct zk_ctx *ctx, int curve, size_t *max_part)
{
	unsigned int i, log2 = ctx->msm_chunk_log2;

	for (i = 0; i < ctx->ndev; i++) {
		const struct zk_device_info *info = &ctx->devs[i].dev->info;

		if (!(info->curves & (1U << curve)))
			return zk_fail(-EOPNOTSUPP, "%s does not support curve %d",
				       info->path, curve);
		if (info->max_msm_log2 < log2)
			log2 = info->max_msm_log2;
	}
	*max_part = (size_t)1 << log2;
	return 0;
}

int zk_msm_async(struct zk_ctx *ctx, int curve, const void *bases, const void *scalars,
		 size_t n, unsigned int flags, void *result, struct zk_op **out)
{
	size_t pb = zkm_point_bytes(curve), sb = zkm_scalar_bytes(curve), max_part = 0, tmp;
	struct zk_op *op;
	int ret;

	*out = NULL;
	if (!pb)
		return zk_fail(-EINVAL, "unknown curve %d", curve);
	if (check_mul(n, pb + sb, &tmp))
		return -EOVERFLOW;
	op = op_new(ctx, ZK_OP_MSM, curve, flags);
	if (!op)
		return -ENOMEM;
	op->in0 = bases;
	op->in1 = scalars;
	op->out = result;
	op->n = n;
	op->in0_item_bytes = pb;
	op->in1_item_bytes = sb;
	op->out_item_bytes = pb;
	if (ctx->backend == ZK_BACKEND_ACCEL) {
		ret = msm_device_check(ctx, curve, &max_part);
		if (!ret)
			ret = op_split(op, max_part);
		if (!ret) {
			op->partials = calloc(op->nparts ? op->nparts : 1, pb);
			if (!op->partials)
				ret = zk_fail(-ENOMEM, "MSM partial sums");
		}
		if (ret) {
			op_free(op);
			return ret;
		}
	}
	return op_start(op, out);
}

int zk_ntt_async(struct zk_ctx *ctx, int field, void *data, unsigned int log_n,
		 size_t batch, unsigned int flags, const void *shift, struct zk_op **out)
{
	size_t fb = zkm_field_bytes(field), vec = 0, per_part;
	struct zk_op *op;
	unsigned int i;
	int ret;

	*out = NULL;
	if (!fb)
		return zk_fail(-EINVAL, "unknown field %d", field);
	if (log_n >= 8 * sizeof(size_t) - 6 || check_mul((size_t)1 << log_n, fb, &vec) ||
	    check_mul(vec, batch, &per_part))
		return zk_fail(-EOVERFLOW, "NTT of 2^%u x %zu", log_n, batch);
	if (shift)
		flags |= ZKM_NTT_COSET | ZKM_NTT_COSET_SHIFT;
	else if (flags & ZKM_NTT_COSET_SHIFT)
		return zk_fail(-EINVAL, "NTT: COSET_SHIFT without a shift");
	for (i = 0; ctx->backend == ZK_BACKEND_ACCEL && i < ctx->ndev; i++) {
		const struct zk_device_info *info = &ctx->devs[i].dev->info;

		if (!(info->fields & (1U << field)))
			return zk_fail(-EOPNOTSUPP, "%s does not support field %d",
				       info->path, field);
		if (log_n > info->max_ntt_log2 || !batch)
			return zk_fail(-EINVAL, "NTT of 2^%u x %zu is outside %s's limits (2^%u)",
				       log_n, batch, info->path, info->max_ntt_log2);
	}
	op = op_new(ctx, ZK_OP_NTT, field, flags);
	if (!op)
		return -ENOMEM;
	op->out = data;
	op->n = batch;
	op->log_n = log_n;
	op->in0_item_bytes = vec;
	op->out_item_bytes = fb;
	if (shift) {
		memcpy(op->shift, shift, fb);
		op->has_shift = 1;
	}
	if (ctx->backend == ZK_BACKEND_ACCEL) {
		per_part = ZK_NTT_PART_BYTES / vec;
		if (!per_part)
			per_part = 1;
		if (per_part > UINT32_MAX)
			per_part = UINT32_MAX;
		ret = op_split(op, per_part);
		if (ret) {
			op_free(op);
			return ret;
		}
	}
	return op_start(op, out);
}

int zk_vec_async(struct zk_ctx *ctx, int field, int op_id, const void *a, const void *b,
		 void *out, size_t n, unsigned int flags, struct zk_op **res)
{
	size_t fb = zkm_field_bytes(field), tmp;
	struct zk_op *op;
	int ret;

	*res = NULL;
	if (!fb)
		return zk_fail(-EINVAL, "unknown field %d", field);
	if (op_id < ZKM_VEC_ADD || op_id > ZKM_VEC_FROM_MONT)
		return zk_fail(-EINVAL, "unknown vector op %d", op_id);
	if (check_mul(n, 3 * fb, &tmp))
		return -EOVERFLOW;
	op = op_new(ctx, ZK_OP_VEC, field, flags);
	if (!op)
		return -ENOMEM;
	op->vec_op = op_id;
	op->in0 = a;
	op->in1 = b;
	op->out = out;
	op->n = n;
	op->in0_item_bytes = fb;
	op->out_item_bytes = fb;
	op->in1_item_bytes = op_id >= ZKM_VEC_TO_MONT ? 0 : fb;
	op->in1_shared_bytes = op_id == ZKM_VEC_SCALE ? fb : 0;
	if (ctx->backend == ZK_BACKEND_ACCEL) {
		ret = op_split(op, (ZK_NTT_PART_BYTES / (3 * fb)));
		if (ret) {
			op_free(op);
			return ret;
		}
	}
	return op_start(op, res);
}

int zk_msm(struct zk_ctx *ctx, int curve, const void *bases, const void *scalars,
	   size_t n, unsigned int flags, void *result)
{
	struct zk_op *op;
	int ret = zk_msm_async(ctx, curve, bases, scalars, n, flags, result, &op);

	return ret ? ret : zk_op_wait(op);
}

int zk_msm_sum(struct zk_ctx *ctx, int curve, const struct zkm_msm_part *parts,
	       unsigned int nparts, unsigned int flags, void *result)
{
	struct zkm_exec ex = { .threads = ctx ? ctx->threads : 0 };
	uint8_t sums[ZKM_MSM_MAX_PARTS * ZK_MAX_POINT_BYTES];
	struct zk_op *ops[ZKM_MSM_MAX_PARTS] = { NULL };
	size_t pb = zkm_point_bytes(curve);
	unsigned int i;
	int ret = 0;

	if (!ctx || !pb || pb > ZK_MAX_POINT_BYTES || nparts > ZKM_MSM_MAX_PARTS ||
	    (nparts && !parts))
		return zk_fail(-EINVAL, "MSM sum: bad context, curve or parts");
	/* On the CPU one bucket reduction serves all parts. */
	if (ctx->backend == ZK_BACKEND_CPU)
		return zk_fail_math(zkm_msm_sum(curve, parts, nparts, flags, result, &ex),
				    "MSM sum");
	/* On devices the parts run as MSMs of their own, spread out, then add up (packed). */
	for (i = 0; i < nparts && !ret; i++)
		ret = zk_msm_async(ctx, curve, parts[i].bases, parts[i].scalars, parts[i].n,
				   flags, sums + i * pb, &ops[i]);
	for (i = 0; i < nparts; i++) {
		if (ops[i]) {
			int r = zk_op_wait(ops[i]);

			ret = ret ? ret : r;
		}
	}
	if (ret)
		return ret;
	return points_add(curve, sums, nparts, flags, result, "MSM sum: the parts' results");
}

int zk_ntt(struct zk_ctx *ctx, int field, void *data, unsigned int log_n,
	   size_t batch, unsigned int flags, const void *shift)
{
	struct zk_op *op;
	int ret = zk_ntt_async(ctx, field, data, log_n, batch, flags, shift, &op);

	return ret ? ret : zk_op_wait(op);
}

int zk_vec(struct zk_ctx *ctx, int field, int op_id, const void *a, const void *b,
	   void *out, size_t n, unsigned int flags)
{
	struct zk_op *op;
	int ret = zk_vec_async(ctx, field, op_id, a, b, out, n, flags, &op);

	return ret ? ret : zk_op_wait(op);
}

/* ---- resident bases -------------------------------------------------- */

/*
 * A circuit's fixed MSM bases, loaded once: on devices each device keeps a
 * share of the points in its own DRAM (a device-memory buffer), so later
 * MSMs move only scalars; on the CPU, a private copy.
 */
struct zk_bases {
	struct zk_ctx *ctx;
	int curve;
	unsigned int flags;		/* ZKM_MSM_POINTS_MONT or 0 */
	size_t n;
	uint8_t *host;			/* CPU backend */
	struct {
		struct zk_buffer *buf;	/* device memory */
		size_t first, count;
	} share[ZK_MAX_DEVICES];
};

void zk_bases_free(struct zk_bases *b)
{
	unsigned int i;

	if (!b)
		return;
	for (i = 0; i < ZK_MAX_DEVICES; i++)
		zk_buffer_free(b->share[i].buf);
	free(b->host);
	free(b);
}

/* Copy @len bytes from host memory to device memory @dst through staging. */
static int upload(struct zk_ctx *ctx, struct zk_dev_slot *s, uint64_t dst,
		  const uint8_t *src, size_t len)
{
	const size_t step = 16 << 20;
	struct zk_buffer *stage = NULL;
	int ret = 0;

	pthread_mutex_lock(&ctx->lock);
	while (len && !ret) {
		size_t k = len < step ? len : step;

		if (!stage)
			ret = buffer_get(s, step, &stage);
		if (ret)
			break;
		memcpy(stage->map, src, k);
		zk_prep_copy(zk_batch_get_cmd(s->batch), dst, stage->iova, (uint32_t)k);
		ret = zk_batch_run(s->batch, ctx->queue >= 0 ? (unsigned int)ctx->queue : 0, NULL);
		if (ret)
			zk_batch_reset(s->batch);
		src += k;
		dst += k;
		len -= k;
	}
	pthread_mutex_unlock(&ctx->lock);
	buffer_put(ctx, s, stage);
	return ret;
}

int zk_bases_load(struct zk_ctx *ctx, int curve, const void *bases, size_t n,
		  unsigned int flags, struct zk_bases **out)
{
	size_t pb = zkm_point_bytes(curve), per, max_part = 0, len = 0;
	struct zk_bases *b;
	unsigned int i;
	int ret = 0;

	*out = NULL;
	if (!pb)
		return zk_fail(-EINVAL, "unknown curve %d", curve);
	if (flags & ~ZKM_MSM_POINTS_MONT)
		return zk_fail(-EINVAL, "bases: only ZKM_MSM_POINTS_MONT applies");
	if (!n || check_mul(n, pb, &len))
		return zk_fail(-EINVAL, "bases: %zu points", n);
	b = calloc(1, sizeof(*b));
	if (!b)
		return zk_fail(-ENOMEM, "bases");
	b->ctx = ctx;
	b->curve = curve;
	b->flags = flags;
	b->n = n;
	if (ctx->backend == ZK_BACKEND_CPU) {
		b->host = malloc(len);
		if (!b->host) {
			zk_bases_free(b);
			return zk_fail(-ENOMEM, "bases: %zu bytes", len);
		}
		memcpy(b->host, bases, len);
		*out = b;
		return 0;
	}
	ret = msm_device_check(ctx, curve, &max_part);
	per = (n + ctx->ndev - 1) / ctx->ndev;
	for (i = 0; !ret && i < ctx->ndev && i * per < n; i++) {
		struct zk_dev_slot *s = &ctx->devs[i];
		size_t count = n - i * per < per ? n - i * per : per;

		if (count > (size_t)1 << s->dev->info.max_msm_log2) {
			ret = zk_fail(-E2BIG, "bases: %zu points on %s exceed its 2^%u per MSM",
				      count, s->dev->info.path, s->dev->info.max_msm_log2);
			break;
		}
		b->share[i].first = i * per;
		b->share[i].count = count;
		ret = zk_buffer_alloc(s->dev, count * pb, DRM_ZKASIC_BO_DEVMEM, &b->share[i].buf);
		if (ret == -ENOSPC || ret == -E2BIG)
			ret = zk_fail(ret, "bases: %zu bytes do not fit in %s's %llu MiB of device memory",
				      count * pb, s->dev->info.path,
				      (unsigned long long)(s->dev->info.devmem_size >> 20));
		if (!ret)
			ret = upload(ctx, s, b->share[i].buf->iova,
				     (const uint8_t *)bases + b->share[i].first * pb, count * pb);
	}
	if (ret) {
		zk_bases_free(b);
		return ret;
	}
	*out = b;
	return 0;
}

int zk_msm_bases(struct zk_ctx *ctx, const struct zk_bases *b, const void *scalars,
		 unsigned int flags, void *result)
{
	size_t pb = zkm_point_bytes(b->curve), sb = zkm_scalar_bytes(b->curve);
	struct zk_buffer *stage[ZK_MAX_DEVICES] = { NULL };
	uint64_t seq[ZK_MAX_DEVICES] = { 0 };
	uint8_t partial[ZK_MAX_DEVICES][ZK_MAX_POINT_BYTES];
	unsigned int i, nparts = 0;
	struct zk_result res;
	int ret = 0, r;

	if (ctx != b->ctx)
		return zk_fail(-EINVAL, "bases were loaded on another context");
	if (flags & ZKM_MSM_POINTS_MONT)
		return zk_fail(-EINVAL, "the bases' form is set when they are loaded");
	flags |= b->flags;
	if (ctx->backend == ZK_BACKEND_CPU) {
		struct zkm_exec ex = { .threads = ctx->threads };

		return zk_fail_math(zkm_msm(b->curve, b->host, scalars, b->n, flags, result, &ex),
				    "MSM");
	}
	/* Every device's share at once: scalars in, one partial sum out. */
	for (i = 0; i < ctx->ndev && b->share[i].buf && !ret; i++) {
		struct zk_dev_slot *s = &ctx->devs[i];
		size_t slen = b->share[i].count * sb;

		pthread_mutex_lock(&ctx->lock);
		ret = buffer_get(s, slen + pb, &stage[i]);
		if (!ret) {
			memcpy(stage[i]->map, (const uint8_t *)scalars + b->share[i].first * sb, slen);
			zk_prep_msm(zk_batch_get_cmd(s->batch), b->curve, b->share[i].buf->iova,
				    stage[i]->iova, (uint32_t)b->share[i].count,
				    stage[i]->iova + slen, flags);
			ret = zk_batch_submit(s->batch, ctx->queue >= 0 ? (unsigned int)ctx->queue :
					      s->next_queue++ % s->dev->info.num_queues, 0, &seq[i]);
			if (ret)
				zk_batch_reset(s->batch);
		}
		pthread_mutex_unlock(&ctx->lock);
		if (ret == -ECANCELED)
			ret = zk_fail(ret, "MSM: resident bases on %s were lost in a device reset (free and load them again)",
				      s->dev->info.path);
		if (!ret)
			nparts = i + 1;
	}
	for (i = 0; i < nparts; i++) {
		r = zk_wait(ctx->devs[i].dev, seq[i], -1, &res);
		if (!r && res.status == DRM_ZKASIC_STATUS_INVALID_VALUE)
			r = zk_fail(-ERANGE, "MSM: a scalar is out of range");
		else if (!r && res.status == DRM_ZKASIC_STATUS_CANCELED)
			r = zk_fail(-ECANCELED, "MSM: resident bases on %s were lost in a device reset (free and load them again)",
				    ctx->devs[i].dev->info.path);
		else if (!r && res.status != DRM_ZKASIC_STATUS_OK)
			r = zk_fail(-EIO, "MSM on %s failed: %s", ctx->devs[i].dev->info.path,
				    zk_status_str(res.status));
		if (!r) {
			memcpy(partial[i], (uint8_t *)stage[i]->map + b->share[i].count * sb, pb);
			r = msm_result_check(b->curve, flags, partial[i], ctx->devs[i].dev);
		}
		ret = ret ? ret : r;
	}
	for (i = 0; i < ZK_MAX_DEVICES; i++)
		if (stage[i])
			buffer_put(ctx, &ctx->devs[i], stage[i]);
	if (ret)
		return ret;
	/* The devices' partial sums, packed and added. */
	{
		uint8_t pts[ZK_MAX_DEVICES * ZK_MAX_POINT_BYTES];

		for (i = 0; i < nparts; i++)
			memcpy(pts + i * pb, partial[i], pb);
		return points_add(b->curve, pts, nparts, flags, result, "MSM partial sums");
	}
}
