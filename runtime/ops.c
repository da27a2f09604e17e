// SPDX-License-Identifier: MIT
/*
 * The operation layer: MSM, NTT and vector ops on host memory, run by the
 * CPU backend (the math core) or by a zkasic device. On a device the data
 * are staged through one reusable buffer: host -> buffer -> device -> buffer
 * -> host, one batch per call.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

struct zk_ctx {
	enum zk_backend backend;
	unsigned int threads;
	struct zk_device *dev;
	pthread_mutex_t lock;		/* guards the staging buffer */
	struct zk_buffer *staging;
	struct zk_batch *batch;
};

const char *zk_backend_name(enum zk_backend backend)
{
	switch (backend) {
	case ZK_BACKEND_CPU: return "cpu";
	case ZK_BACKEND_ACCEL: return "accel";
	default: return "auto";
	}
}

int zk_open(struct zk_ctx **out, enum zk_backend backend)
{
	const char *env = getenv("ZKASIC_BACKEND");
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
	if (backend != ZK_BACKEND_CPU) {
		ret = zk_device_open(&ctx->dev, 0);
		if (ret && backend == ZK_BACKEND_ACCEL) {
			free(ctx);
			return ret;
		}
		if (!ret) {
			ret = zk_batch_new(ctx->dev, 16, &ctx->batch);
			if (ret) {
				zk_device_close(ctx->dev);
				free(ctx);
				return ret;
			}
		}
	}
	ctx->backend = ctx->dev ? ZK_BACKEND_ACCEL : ZK_BACKEND_CPU;
	*out = ctx;
	return 0;
}

