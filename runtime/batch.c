// SPDX-License-Identifier: MIT
/*
 * Batches: commands gathered in user memory and handed to the kernel with
 * one SUBMIT ioctl, so the per-command cost of a submission is a 64-byte
 * copy, not a system call (the model is liburing's SQE preparation).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_WAITS 64

struct zk_batch {
	struct zk_device *dev;
	unsigned int capacity;
	unsigned int count;
	unsigned int nwaits;
	uint32_t waits[MAX_WAITS];
	struct drm_zkasic_cmd *cmds;
};

int zk_batch_new(struct zk_device *dev, unsigned int capacity, struct zk_batch **out)
{
	struct zk_batch *b;

	*out = NULL;
	if (!capacity || capacity > dev->info.max_batch)
		capacity = dev->info.max_batch;
	b = calloc(1, sizeof(*b));
	if (!b)
		return zk_fail(-ENOMEM, "batch");
	b->cmds = calloc(capacity, sizeof(*b->cmds));
	if (!b->cmds) {
		free(b);
		return zk_fail(-ENOMEM, "batch of %u commands", capacity);
	}
	b->dev = dev;
	b->capacity = capacity;
	*out = b;
	return 0;
}

void zk_batch_free(struct zk_batch *b)
{
	if (!b)
		return;
	free(b->cmds);
	free(b);
}

struct drm_zkasic_cmd *zk_batch_get_cmd(struct zk_batch *b)
{
	struct drm_zkasic_cmd *cmd;

	if (b->count == b->capacity) {
		zk_fail(-ENOSPC, "batch full (%u commands)", b->capacity);
		return NULL;
	}
	cmd = &b->cmds[b->count++];
	memset(cmd, 0, sizeof(*cmd));
	return cmd;
}

unsigned int zk_batch_count(const struct zk_batch *b)
{
	return b->count;
}

int zk_batch_add_wait(struct zk_batch *b, uint32_t syncobj)
{
	if (b->nwaits == MAX_WAITS)
		return zk_fail(-ENOSPC, "more than %d waits in one batch", MAX_WAITS);
	b->waits[b->nwaits++] = syncobj;
	return 0;
}

int zk_batch_submit(struct zk_batch *b, unsigned int queue, uint32_t out_syncobj,
		    uint64_t *seqno)
{
	struct drm_zkasic_submit s = {
		.cmds = (uintptr_t)b->cmds,
		.cmd_count = b->count,
		.in_syncobjs = (uintptr_t)b->waits,
		.in_syncobj_count = b->nwaits,
		.out_syncobj = out_syncobj,
		.queue = queue,
	};
	int ret;

	if (!b->count)
		return zk_fail(-EINVAL, "empty batch");
	ret = zk_ioctl(b->dev->fd, DRM_IOCTL_ZKASIC_SUBMIT, &s);
	if (ret == -EIO)
		return zk_fail(ret, "%s: this context is banned: one of its jobs hung the device (open the device again)",
			       b->dev->info.path);
	if (ret == -ECANCELED)
		return zk_fail(ret, "%s: a device reset wiped device-memory buffers of this context (free them and upload again)",
			       b->dev->info.path);
	if (ret)
		return zk_fail(ret, "%s: SUBMIT of %u commands to queue %u",
			       b->dev->info.path, b->count, queue);
	b->count = 0;
	b->nwaits = 0;
	if (seqno)
		*seqno = s.seqno;
	return 0;
}

void zk_batch_reset(struct zk_batch *b)
{
	b->count = 0;
	b->nwaits = 0;
}

int zk_wait(struct zk_device *dev, uint64_t seqno, int64_t timeout_ns,
	    struct zk_result *res)
{
	/* "Forever" is a loop of bounded waits: it survives signals too. */
	const int64_t slice = 10LL * 1000 * 1000 * 1000;
	int ret;

	for (;;) {
		struct drm_zkasic_wait w = {
			.seqno = seqno,
			.timeout_ns = timeout_ns < 0 || timeout_ns > slice ? slice : timeout_ns,
		};

		ret = zk_ioctl(dev->fd, DRM_IOCTL_ZKASIC_WAIT, &w);
		if (!ret) {
			if (res) {
				res->status = w.status;
				res->err_index = w.err_index;
				res->device_ns = w.device_ns;
			}
			return 0;
		}
		if (ret != -ETIME && ret != -EINTR && ret != -ERESTART)
			return zk_fail(ret, "%s: WAIT for job %llu", dev->info.path,
				       (unsigned long long)seqno);
		if (timeout_ns >= 0 && ret == -ETIME) {
			if (timeout_ns <= slice)
				return zk_fail(ret, "job %llu not done",
					       (unsigned long long)seqno);
			timeout_ns -= slice;
		}
	}
}

