// SPDX-License-Identifier: MIT
/*
 * The operation context (zk_ctx): which backend runs operations (the CPU's
 * math core or zkasic devices, ZKASIC_BACKEND), and on devices which ones
 * (ZKASIC_DEVICES), each with a command batch and a staging buffer cache.
 * Operations themselves are in op_*.c, run through part_pipeline.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ops.h"

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

/* The queue for the next command to @s: the context's fixed one, or round robin. Under ctx->lock. */
unsigned int zk_ctx_pick_queue(struct zk_ctx *ctx, struct zk_dev_slot *s)
{
	return ctx->queue >= 0 ? (unsigned int)ctx->queue :
	       s->next_queue++ % s->dev->info.num_queues;
}