void zk_close(struct zk_ctx *ctx)
{
	if (!ctx)
		return;
	zk_buffer_free(ctx->staging);
	zk_batch_free(ctx->batch);
	zk_device_close(ctx->dev);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

enum zk_backend zk_ctx_backend(const struct zk_ctx *ctx)
{
	return ctx->backend;
}

struct zk_device *zk_ctx_device(struct zk_ctx *ctx)
{
	return ctx->dev;
}

void zk_ctx_set_threads(struct zk_ctx *ctx, unsigned int threads)
{
	ctx->threads = threads;
}

/* A staging buffer of at least @size bytes; called with ctx->lock held. */
static int staging_get(struct zk_ctx *ctx, uint64_t size)
{
	uint64_t want = 1ULL << 20;

	if (ctx->staging && ctx->staging->size >= size)
		return 0;
	while (want < size)
		want <<= 1;
	zk_buffer_free(ctx->staging);
	ctx->staging = NULL;
	return zk_buffer_alloc(ctx->dev, want, 0, &ctx->staging);
}

static int check_mul(size_t a, size_t b, size_t *out)
{
	if (b && a > SIZE_MAX / b)
		return zk_fail(-EOVERFLOW, "size %zu x %zu overflows", a, b);
	*out = a * b;
	return 0;
}

int zk_msm(struct zk_ctx *ctx, int curve, const void *bases, const void *scalars,
	   size_t n, unsigned int flags, void *result)
{
	size_t pb = zkm_point_bytes(curve), sb = zkm_scalar_bytes(curve);
	size_t bases_len, scalars_len;
	struct zk_result res;
	uint8_t *map;
	int ret;

	if (!pb)
		return zk_fail(-EINVAL, "unknown curve %d", curve);
	if (ctx->backend == ZK_BACKEND_CPU) {
		struct zkm_exec ex = { .threads = ctx->threads };

		return zk_fail_math(zkm_msm(curve, bases, scalars, n, flags, result, &ex),
				    "MSM");
	}
	if (!(ctx->dev->info.curves & (1U << curve)))
		return zk_fail(-EOPNOTSUPP, "%s does not support curve %d",
			       ctx->dev->info.path, curve);
	if (n > (1ULL << ctx->dev->info.max_msm_log2))
		return zk_fail(-E2BIG, "MSM of %zu points exceeds the device's 2^%u",
			       n, ctx->dev->info.max_msm_log2);
	if (!n) {
		memset(result, 0, pb);
		return 0;
	}
	if (check_mul(n, pb, &bases_len) || check_mul(n, sb, &scalars_len))
		return -EOVERFLOW;

	pthread_mutex_lock(&ctx->lock);
	ret = staging_get(ctx, bases_len + scalars_len + pb);
	if (ret)
		goto out;
	map = ctx->staging->map;
	memcpy(map, bases, bases_len);
	memcpy(map + bases_len, scalars, scalars_len);
	zk_prep_msm(zk_batch_get_cmd(ctx->batch), curve, ctx->staging->iova,
		    ctx->staging->iova + bases_len, (uint32_t)n,
		    ctx->staging->iova + bases_len + scalars_len, flags);
	ret = zk_batch_run(ctx->batch, 0, &res);
	if (!ret)
		memcpy(result, map + bases_len + scalars_len, pb);
	else if (res.status == DRM_ZKASIC_STATUS_INVALID_VALUE)
		ret = zk_fail(-ERANGE, "MSM: a scalar or base is out of range or not on the curve");
out:
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}

int zk_ntt(struct zk_ctx *ctx, int field, void *data, unsigned int log_n,
	   size_t batch, unsigned int flags)
{
	size_t fb = zkm_field_bytes(field), len;
	struct zk_result res;
	int ret;

	if (!fb)
		return zk_fail(-EINVAL, "unknown field %d", field);
	if (ctx->backend == ZK_BACKEND_CPU) {
		struct zkm_exec ex = { .threads = ctx->threads };

		return zk_fail_math(zkm_ntt(field, data, log_n, batch, flags, NULL, &ex),
				    "NTT");
	}
	if (!(ctx->dev->info.fields & (1U << field)))
		return zk_fail(-EOPNOTSUPP, "%s does not support field %d",
			       ctx->dev->info.path, field);
	if (log_n > ctx->dev->info.max_ntt_log2 || batch == 0 || batch > UINT32_MAX)
		return zk_fail(-EINVAL, "NTT of 2^%u x %zu is outside the device's limits",
			       log_n, batch);
	if (check_mul((size_t)1 << log_n, fb, &len) || check_mul(len, batch, &len))
		return -EOVERFLOW;

	pthread_mutex_lock(&ctx->lock);
	ret = staging_get(ctx, len);
	if (ret)
		goto out;
	memcpy(ctx->staging->map, data, len);
	zk_prep_ntt(zk_batch_get_cmd(ctx->batch), field, ctx->staging->iova,
		    ctx->staging->iova, log_n, (uint32_t)batch, flags);
	ret = zk_batch_run(ctx->batch, 0, &res);
	if (!ret)
		memcpy(data, ctx->staging->map, len);
	else if (res.status == DRM_ZKASIC_STATUS_INVALID_VALUE)
		ret = zk_fail(-ERANGE, "NTT: an element is not below the modulus");
out:
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}

int zk_vec(struct zk_ctx *ctx, int field, int op, const void *a, const void *b,
	   void *out, size_t n, unsigned int flags)
{
	size_t fb = zkm_field_bytes(field), len, blen;
	struct zk_result res;
	uint8_t *map;
	int ret;

	if (!fb)
		return zk_fail(-EINVAL, "unknown field %d", field);
	if (ctx->backend == ZK_BACKEND_CPU) {
		struct zkm_exec ex = { .threads = ctx->threads };

		return zk_fail_math(zkm_vec(field, op, a, b, out, n, flags, &ex),
				    "vector op");
	}
	if (n > UINT32_MAX)
		return zk_fail(-E2BIG, "vector of %zu elements", n);
	if (check_mul(n, fb, &len))
		return -EOVERFLOW;
	blen = op == ZKM_VEC_SCALE ? fb : (op >= ZKM_VEC_TO_MONT ? 0 : len);
	if (!n)
		return 0;

	pthread_mutex_lock(&ctx->lock);
	ret = staging_get(ctx, 2 * len + blen);
	if (ret)
		goto out;
	map = ctx->staging->map;
	memcpy(map, a, len);
	if (blen)
		memcpy(map + len, b, blen);
	zk_prep_vec(zk_batch_get_cmd(ctx->batch), field, op, ctx->staging->iova,
		    blen ? ctx->staging->iova + len : 0,
		    ctx->staging->iova + len + blen, (uint32_t)n, flags);
	ret = zk_batch_run(ctx->batch, 0, &res);
	if (!ret)
		memcpy(out, map + len + blen, len);
	else if (res.status == DRM_ZKASIC_STATUS_INVALID_VALUE)
		ret = zk_fail(-ERANGE, "vector op: an element is not below the modulus");
out:
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}