int zk_batch_run(struct zk_batch *b, unsigned int queue, struct zk_result *res)
{
	struct zk_result r;
	uint64_t seqno;
	int ret;

	ret = zk_batch_submit(b, queue, 0, &seqno);
	if (ret)
		return ret;
	ret = zk_wait(b->dev, seqno, -1, &r);
	if (ret)
		return ret;
	if (res)
		*res = r;
	if (r.status != DRM_ZKASIC_STATUS_OK)
		return zk_fail(-EIO, "job %llu failed at command %u: %s",
			       (unsigned long long)seqno, r.err_index,
			       zk_status_str(r.status));
	return 0;
}

void zk_prep_nop(struct drm_zkasic_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = DRM_ZKASIC_OP_NOP;
}

void zk_prep_fence(struct drm_zkasic_cmd *cmd, uint64_t dst, uint64_t value)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = DRM_ZKASIC_OP_FENCE;
	if (dst) {
		cmd->flags = DRM_ZKASIC_FENCE_F_WRITE;
		cmd->dst = dst;
		cmd->arg = value;
	}
}

void zk_prep_copy(struct drm_zkasic_cmd *cmd, uint64_t dst, uint64_t src, uint32_t bytes)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = DRM_ZKASIC_OP_COPY;
	cmd->count = bytes;
	cmd->src0 = src;
	cmd->dst = dst;
}

void zk_prep_fill(struct drm_zkasic_cmd *cmd, uint64_t dst, uint8_t value, uint32_t bytes)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = DRM_ZKASIC_OP_FILL;
	cmd->count = bytes;
	cmd->dst = dst;
	cmd->arg = value;
}

void zk_prep_msm(struct drm_zkasic_cmd *cmd, int curve, uint64_t bases,
		 uint64_t scalars, uint32_t n, uint64_t result, unsigned int flags)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = DRM_ZKASIC_OP_MSM;
	cmd->kind = (uint8_t)curve;
	cmd->flags = (uint16_t)flags;
	cmd->count = n;
	cmd->src0 = bases;
	cmd->src1 = scalars;
	cmd->dst = result;
}

void zk_prep_ntt(struct drm_zkasic_cmd *cmd, int field, uint64_t src, uint64_t dst,
		 unsigned int log_n, uint32_t batch, unsigned int flags)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = DRM_ZKASIC_OP_NTT;
	cmd->kind = (uint8_t)field;
	cmd->flags = (uint16_t)flags;
	cmd->count = log_n < 32 ? 1U << log_n : 0;
	cmd->src0 = src;
	cmd->dst = dst;
	cmd->arg = batch;
}

void zk_prep_vec(struct drm_zkasic_cmd *cmd, int field, int op, uint64_t a,
		 uint64_t b, uint64_t out, uint32_t n, unsigned int flags)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = DRM_ZKASIC_OP_VEC;
	cmd->kind = (uint8_t)field;
	cmd->flags = (uint16_t)flags;
	cmd->count = n;
	cmd->src0 = a;
	cmd->src1 = b;
	cmd->dst = out;
	cmd->arg = (uint64_t)op;
}
