// SPDX-License-Identifier: MIT
/*
 * The NTT operation: a batch of vectors of 2^log_n field elements each,
 * transformed in place. An item is a whole vector (the device transforms
 * vectors, it does not split one), so a part is a group of vectors of about
 * ZK_PART_TARGET_BYTES. Staging layout: the vectors (transformed in place
 * on the device) | the coset shift, one element, if any.
 */
#include <errno.h>
#include <string.h>

#include "ops.h"

static uint64_t ntt_part_bytes(const struct zk_op *op, const struct zk_part *p)
{
	return p->n_items * op->in0_item_bytes + op->shift_bytes;
}

static void ntt_stage(struct zk_op *op, const struct zk_part *p, uint8_t *map, uint64_t iova,
		      struct drm_zkasic_cmd *cmd)
{
	size_t data_len = p->n_items * op->in0_item_bytes;

	memcpy(map, op->out + p->first_item * op->in0_item_bytes, data_len);
	zk_prep_ntt(cmd, op->id, iova, iova, op->log_n, (uint32_t)p->n_items, op->flags);
	if (op->shift_bytes) {
		memcpy(map + data_len, op->shift, op->shift_bytes);
		cmd->src1 = iova + data_len;
	}
}

static int ntt_collect(struct zk_op *op, const struct zk_part *p, const uint8_t *map)
{
	memcpy(op->out + p->first_item * op->in0_item_bytes, map,
	       p->n_items * op->in0_item_bytes);
	return 0;
}

static int ntt_cpu_run(struct zk_op *op, const struct zkm_exec *ex)
{
	return zk_fail_math(zkm_ntt(op->id, op->out, op->log_n, op->n_items, op->flags,
				    op->shift_bytes ? op->shift : NULL, ex), "NTT");
}

static const struct zk_op_class ntt_class = {
	.name = "NTT",
	.invalid_value = "an element is not below the modulus",
	.part_bytes = ntt_part_bytes,
	.stage = ntt_stage,
	.collect = ntt_collect,
	.cpu_run = ntt_cpu_run,
};

int zk_ntt_async(struct zk_ctx *ctx, int field, void *data, unsigned int log_n,
		 size_t batch, unsigned int flags, const void *shift, struct zk_op **out)
{
	size_t fb = zkm_field_bytes(field), vec_bytes = 0, per_part;
	struct zk_op *op;
	unsigned int i;
	int ret;

	*out = NULL;
	if (!fb)
		return zk_fail(-EINVAL, "unknown field %d", field);
	if (log_n >= 8 * sizeof(size_t) - 6 || zk_check_mul((size_t)1 << log_n, fb, &vec_bytes) ||
	    zk_check_mul(vec_bytes, batch, &per_part))
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
	op = zk_op_new(ctx, &ntt_class, field, flags);
	if (!op)
		return -ENOMEM;
	op->out = data;
	op->n_items = batch;
	op->log_n = log_n;
	op->in0_item_bytes = vec_bytes;
	if (shift) {
		memcpy(op->shift, shift, fb);
		op->shift_bytes = fb;
	}
	if (ctx->backend == ZK_BACKEND_ACCEL) {
		per_part = ZK_PART_TARGET_BYTES / vec_bytes;
		if (!per_part)
			per_part = 1;
		if (per_part > UINT32_MAX)
			per_part = UINT32_MAX;
		ret = zk_op_split(op, per_part);
		if (ret) {
			zk_op_free(op);
			return ret;
		}
	}
	return zk_op_start(op, out);
}

int zk_ntt(struct zk_ctx *ctx, int field, void *data, unsigned int log_n,
	   size_t batch, unsigned int flags, const void *shift)
{
	struct zk_op *op;
	int ret = zk_ntt_async(ctx, field, data, log_n, batch, flags, shift, &op);

	return ret ? ret : zk_op_wait(op);
}
