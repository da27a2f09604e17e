// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zkasic device model core: command validation. Every field of every
 * command is checked before the command touches anything, in this order,
 * and the first failure is the command's status:
 *
 *  1. opcode is one of DRM_ZKASIC_OP_*                  INVALID_OPCODE
 *     (VEC: arg is one of DRM_ZKASIC_VEC_*)             INVALID_OPCODE
 *  2. reserved[0..2] are zero                           RESERVED_NONZERO
 *  3. kind: a curve (MSM) or field (NTT, VEC) the
 *     device has, 0 for the other opcodes               INVALID_KIND
 *  4. flags: only the opcode's bits; NTT COSET_SHIFT
 *     needs COSET; VEC TO_MONT/FROM_MONT take none      INVALID_FLAGS
 *  5. count: MSM <= 2^26; NTT a power of two
 *     <= min(2^24, 2^two-adicity) with arg (the batch)
 *     >= 1 and the whole batch below 2^39 bytes        INVALID_SIZE
 *  6. fields the command does not use are zero          RESERVED_NONZERO
 *     (NOP: all; FENCE: count, src0, src1, and dst/arg
 *     without F_WRITE; COPY: src1, arg; FILL: src0,
 *     src1; MSM: arg; NTT: src1 unless COSET_SHIFT;
 *     VEC: src1 for TO_MONT/FROM_MONT)
 *  7. addresses in use are 8-byte aligned               INVALID_ALIGN
 *  8. FILL: arg <= 0xff                                 INVALID_VALUE
 *  9. every byte of every range is mapped, readable
 *     (sources) or writable (destinations)              MMU_FAULT
 *     (a page table that cannot be read: DMA_ERROR)
 * Zero-length ranges (count 0 for COPY, FILL, MSM bases/scalars and VEC)
 * are valid and touch no memory. Execution may then still fail with
 * INVALID_VALUE (a scalar >= r, a point not on the curve, a non-canonical
 * field element), INTERNAL (host memory) or DMA_ERROR.
 */
#include "zkasic_internal.h"
#include <zkasic/zkmath.h>

/* Bytes of one NTT batch, or 0 if it exceeds the device address space. */
static uint64_t zk_ntt_bytes(uint32_t n, size_t fb, uint64_t batch)
{
	uint64_t vec = (uint64_t)n * fb;

	if (!batch || batch > (1ULL << ZKASIC_VA_BITS) / vec)
		return 0;
	return vec * batch;
}

static int zk_check_kind(struct zkasic_dev *d, const struct drm_zkasic_cmd *c)
{
	switch (c->opcode) {
	case DRM_ZKASIC_OP_MSM:
		return c->kind < 32 && (d->cap_curves & (1U << c->kind));
	case DRM_ZKASIC_OP_NTT:
	case DRM_ZKASIC_OP_VEC:
		return c->kind < 32 && (d->cap_fields & (1U << c->kind));
	default:
		return c->kind == 0;
	}
}

static int zk_check_flags(const struct drm_zkasic_cmd *c)
{
	uint32_t allowed = 0;

	switch (c->opcode) {
	case DRM_ZKASIC_OP_FENCE:
		allowed = DRM_ZKASIC_FENCE_F_WRITE;
		break;
	case DRM_ZKASIC_OP_MSM:
		allowed = DRM_ZKASIC_MSM_F_SCALARS_MONT |
			  DRM_ZKASIC_MSM_F_POINTS_MONT;
		break;
	case DRM_ZKASIC_OP_NTT:
		allowed = DRM_ZKASIC_NTT_F_INVERSE | DRM_ZKASIC_NTT_F_COSET |
			  DRM_ZKASIC_NTT_F_COSET_SHIFT |
			  DRM_ZKASIC_NTT_F_BITREV_IN |
			  DRM_ZKASIC_NTT_F_BITREV_OUT | DRM_ZKASIC_NTT_F_MONT;
		if ((c->flags & DRM_ZKASIC_NTT_F_COSET_SHIFT) &&
		    !(c->flags & DRM_ZKASIC_NTT_F_COSET))
			return 0;
		break;
	case DRM_ZKASIC_OP_VEC:
		if (c->arg != DRM_ZKASIC_VEC_TO_MONT &&
		    c->arg != DRM_ZKASIC_VEC_FROM_MONT)
			allowed = DRM_ZKASIC_VEC_F_MONT;
		break;
	}
	return !(c->flags & ~allowed);
}

static int zk_check_size(const struct drm_zkasic_cmd *c)
{
	unsigned int log_n;
	size_t fb;

	switch (c->opcode) {
	case DRM_ZKASIC_OP_MSM:
		return c->count <= (1U << ZK_MAX_MSM_LOG2);
	case DRM_ZKASIC_OP_NTT:
		if (!c->count || (c->count & (c->count - 1)))
			return 0;
		log_n = __builtin_ctz(c->count);
		if (log_n > ZK_MAX_NTT_LOG2 ||
		    log_n > zkm_field_two_adicity(c->kind))
			return 0;
		fb = zkm_field_bytes(c->kind);
		return zk_ntt_bytes(c->count, fb, c->arg) != 0;
	}
	return 1;
}

