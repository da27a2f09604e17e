// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: SUBMIT and WAIT. A submission's commands are copied into a
 * driver-owned DMA buffer and checked there, so userspace cannot change them
 * after the check; addresses inside them are confined by the device MMU,
 * and the device checks sizes, alignment and data again.
 */
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <linux/dma-fence.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "zkasic_drv.h"

static void zkasic_result_release(struct kref *ref)
{
	struct zkasic_result *res = container_of(ref, struct zkasic_result, ref);

	dma_fence_put(res->done);
	kfree(res);
}

void zkasic_result_put(struct zkasic_result *res)
{
	kref_put(&res->ref, zkasic_result_release);
}

/* Only the opcode's flag bits, and only valid combinations of them. */
static bool zkasic_cmd_flags_valid(const struct drm_zkasic_cmd *cmd)
{
	u32 allowed = 0;

	switch (cmd->opcode) {
	case DRM_ZKASIC_OP_FENCE:
		allowed = DRM_ZKASIC_FENCE_F_WRITE;
		break;
	case DRM_ZKASIC_OP_MSM:
		allowed = DRM_ZKASIC_MSM_F_SCALARS_MONT | DRM_ZKASIC_MSM_F_POINTS_MONT;
		break;
	case DRM_ZKASIC_OP_NTT:
		allowed = DRM_ZKASIC_NTT_F_INVERSE | DRM_ZKASIC_NTT_F_COSET |
			  DRM_ZKASIC_NTT_F_COSET_SHIFT | DRM_ZKASIC_NTT_F_BITREV_IN |
			  DRM_ZKASIC_NTT_F_BITREV_OUT | DRM_ZKASIC_NTT_F_MONT;
		if ((cmd->flags & DRM_ZKASIC_NTT_F_COSET_SHIFT) &&
		    !(cmd->flags & DRM_ZKASIC_NTT_F_COSET))
			return false;
		break;
	case DRM_ZKASIC_OP_VEC:
		/* Form conversions have no form flag. */
		if (cmd->arg != DRM_ZKASIC_VEC_TO_MONT && cmd->arg != DRM_ZKASIC_VEC_FROM_MONT)
			allowed = DRM_ZKASIC_VEC_F_MONT;
		break;
	}
	return !(cmd->flags & ~allowed);
}

/* Fields the command does not use are zero (docs/hardware.md 6.3-6.8). */
static bool zkasic_cmd_unused_zero(const struct drm_zkasic_cmd *cmd)
{
	switch (cmd->opcode) {
	case DRM_ZKASIC_OP_NOP:
		return !cmd->count && !cmd->src0 && !cmd->src1 && !cmd->dst && !cmd->arg;
	case DRM_ZKASIC_OP_FENCE:
		return !cmd->count && !cmd->src0 && !cmd->src1 &&
		       ((cmd->flags & DRM_ZKASIC_FENCE_F_WRITE) || (!cmd->dst && !cmd->arg));
	case DRM_ZKASIC_OP_COPY:
		return !cmd->src1 && !cmd->arg;
	case DRM_ZKASIC_OP_FILL:
		return !cmd->src0 && !cmd->src1 && cmd->arg <= 0xff;
	case DRM_ZKASIC_OP_MSM:
		return !cmd->arg;
	case DRM_ZKASIC_OP_NTT:
		return (cmd->flags & DRM_ZKASIC_NTT_F_COSET_SHIFT) || !cmd->src1;
	case DRM_ZKASIC_OP_VEC:
		return (cmd->arg != DRM_ZKASIC_VEC_TO_MONT &&
			cmd->arg != DRM_ZKASIC_VEC_FROM_MONT) || !cmd->src1;
	}
	return false;
}

/*
 * The structural checks of the device (opcode, reserved words, kind, flags,
 * unused fields): a malformed batch is refused at SUBMIT with -EINVAL
 * rather than failing on the device. Sizes, alignment, data values and
 * addresses are the device's to check.
 */
static bool zkasic_cmd_valid(struct zkasic_device *zdev, const struct drm_zkasic_cmd *cmd)
{
	unsigned int i;
	u32 kinds = 0;

	switch (cmd->opcode) {
	case DRM_ZKASIC_OP_NOP:
	case DRM_ZKASIC_OP_FENCE:
	case DRM_ZKASIC_OP_COPY:
	case DRM_ZKASIC_OP_FILL:
		break;
	case DRM_ZKASIC_OP_MSM:
		kinds = zdev->curves;
		break;
	case DRM_ZKASIC_OP_NTT:
		kinds = zdev->fields;
		break;
	case DRM_ZKASIC_OP_VEC:
		if (cmd->arg > DRM_ZKASIC_VEC_FROM_MONT)
			return false;
		kinds = zdev->fields;
		break;
	default:
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(cmd->reserved); i++)
		if (cmd->reserved[i])
			return false;
	if (kinds ? cmd->kind >= 32 || !(kinds & BIT(cmd->kind)) : cmd->kind)
		return false;
	return zkasic_cmd_flags_valid(cmd) && zkasic_cmd_unused_zero(cmd);
}

