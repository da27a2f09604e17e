// SPDX-License-Identifier: MIT
/*
 * Staging: the device sees only its buffers, not the caller's memory, so
 * every operation's inputs are copied into a device-visible (mmap'ed)
 * buffer and its results copied back out. Allocating and mapping a buffer
 * costs ioctls and page faults, so each device keeps a few of them for reuse
 * (the sizes are powers of two, at least 1 MiB, so one fits many parts).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "ops.h"

/* A cached buffer of at least @size bytes, or a new one. Under ctx->lock. */
int zk_staging_get(struct zk_dev_slot *s, uint64_t size, struct zk_buffer **out)
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
void zk_staging_put(struct zk_ctx *ctx, struct zk_dev_slot *s, struct zk_buffer *buf)
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

/*
 * Copy @len bytes from host memory to device memory @dst (a DEVMEM buffer,
 * which has no CPU mapping) through a staging buffer, 16 MiB at a time.
 */
int zk_staging_upload(struct zk_ctx *ctx, struct zk_dev_slot *s, uint64_t dst,
		      const uint8_t *src, size_t len)
{
	const size_t step = 16 << 20;
	struct zk_buffer *stage = NULL;
	int ret = 0;

	pthread_mutex_lock(&ctx->lock);
	while (len && !ret) {
		size_t k = len < step ? len : step;

		if (!stage)
			ret = zk_staging_get(s, step, &stage);
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
	zk_staging_put(ctx, s, stage);
	return ret;
}
