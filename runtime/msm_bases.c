// SPDX-License-Identifier: MIT
/*
 * Resident MSM bases: a circuit's fixed points loaded once, so that every
 * later MSM over them moves only its scalars. On devices each device keeps
 * a share of the points in its own DRAM (a DEVMEM buffer, filled through
 * staging) and an MSM runs every share at once, one part per device; on the
 * CPU backend it is a private copy for the math core.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

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
	if (!n || zk_check_mul(n, pb, &len))
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
	ret = zk_msm_device_check(ctx, curve, &max_part);
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
			ret = zk_staging_upload(ctx, s, b->share[i].buf->iova,
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
		ret = zk_staging_get(s, slen + pb, &stage[i]);
		if (!ret) {
			memcpy(stage[i]->map, (const uint8_t *)scalars + b->share[i].first * sb, slen);
			zk_prep_msm(zk_batch_get_cmd(s->batch), b->curve, b->share[i].buf->iova,
				    stage[i]->iova, (uint32_t)b->share[i].count,
				    stage[i]->iova + slen, flags);
			ret = zk_batch_submit(s->batch, zk_ctx_pick_queue(ctx, s), 0, &seq[i]);
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
			r = zk_msm_result_check(b->curve, flags, partial[i], ctx->devs[i].dev);
		}
		ret = ret ? ret : r;
	}
	for (i = 0; i < ZK_MAX_DEVICES; i++)
		if (stage[i])
			zk_staging_put(ctx, &ctx->devs[i], stage[i]);
	if (ret)
		return ret;
	/* The devices' partial sums, packed and added. */
	{
		uint8_t pts[ZK_MAX_DEVICES * ZK_MAX_POINT_BYTES];

		for (i = 0; i < nparts; i++)
			memcpy(pts + i * pb, partial[i], pb);
		return zk_points_add(b->curve, pts, nparts, flags, result, "MSM partial sums");
	}
}