/* The context's scheduler entity for @queue at uapi priority @prio. */
static struct drm_sched_entity *zkasic_ctx_entity(struct zkasic_ctx *ctx,
						  struct zkasic_queue *q, u32 prio)
{
	static const enum drm_sched_priority sched_prio[ZKASIC_NUM_PRIOS] = {
		[DRM_ZKASIC_SUBMIT_PRIORITY_NORMAL] = DRM_SCHED_PRIORITY_NORMAL,
		[DRM_ZKASIC_SUBMIT_PRIORITY_LOW] = DRM_SCHED_PRIORITY_LOW,
		[DRM_ZKASIC_SUBMIT_PRIORITY_HIGH] = DRM_SCHED_PRIORITY_HIGH,
	};
	struct drm_gpu_scheduler *sched = &q->sched;
	unsigned int bit = q->id * ZKASIC_NUM_PRIOS + prio;
	struct drm_sched_entity *entity = &ctx->entities[q->id][prio];

	lockdep_assert_held(&ctx->lock);
	if (!test_bit(bit, ctx->entity_ready)) {
		/* The driver's own jobs (clearing memory) go first. */
		if (drm_sched_entity_init(entity, ctx->slot ? sched_prio[prio] :
					  DRM_SCHED_PRIORITY_KERNEL, &sched, 1, NULL))
			return NULL;
		set_bit(bit, ctx->entity_ready);
	}
	return entity;
}

/* Free what zkasic_job_create() allocated. */
static void zkasic_job_destroy(struct zkasic_device *zdev, struct zkasic_job *job)
{
	if (job->cmds)
		dma_free_coherent(zdev->drm.dev, job->cmds_size, job->cmds, job->cmds_dma);
	kfree(job->hw_fence_mem);
	dma_fence_put(job->hw_fence);
	if (job->result)
		zkasic_result_put(job->result);
	kfree(job);
	atomic_dec(&zdev->live_jobs);
}

/* A job with room for @count commands in a DMA buffer, for @queue. */
static struct zkasic_job *zkasic_job_create(struct zkasic_device *zdev, u32 count,
					    struct zkasic_queue *queue)
{
	struct zkasic_job *job;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return NULL;
	atomic_inc(&zdev->live_jobs);
	job->queue = queue;
	job->cmd_count = count;
	job->cmds_size = array_size(count, sizeof(struct drm_zkasic_cmd));
	job->cmds = dma_alloc_coherent(zdev->drm.dev, job->cmds_size, &job->cmds_dma,
				       GFP_KERNEL);
	job->hw_fence_mem = kzalloc(sizeof(*job->hw_fence_mem), GFP_KERNEL);
	job->result = kzalloc(sizeof(*job->result), GFP_KERNEL);
	if (!job->cmds || !job->hw_fence_mem || !job->result) {
		zkasic_job_destroy(zdev, job);
		return NULL;
	}
	kref_init(&job->result->ref);
	INIT_LIST_HEAD(&job->result->pending);
	/* What WAIT reports if the job never reaches the hardware. */
	job->result->status = DRM_ZKASIC_STATUS_CANCELED;
	job->result->err_index = U32_MAX;
	return job;
}

/* The scheduler is done with the job (free_job). */
void zkasic_job_free(struct zkasic_job *job)
{
	struct zkasic_ctx *ctx = job->ctx;

	drm_sched_job_cleanup(&job->base);
	zkasic_job_destroy(ctx->zdev, job);
	/* Last touch of the context: closing may free it right after. */
	if (atomic_dec_and_test(&ctx->live_jobs))
		wake_up_var(&ctx->live_jobs);
}

/* Copy the submission's commands from userspace and check every one. */
static int zkasic_job_copy_cmds(struct zkasic_device *zdev, struct zkasic_job *job,
				u64 user_cmds)
{
	const struct drm_zkasic_cmd *cmds = job->cmds;
	u32 i;

	if (copy_from_user(job->cmds, u64_to_user_ptr(user_cmds), job->cmds_size))
		return -EFAULT;
	for (i = 0; i < job->cmd_count; i++) {
		if (!zkasic_cmd_valid(zdev, &cmds[i])) {
			drm_dbg(&zdev->drm, "command %u (opcode %#x) is malformed\n",
				i, cmds[i].opcode);
			return -EINVAL;
		}
	}
	return 0;
}

