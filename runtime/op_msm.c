// SPDX-License-Identifier: MIT
/*
 * The MSM operation: result = sum scalars[i] * bases[i]. An item is a point
 * with its scalar. On devices each part of at most 2^msm_chunk_log2 points
 * (and the device's limit) gives a partial sum; the partial sums are added
 * on the host at the end. The parts' staging layout is
 *   bases (n_items points) | scalars (n_items scalars) | result (one point).
 * zk_msm_sum adds several MSMs; resident bases are in msm_bases.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elem.h"
#include "ops.h"

/*
 * out = the sum of @n packed points (Montgomery form if @flags has
 * ZKM_MSM_POINTS_MONT): how the results of an MSM's parts, devices or
 * summed MSMs are added on the host.
 */
int zk_points_add(int curve, const uint8_t *pts, size_t n, unsigned int flags, void *out,
		  const char *what)
{
	return zk_fail_math(zkm_points_sum(curve, pts, n, flags & ZKM_MSM_POINTS_MONT, out),
			    what);
}

/*
 * A device's MSM result must be a point on the curve: checking the curve
 * equation costs a few multiplications and catches a corrupted result (a
 * flipped bit almost never lands on the curve) instead of returning it.
 */
int zk_msm_result_check(int curve, unsigned int flags, const uint8_t *point,
			const struct zk_device *dev)
{
	if (!zkm_point_check(curve, point, flags & ZKM_MSM_POINTS_MONT))
		return 0;
	return zk_fail(-EIO, "MSM on %s returned a point that is not on the curve (device fault)",
		       dev->info.path);
}

/* Device limits on an MSM of @curve: what every selected device can do. */
int zk_msm_device_check(struct zk_ctx *ctx, int curve, size_t *max_part)
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

static uint64_t msm_part_bytes(const struct zk_op *op, const struct zk_part *p)
{
	return p->n_items * (op->in0_item_bytes + op->in1_item_bytes) + op->out_item_bytes;
}

static void msm_stage(struct zk_op *op, const struct zk_part *p, uint8_t *map, uint64_t iova,
		      struct drm_zkasic_cmd *cmd)
{
	size_t bases_len = p->n_items * op->in0_item_bytes;
	size_t scalars_len = p->n_items * op->in1_item_bytes;

	memcpy(map, op->in0 + p->first_item * op->in0_item_bytes, bases_len);
	memcpy(map + bases_len, op->in1 + p->first_item * op->in1_item_bytes, scalars_len);
	zk_prep_msm(cmd, op->id, iova, iova + bases_len, (uint32_t)p->n_items,
		    iova + bases_len + scalars_len, op->flags);
}

static int msm_collect(struct zk_op *op, const struct zk_part *p, const uint8_t *map)
{
	uint8_t *partial = op->partials + (p - op->parts) * op->out_item_bytes;

	memcpy(partial, map + p->n_items * (op->in0_item_bytes + op->in1_item_bytes),
	       op->out_item_bytes);
	return zk_msm_result_check(op->id, op->flags, partial, p->slot->dev);
}

static int msm_cpu_run(struct zk_op *op, const struct zkm_exec *ex)
{
	return zk_fail_math(zkm_msm(op->id, op->in0, op->in1, op->n_items, op->flags, op->out,
				    ex), "MSM");
}

/* The parts' partial sums added: the MSM's result. */
static int msm_finish(struct zk_op *op)
{
	if (op->nparts == 1) {
		memcpy(op->out, op->partials, op->out_item_bytes);
		return 0;
	}
	if (!op->nparts) {
		memset(op->out, 0, op->out_item_bytes);	/* infinity */
		return 0;
	}
	return zk_points_add(op->id, op->partials, op->nparts, op->flags, op->out,
			     "MSM partial sums");
}

static const struct zk_op_class msm_class = {
	.name = "MSM",
	.invalid_value = "a scalar or base is out of range or not on the curve",
	.part_bytes = msm_part_bytes,
	.stage = msm_stage,
	.collect = msm_collect,
	.cpu_run = msm_cpu_run,
	.finish = msm_finish,
};

int zk_msm_async(struct zk_ctx *ctx, int curve, const void *bases, const void *scalars,
		 size_t n, unsigned int flags, void *result, struct zk_op **out)
{
	size_t pb = zkm_point_bytes(curve), sb = zkm_scalar_bytes(curve), max_part = 0, tmp;
	struct zk_op *op;
	int ret;

	*out = NULL;
	if (!pb)
		return zk_fail(-EINVAL, "unknown curve %d", curve);
	if (zk_check_mul(n, pb + sb, &tmp))
		return -EOVERFLOW;
	op = zk_op_new(ctx, &msm_class, curve, flags);
	if (!op)
		return -ENOMEM;
	op->in0 = bases;
	op->in1 = scalars;
	op->out = result;
	op->n_items = n;
	op->in0_item_bytes = pb;
	op->in1_item_bytes = sb;
	op->out_item_bytes = pb;	/* per part, not per item: one partial sum */
	if (ctx->backend == ZK_BACKEND_ACCEL) {
		ret = zk_msm_device_check(ctx, curve, &max_part);
		if (!ret)
			ret = zk_op_split(op, max_part);
		if (!ret) {
			op->partials = calloc(op->nparts ? op->nparts : 1, pb);
			if (!op->partials)
				ret = zk_fail(-ENOMEM, "MSM partial sums");
		}
		if (ret) {
			zk_op_free(op);
			return ret;
		}
	}
	return zk_op_start(op, out);
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
	return zk_points_add(curve, sums, nparts, flags, result, "MSM sum: the parts' results");
}
