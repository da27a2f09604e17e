/* SPDX-License-Identifier: MIT */
/*
 * The operation layer's insides, shared by its files. How one MSM travels:
 *
 *   op_msm.c        zk_msm() -> zk_msm_async(): checks, then a zk_op of the
 *                   MSM class, cut into parts (zk_op_split)
 *   part_pipeline.c zk_op_start(): on the CPU a thread runs the class's
 *                   cpu_run; on devices parts are submitted up to the
 *                   in-flight limit: part_submit() takes a staging buffer
 *                   (staging.c), lets the class copy the part's inputs in
 *                   and fill a command (msm_stage), and calls
 *                   zk_batch_submit() (batch.c: the SUBMIT ioctl)
 *                   zk_op_wait(): zk_wait() (batch.c: the WAIT ioctl) on
 *                   each part in order, the class copies its result out
 *                   (msm_collect), more parts go in as parts come out; then
 *                   the class's finish adds the MSM's partial sums
 *   context.c       the zk_ctx: backend choice, its devices and their batches
 *   staging.c       device-visible staging buffers, cached per device
 *   op_ntt.c, op_vec.c   the other two operation classes
 *   msm_bases.c     MSM bases kept resident in device memory
 */
#ifndef ZKASIC_RUNTIME_OPS_H
#define ZKASIC_RUNTIME_OPS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "ids.h"
#include "internal.h"

#define ZK_MAX_DEVICES		16
#define ZK_MSM_CHUNK_LOG2	20		/* default points per MSM part */
#define ZK_PART_TARGET_BYTES	(64ULL << 20)	/* NTT and VEC parts: about this much input */
#define ZK_INFLIGHT_PER_DEV	3		/* parts on each device at once */
#define ZK_CACHED_BUFFERS	4		/* staging buffers kept per device */

/* One device of a context. */
struct zk_dev_slot {
	struct zk_device *dev;
	struct zk_batch *batch;			/* under ctx->lock */
	unsigned int next_queue;		/* under ctx->lock */
	struct zk_buffer *cache[ZK_CACHED_BUFFERS];	/* staging, under ctx->lock */
};

struct zk_ctx {
	enum zk_backend backend;
	unsigned int threads;			/* CPU backend: 0 = all CPUs */
	int queue;				/* -1: round robin */
	unsigned int msm_chunk_log2;		/* largest MSM part: 2^this points */
	pthread_mutex_t lock;
	unsigned int next_dev;			/* under lock */
	unsigned int ndev;
	struct zk_dev_slot devs[ZK_MAX_DEVICES];
};

/*
 * Where a part is in its life on a device. A part is submitted and collected
 * exactly once, in order; the stage says which of its fields are live.
 */
enum zk_part_stage {
	ZK_PART_PENDING,	/* not submitted yet: no buffer, no seqno */
	ZK_PART_ON_DEVICE,	/* inputs staged in @buf, command submitted as @seqno */
	ZK_PART_COLLECTED,	/* waited for, results copied out, buffer returned */
};

/*
 * A part: a contiguous run of the operation's items. An item is what the
 * operation counts: a point (with its scalar) for an MSM, a whole vector of
 * 2^log_n elements for an NTT, an element for a vector op.
 */
struct zk_part {
	struct zk_dev_slot *slot;
	struct zk_buffer *buf;
	uint64_t seqno;
	size_t first_item, n_items;
	enum zk_part_stage stage;
};

struct zk_op;

/*
 * What one kind of operation (MSM, NTT, VEC) does at each step; the part
 * pipeline calls these and knows nothing else about the kind.
 */
struct zk_op_class {
	const char *name;		/* "MSM": for messages */
	const char *invalid_value;	/* what DRM_ZKASIC_STATUS_INVALID_VALUE means */
	/* Staging bytes part @p needs: inputs, then room for its results. */
	uint64_t (*part_bytes)(const struct zk_op *op, const struct zk_part *p);
	/* Copy @p's inputs to @map (device address @iova) and fill @cmd. */
	void (*stage)(struct zk_op *op, const struct zk_part *p, uint8_t *map, uint64_t iova,
		      struct drm_zkasic_cmd *cmd);
	/* @p is done: copy its results out of @map (and check them). */
	int (*collect)(struct zk_op *op, const struct zk_part *p, const uint8_t *map);
	/* The whole operation on the CPU backend. */
	int (*cpu_run)(struct zk_op *op, const struct zkm_exec *ex);
	/* After every part was collected without error; NULL if nothing to do. */
	int (*finish)(struct zk_op *op);
};

struct zk_op {
	struct zk_ctx *ctx;
	const struct zk_op_class *cls;
	int id;				/* curve (MSM) or field (NTT, VEC) */
	unsigned int flags;		/* ZKM_* flags = the command's flags */
	const uint8_t *in0, *in1;	/* MSM: bases, scalars; VEC: a, b */
	uint8_t *out;			/* MSM: result point; NTT: data, in place; VEC: out */
	size_t n_items;
	/* Bytes per item of each stream; in1_shared_bytes: one in1 for all items (VEC SCALE) */
	size_t in0_item_bytes, in1_item_bytes, out_item_bytes, in1_shared_bytes;
	/* NTT */
	unsigned int log_n;
	uint8_t shift[64];
	size_t shift_bytes;		/* 0: no coset shift */
	/* VEC */
	int vec_op;
	/* MSM on devices: one partial sum (a point) per part */
	uint8_t *partials;
	/* the part pipeline */
	size_t nparts, next_submit, next_collect;
	struct zk_part *parts;
	/* CPU backend: the work runs on a thread of its own. */
	pthread_t thread;
	int threaded;
	int ret;
	char msg[256];			/* its error, for the waiting thread */
};

/* context.c: the queue for the next command to a device, under ctx->lock */
unsigned int zk_ctx_pick_queue(struct zk_ctx *ctx, struct zk_dev_slot *s);

/* part_pipeline.c */
int zk_check_mul(size_t a, size_t b, size_t *out);
struct zk_op *zk_op_new(struct zk_ctx *ctx, const struct zk_op_class *cls, int id,
			unsigned int flags);
int zk_op_split(struct zk_op *op, size_t items_per_part);
int zk_op_start(struct zk_op *op, struct zk_op **out);
void zk_op_free(struct zk_op *op);

/* staging.c */
int zk_staging_get(struct zk_dev_slot *s, uint64_t size, struct zk_buffer **out);
void zk_staging_put(struct zk_ctx *ctx, struct zk_dev_slot *s, struct zk_buffer *buf);
int zk_staging_upload(struct zk_ctx *ctx, struct zk_dev_slot *s, uint64_t dst,
		      const uint8_t *src, size_t len);

/* op_msm.c */
int zk_msm_device_check(struct zk_ctx *ctx, int curve, size_t *max_part);
int zk_msm_result_check(int curve, unsigned int flags, const uint8_t *point,
			const struct zk_device *dev);
int zk_points_add(int curve, const uint8_t *pts, size_t n, unsigned int flags, void *out,
		  const char *what);

#endif