static int zkasic_job_add_deps(struct zkasic_job *job, struct drm_file *file,
			       struct drm_zkasic_submit *args)
{
	u32 __user *handles = u64_to_user_ptr(args->in_syncobjs);
	unsigned int i;
	int ret;

	for (i = 0; i < args->in_syncobj_count; i++) {
		u32 handle;

		if (get_user(handle, handles + i))
			return -EFAULT;
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file, handle, 0);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Give the job its sequence number and result slot and count it in its
 * context. Called with ctx->lock held, between job init and push.
 */
static void zkasic_job_arm(struct zkasic_ctx *ctx, struct zkasic_job *job)
{
	struct zkasic_result *res = job->result, **slot, *old, *tmp;

	drm_sched_job_arm(&job->base);
	job->ctx = ctx;
	atomic_inc(&ctx->live_jobs);
	res->seqno = ++ctx->last_seqno;
	res->done = dma_fence_get(&job->base.s_fence->finished);

	slot = &ctx->results[res->seqno % DRM_ZKASIC_MAX_RESULTS];
	if (*slot)
		zkasic_result_put(*slot);
	kref_get(&res->ref);
	*slot = res;

	/* Forget finished jobs at the head, then remember this one. */
	list_for_each_entry_safe(old, tmp, &ctx->pending, pending) {
		if (!dma_fence_is_signaled(old->done))
			break;
		list_del(&old->pending);
		zkasic_result_put(old);
	}
	kref_get(&res->ref);
	list_add_tail(&res->pending, &ctx->pending);
}

/*
 * Wait until every job this context submitted so far is off the hardware
 * (its finished fence signalled), e.g. before unmapping a buffer it may use.
 * Later submissions are not waited for, so a busy context cannot starve us.
 */
void zkasic_ctx_wait_jobs(struct zkasic_ctx *ctx)
{
	u64 last;

	mutex_lock(&ctx->lock);
	last = ctx->last_seqno;
	mutex_unlock(&ctx->lock);

	for (;;) {
		struct zkasic_result *res, *tmp;
		struct dma_fence *fence = NULL;

		mutex_lock(&ctx->lock);
		list_for_each_entry_safe(res, tmp, &ctx->pending, pending) {
			if (res->seqno > last)
				break;
			if (!dma_fence_is_signaled(res->done)) {
				fence = dma_fence_get(res->done);
				break;
			}
			list_del(&res->pending);
			zkasic_result_put(res);
		}
		mutex_unlock(&ctx->lock);
		if (!fence)
			return;
		dma_fence_wait(fence, false);
		dma_fence_put(fence);
	}
}

/*
 * Run driver-built commands in the driver's context (slot 0) on queue 0 and
 * wait for them; used to clear device memory before it changes hands.
 */
int zkasic_job_run_kernel(struct zkasic_device *zdev, const struct drm_zkasic_cmd *cmds,
			  u32 count)
{
	struct zkasic_ctx *ctx = zdev->kctx;
	struct drm_sched_entity *entity;
	struct zkasic_result *res;
	struct zkasic_job *job;
	int ret;

	job = zkasic_job_create(zdev, count, &zdev->queues[0]);
	if (!job)
		return -ENOMEM;
	memcpy(job->cmds, cmds, job->cmds_size);
	mutex_lock(&ctx->lock);
	entity = zkasic_ctx_entity(ctx, job->queue, DRM_ZKASIC_SUBMIT_PRIORITY_NORMAL);
	ret = entity ? 0 : -ENOMEM;
	if (!ret)
#ifdef HAVE_SCHED_JOB_INIT_CLIENT_ID
		ret = drm_sched_job_init(&job->base, entity, 1, ctx, 0);
#else
		ret = drm_sched_job_init(&job->base, entity, 1, ctx);
#endif
	if (ret) {
		mutex_unlock(&ctx->lock);
		zkasic_job_destroy(zdev, job);
		return ret;
	}
	zkasic_job_arm(ctx, job);
	res = job->result;
	kref_get(&res->ref);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ctx->lock);

	dma_fence_wait(res->done, false);
	smp_rmb();	/* the status was written before the fence signalled */
	ret = res->status == DRM_ZKASIC_STATUS_OK ? 0 : -EIO;
	if (ret)
		drm_err(&zdev->drm, "driver job failed: status %#x at command %u\n",
			res->status, res->err_index);
	zkasic_result_put(res);
	return ret;
}

