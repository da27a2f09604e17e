// SPDX-License-Identifier: MIT
/*
 * The part pipeline: how any operation (a zk_op of some class, op_*.c) runs.
 *
 * On the CPU backend the class's cpu_run does the whole operation on a
 * thread of its own, so that zk_*_async() returns at once as on devices.
 *
 * On devices the operation is cut into parts (zk_op_split): a part must fit
 * the device's limits, and a bounded number of them in flight keeps the
 * staging memory fixed however large the operation is. Parts go round-robin
 * over the context's devices and their queues; while the devices compute
 * some parts, the host stages the next ones and copies finished ones out,
 * so copies and computation overlap. Parts are collected in order.
 *
 * zk_*_async() returns after the first parts are submitted; zk_op_wait()
 * finishes the operation (submitting the parts that did not fit in flight
 * yet) and writes the results. A context may be used by many threads at
 * once: its lock covers the batches and the buffer cache, never a wait for
 * the device.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

int zk_check_mul(size_t a, size_t b, size_t *out)
{
	if (b && a > SIZE_MAX / b)
		return zk_fail(-EOVERFLOW, "size %zu x %zu overflows", a, b);
	*out = a * b;
	return 0;
}

struct zk_op *zk_op_new(struct zk_ctx *ctx, const struct zk_op_class *cls, int id,
			unsigned int flags)
{
	struct zk_op *op = calloc(1, sizeof(*op));

	if (!op) {
		zk_fail(-ENOMEM, "operation");
		return NULL;
	}
	op->ctx = ctx;
	op->cls = cls;
	op->id = id;
	op->flags = flags;
	return op;
}

/* Cut the operation's items into parts of at most @items_per_part. */
int zk_op_split(struct zk_op *op, size_t items_per_part)
{
	size_t i, left;

	op->nparts = op->n_items ? (op->n_items + items_per_part - 1) / items_per_part : 0;
	op->parts = calloc(op->nparts ? op->nparts : 1, sizeof(*op->parts));
	if (!op->parts)
		return zk_fail(-ENOMEM, "%zu parts", op->nparts);
	for (i = 0; i < op->nparts; i++) {
		left = op->n_items - i * items_per_part;
		op->parts[i].first_item = i * items_per_part;
		op->parts[i].n_items = left < items_per_part ? left : items_per_part;
	}
	return 0;
}

void zk_op_free(struct zk_op *op)
{
	size_t i;

	for (i = 0; op->parts && i < op->nparts; i++)
		if (op->parts[i].buf)
			zk_staging_put(op->ctx, op->parts[i].slot, op->parts[i].buf);
	free(op->parts);
	free(op->partials);
	free(op);
}

/* Stage part @p's inputs on the next device and submit its command. */
static int part_submit(struct zk_op *op, struct zk_part *p)
{
	struct zk_ctx *ctx = op->ctx;
	struct zk_dev_slot *s;
	int ret;

	pthread_mutex_lock(&ctx->lock);
	s = &ctx->devs[ctx->next_dev++ % ctx->ndev];
	p->slot = s;
	ret = zk_staging_get(s, op->cls->part_bytes(op, p), &p->buf);
	if (ret)
		goto out;
	op->cls->stage(op, p, p->buf->map, p->buf->iova, zk_batch_get_cmd(s->batch));
	ret = zk_batch_submit(s->batch, zk_ctx_pick_queue(ctx, s), 0, &p->seqno);
	if (ret)
		zk_batch_reset(s->batch);
out:
	pthread_mutex_unlock(&ctx->lock);
	if (ret) {
		zk_staging_put(ctx, s, p->buf);
		p->buf = NULL;
		return ret;
	}
	p->stage = ZK_PART_ON_DEVICE;
	return 0;
}

/* Wait for part @p and copy its results out. */
static int part_collect(struct zk_op *op, struct zk_part *p)
{
	struct zk_result res;
	int ret;

	ret = zk_wait(p->slot->dev, p->seqno, -1, &res);
	if (!ret && res.status == DRM_ZKASIC_STATUS_INVALID_VALUE)
		ret = zk_fail(-ERANGE, "%s: %s", op->cls->name, op->cls->invalid_value);
	else if (!ret && res.status != DRM_ZKASIC_STATUS_OK)
		ret = zk_fail(-EIO, "%s on %s failed: %s", op->cls->name,
			      p->slot->dev->info.path, zk_status_str(res.status));
	if (!ret)
		ret = op->cls->collect(op, p, p->buf->map);
	zk_staging_put(op->ctx, p->slot, p->buf);
	p->buf = NULL;
	p->stage = ZK_PART_COLLECTED;
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

static void *cpu_thread(void *arg)
{
	struct zk_op *op = arg;
	struct zkm_exec ex = { .threads = op->ctx->threads };

	op->ret = op->cls->cpu_run(op, &ex);
	/* zk_last_error() is per thread: carry the message to the waiter. */
	if (op->ret)
		snprintf(op->msg, sizeof(op->msg), "%s", zk_last_error());
	return NULL;
}

/* Start @op: a thread on the CPU, the first parts on the devices. */
int zk_op_start(struct zk_op *op, struct zk_op **out)
{
	int ret;

	*out = NULL;
	if (op->ctx->backend == ZK_BACKEND_CPU) {
		op->threaded = !pthread_create(&op->thread, NULL, cpu_thread, op);
		if (!op->threaded)
			cpu_thread(op);
		*out = op;
		return 0;
	}
	ret = op_fill(op);
	if (ret) {
		/* Let what was queued finish before its buffers go. */
		while (op->next_collect < op->next_submit)
			part_collect(op, &op->parts[op->next_collect++]);
		zk_op_free(op);
		return ret;
	}
	*out = op;
	return 0;
}

int zk_op_wait(struct zk_op *op)
{
	int ret = 0, r;

	if (op->ctx->backend == ZK_BACKEND_CPU) {
		if (op->threaded)
			pthread_join(op->thread, NULL);
		ret = op->ret;
		if (ret)
			zk_fail(ret, "%s", op->msg);
		zk_op_free(op);
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
	if (!ret && op->cls->finish)
		ret = op->cls->finish(op);
	zk_op_free(op);
	return ret;
}
