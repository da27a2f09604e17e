// SPDX-License-Identifier: MIT
/*
 * The vector operation: out[i] = a[i] op b[i] over a field (SCALE: b[0] for
 * every i; TO_MONT/FROM_MONT: no b). An item is an element; a part is about
 * ZK_PART_TARGET_BYTES of a, b and out. Staging layout:
 *   a (n_items elements) | b (n_items elements, one for SCALE, none) | out.
 */
#include <errno.h>
#include <string.h>

#include "ops.h"

/* The bytes of b that part @p stages. */
static size_t vec_b_bytes(const struct zk_op *op, const struct zk_part *p)
{
	return op->in1_shared_bytes ? op->in1_shared_bytes : p->n_items * op->in1_item_bytes;
}

static uint64_t vec_part_bytes(const struct zk_op *op, const struct zk_part *p)
{
	return p->n_items * (op->in0_item_bytes + op->out_item_bytes) + vec_b_bytes(op, p);
}

static void vec_stage(struct zk_op *op, const struct zk_part *p, uint8_t *map, uint64_t iova,
		      struct drm_zkasic_cmd *cmd)
{
	size_t a_len = p->n_items * op->in0_item_bytes, b_len = vec_b_bytes(op, p);

	memcpy(map, op->in0 + p->first_item * op->in0_item_bytes, a_len);
	if (b_len)
		memcpy(map + a_len, op->in1_shared_bytes ? op->in1 :
		       op->in1 + p->first_item * op->in1_item_bytes, b_len);
	zk_prep_vec(cmd, op->id, op->vec_op, iova, b_len ? iova + a_len : 0,
		    iova + a_len + b_len, (uint32_t)p->n_items, op->flags);
}

static int vec_collect(struct zk_op *op, const struct zk_part *p, const uint8_t *map)
{
	memcpy(op->out + p->first_item * op->out_item_bytes,
	       map + p->n_items * op->in0_item_bytes + vec_b_bytes(op, p),
	       p->n_items * op->out_item_bytes);
	return 0;
}

static int vec_cpu_run(struct zk_op *op, const struct zkm_exec *ex)
{
	return zk_fail_math(zkm_vec(op->id, op->vec_op, op->in0, op->in1, op->out, op->n_items,
				    op->flags, ex), "vector op");
}

static const struct zk_op_class vec_class = {
	.name = "vector op",
	.invalid_value = "an element is not below the modulus",
	.part_bytes = vec_part_bytes,
	.stage = vec_stage,
	.collect = vec_collect,
	.cpu_run = vec_cpu_run,
};

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
	if (zk_check_mul(n, 3 * fb, &tmp))
		return -EOVERFLOW;
	op = zk_op_new(ctx, &vec_class, field, flags);
	if (!op)
		return -ENOMEM;
	op->vec_op = op_id;
	op->in0 = a;
	op->in1 = b;
	op->out = out;
	op->n_items = n;
	op->in0_item_bytes = fb;
	op->out_item_bytes = fb;
	op->in1_item_bytes = op_id >= ZKM_VEC_TO_MONT ? 0 : fb;
	op->in1_shared_bytes = op_id == ZKM_VEC_SCALE ? fb : 0;
	if (ctx->backend == ZK_BACKEND_ACCEL) {
		ret = zk_op_split(op, ZK_PART_TARGET_BYTES / (3 * fb));
		if (ret) {
			zk_op_free(op);
			return ret;
		}
	}
	return zk_op_start(op, res);
}

int zk_vec(struct zk_ctx *ctx, int field, int op_id, const void *a, const void *b,
	   void *out, size_t n, unsigned int flags)
{
	struct zk_op *op;
	int ret = zk_vec_async(ctx, field, op_id, a, b, out, n, flags, &op);

	return ret ? ret : zk_op_wait(op);
}