/* Unused fields are zero (step 6). */
static int zk_check_unused(const struct drm_zkasic_cmd *c)
{
	switch (c->opcode) {
	case DRM_ZKASIC_OP_NOP:
		return !c->count && !c->src0 && !c->src1 && !c->dst && !c->arg;
	case DRM_ZKASIC_OP_FENCE:
		if (c->count || c->src0 || c->src1)
			return 0;
		return (c->flags & DRM_ZKASIC_FENCE_F_WRITE) ||
		       (!c->dst && !c->arg);
	case DRM_ZKASIC_OP_COPY:
		return !c->src1 && !c->arg;
	case DRM_ZKASIC_OP_FILL:
		return !c->src0 && !c->src1;
	case DRM_ZKASIC_OP_MSM:
		return !c->arg;
	case DRM_ZKASIC_OP_NTT:
		return (c->flags & DRM_ZKASIC_NTT_F_COSET_SHIFT) || !c->src1;
	case DRM_ZKASIC_OP_VEC:
		return (c->arg != DRM_ZKASIC_VEC_TO_MONT &&
			c->arg != DRM_ZKASIC_VEC_FROM_MONT) || !c->src1;
	}
	return 1;
}

/* The ranges a command reads and writes. */
struct zk_ranges {
	unsigned int n;
	struct {
		uint64_t iova, len;
		bool write;
	} r[3];
};

static void zk_add_range(struct zk_ranges *rs, uint64_t iova, uint64_t len,
			 bool write)
{
	rs->r[rs->n].iova = iova;
	rs->r[rs->n].len = len;
	rs->r[rs->n].write = write;
	rs->n++;
}

static void zk_cmd_ranges(const struct drm_zkasic_cmd *c, struct zk_ranges *rs)
{
	uint64_t pb, fb, len;

	rs->n = 0;
	switch (c->opcode) {
	case DRM_ZKASIC_OP_FENCE:
		if (c->flags & DRM_ZKASIC_FENCE_F_WRITE)
			zk_add_range(rs, c->dst, 8, true);
		break;
	case DRM_ZKASIC_OP_COPY:
		zk_add_range(rs, c->src0, c->count, false);
		zk_add_range(rs, c->dst, c->count, true);
		break;
	case DRM_ZKASIC_OP_FILL:
		zk_add_range(rs, c->dst, c->count, true);
		break;
	case DRM_ZKASIC_OP_MSM:
		pb = zkm_point_bytes(c->kind);
		zk_add_range(rs, c->src0, c->count * pb, false);
		zk_add_range(rs, c->src1, c->count * 32ULL, false);
		zk_add_range(rs, c->dst, pb, true);
		break;
	case DRM_ZKASIC_OP_NTT:
		fb = zkm_field_bytes(c->kind);
		len = zk_ntt_bytes(c->count, fb, c->arg);
		zk_add_range(rs, c->src0, len, false);
		if (c->flags & DRM_ZKASIC_NTT_F_COSET_SHIFT)
			zk_add_range(rs, c->src1, fb, false);
		zk_add_range(rs, c->dst, len, true);
		break;
	case DRM_ZKASIC_OP_VEC:
		fb = zkm_field_bytes(c->kind);
		zk_add_range(rs, c->src0, c->count * fb, false);
		if (c->arg == DRM_ZKASIC_VEC_SCALE)
			zk_add_range(rs, c->src1, c->count ? fb : 0, false);
		else if (c->arg != DRM_ZKASIC_VEC_TO_MONT &&
			 c->arg != DRM_ZKASIC_VEC_FROM_MONT)
			zk_add_range(rs, c->src1, c->count * fb, false);
		zk_add_range(rs, c->dst, c->count * fb, true);
		break;
	}
}

int zk_cmd_validate(struct zk_job *j, const struct drm_zkasic_cmd *c)
{
	struct zk_ranges rs;
	unsigned int i;
	int ret;

	switch (c->opcode) {
	case DRM_ZKASIC_OP_NOP:
	case DRM_ZKASIC_OP_FENCE:
	case DRM_ZKASIC_OP_COPY:
	case DRM_ZKASIC_OP_FILL:
	case DRM_ZKASIC_OP_MSM:
	case DRM_ZKASIC_OP_NTT:
		break;
	case DRM_ZKASIC_OP_VEC:
		if (c->arg > DRM_ZKASIC_VEC_FROM_MONT)
			return DRM_ZKASIC_STATUS_INVALID_OPCODE;
		break;
	default:
		return DRM_ZKASIC_STATUS_INVALID_OPCODE;
	}
	if (c->reserved[0] || c->reserved[1] || c->reserved[2])
		return DRM_ZKASIC_STATUS_RESERVED_NONZERO;
	if (!zk_check_kind(j->dev, c))
		return DRM_ZKASIC_STATUS_INVALID_KIND;
	if (!zk_check_flags(c))
		return DRM_ZKASIC_STATUS_INVALID_FLAGS;
	if (!zk_check_size(c))
		return DRM_ZKASIC_STATUS_INVALID_SIZE;
	if (!zk_check_unused(c))
		return DRM_ZKASIC_STATUS_RESERVED_NONZERO;

	zk_cmd_ranges(c, &rs);
	for (i = 0; i < rs.n; i++)
		if (rs.r[i].iova & 7)
			return DRM_ZKASIC_STATUS_INVALID_ALIGN;
	if (c->opcode == DRM_ZKASIC_OP_FILL && c->arg > 0xff)
		return DRM_ZKASIC_STATUS_INVALID_VALUE;
	for (i = 0; i < rs.n; i++) {
		ret = zk_mmu_check(j, rs.r[i].iova, rs.r[i].len, rs.r[i].write);
		if (ret)
			return ret;
	}
	return 0;
}