int zkasic_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct zkasic_device *zdev = to_zkasic(drm);
	struct zkasic_ctx *ctx = ((struct zkasic_file *)file->driver_priv)->ctx;
	struct drm_zkasic_submit *args = data;
	u32 prio = args->flags & DRM_ZKASIC_SUBMIT_PRIORITY_MASK;
	struct drm_syncobj *out_syncobj = NULL;
	struct drm_sched_entity *entity;
	struct zkasic_job *job;
	int ret, idx;

	if ((args->flags & ~DRM_ZKASIC_SUBMIT_PRIORITY_MASK) || prio >= ZKASIC_NUM_PRIOS ||
	    args->pad || args->queue >= zdev->num_queues ||
	    !args->cmd_count || args->cmd_count > zdev->max_batch ||
	    args->in_syncobj_count > ZKASIC_MAX_IN_SYNCOBJS)
		return -EINVAL;
	if (READ_ONCE(ctx->banned))
		return -EIO;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	if (args->out_syncobj) {
		out_syncobj = drm_syncobj_find(file, args->out_syncobj);
		if (!out_syncobj) {
			ret = -ENOENT;
			goto out_exit;
		}
	}
	job = zkasic_job_create(zdev, args->cmd_count, &zdev->queues[args->queue]);
	if (!job) {
		ret = -ENOMEM;
		goto out_syncobj;
	}
	ret = zkasic_job_copy_cmds(zdev, job, args->cmds);
	if (ret)
		goto err_destroy;
	/* A reset zeroed device memory this context still holds buffers in. */
	job->devmem_epoch = atomic_read(&zdev->devmem_epoch);
	if (zkasic_ctx_devmem_lost(ctx, job->devmem_epoch, &job->uses_devmem)) {
		ret = -ECANCELED;
		goto err_destroy;
	}

	mutex_lock(&ctx->lock);
	entity = zkasic_ctx_entity(ctx, job->queue, prio);
	if (!entity) {
		ret = -ENOMEM;
		goto err_unlock;
	}
#ifdef HAVE_SCHED_JOB_INIT_CLIENT_ID
	ret = drm_sched_job_init(&job->base, entity, 1, ctx, file->client_id);
#else
	ret = drm_sched_job_init(&job->base, entity, 1, ctx);
#endif
	if (ret)
		goto err_unlock;
	ret = zkasic_job_add_deps(job, file, args);
	if (ret) {
		drm_sched_job_cleanup(&job->base);
		goto err_unlock;
	}

	zkasic_job_arm(ctx, job);
	args->seqno = job->result->seqno;
	if (out_syncobj)
		drm_syncobj_replace_fence(out_syncobj, &job->base.s_fence->finished);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ctx->lock);
	goto out_syncobj;

err_unlock:
	mutex_unlock(&ctx->lock);
err_destroy:
	zkasic_job_destroy(zdev, job);
out_syncobj:
	if (out_syncobj)
		drm_syncobj_put(out_syncobj);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

int zkasic_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct zkasic_ctx *ctx = ((struct zkasic_file *)file->driver_priv)->ctx;
	struct drm_zkasic_wait *args = data;
	struct zkasic_result *res;
	long timeout, ret;
	u64 j;

	if (args->flags || args->pad || args->timeout_ns < 0 || !args->seqno)
		return -EINVAL;

	mutex_lock(&ctx->lock);
	if (args->seqno > ctx->last_seqno) {
		mutex_unlock(&ctx->lock);
		return -EINVAL;
	}
	res = ctx->results[args->seqno % DRM_ZKASIC_MAX_RESULTS];
	if (!res || res->seqno != args->seqno) {
		mutex_unlock(&ctx->lock);
		return -ENOENT;
	}
	kref_get(&res->ref);
	mutex_unlock(&ctx->lock);

	j = nsecs_to_jiffies64(args->timeout_ns);
	timeout = j >= MAX_SCHEDULE_TIMEOUT ? MAX_SCHEDULE_TIMEOUT - 1 : j;
	ret = dma_fence_wait_timeout(res->done, true, timeout);
	if (ret > 0 || (ret == 0 && dma_fence_is_signaled(res->done))) {
		smp_rmb();	/* the result was written before the fence signalled */
		args->status = res->status;
		args->err_index = res->err_index;
		args->device_ns = res->device_ns;
		ret = 0;
	} else if (ret == 0) {
		ret = -ETIME;
	}
	zkasic_result_put(res);
	return ret;
}
