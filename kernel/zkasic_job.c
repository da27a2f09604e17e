// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: SUBMIT and WAIT. A submission's commands are copied into a
 * driver-owned DMA buffer and checked once, so userspace cannot change them
 * after the check; addresses inside them are confined by the device MMU.
 */
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <linux/dma-fence.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

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

static bool zkasic_cmd_valid(struct zkasic_device *zdev, const struct drm_zkasic_cmd *cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmd->reserved); i++)
		if (cmd->reserved[i])
			return false;

	switch (cmd->opcode) {
	case DRM_ZKASIC_OP_NOP:
		return !cmd->kind && !cmd->flags && !cmd->count && !cmd->src0 &&
		       !cmd->src1 && !cmd->dst && !cmd->arg;
	case DRM_ZKASIC_OP_FENCE:
		return !cmd->kind && !(cmd->flags & ~DRM_ZKASIC_FENCE_F_WRITE) &&
		       !cmd->count && !cmd->src0 && !cmd->src1;
	case DRM_ZKASIC_OP_COPY:
		return !cmd->kind && !cmd->flags && !cmd->src1 && !cmd->arg;
	case DRM_ZKASIC_OP_FILL:
		return !cmd->kind && !cmd->flags && !cmd->src0 && !cmd->src1 &&
		       cmd->arg <= 0xff;
	case DRM_ZKASIC_OP_MSM:
		return cmd->kind < 32 && (zdev->curves & BIT(cmd->kind)) &&
		       !(cmd->flags & ~(DRM_ZKASIC_MSM_F_SCALARS_MONT |
					DRM_ZKASIC_MSM_F_POINTS_MONT)) && !cmd->arg;
	case DRM_ZKASIC_OP_NTT:
		return cmd->kind < 32 && (zdev->fields & BIT(cmd->kind)) &&
		       !(cmd->flags & ~(DRM_ZKASIC_NTT_F_INVERSE | DRM_ZKASIC_NTT_F_COSET |
					DRM_ZKASIC_NTT_F_COSET_SHIFT |
					DRM_ZKASIC_NTT_F_BITREV_IN |
					DRM_ZKASIC_NTT_F_BITREV_OUT | DRM_ZKASIC_NTT_F_MONT));
	case DRM_ZKASIC_OP_VEC:
		return cmd->kind < 32 && (zdev->fields & BIT(cmd->kind)) &&
		       !(cmd->flags & ~DRM_ZKASIC_VEC_F_MONT) &&
		       cmd->arg <= DRM_ZKASIC_VEC_FROM_MONT;
	default:
		return false;
	}
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

/* A job carrying a copy of @cmds (already checked) in a DMA buffer. */
static struct zkasic_job *zkasic_job_alloc(struct zkasic_device *zdev,
					   const struct drm_zkasic_cmd *cmds, u32 count)
{
	size_t size = array_size(count, sizeof(struct drm_zkasic_cmd));
	struct zkasic_job *job;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return NULL;
	job->result = kzalloc(sizeof(*job->result), GFP_KERNEL);
	job->cmds_size = size;
	job->cmds = dma_alloc_coherent(zdev->drm.dev, size, &job->cmds_dma, GFP_KERNEL);
	if (!job->result || !job->cmds) {
		if (job->cmds)
			dma_free_coherent(zdev->drm.dev, size, job->cmds, job->cmds_dma);
		kfree(job->result);
		kfree(job);
		return NULL;
	}
	memcpy(job->cmds, cmds, size);
	job->cmd_count = count;
	kref_init(&job->result->ref);
	job->result->status = DRM_ZKASIC_STATUS_CANCELED;
	job->result->err_index = U32_MAX;
	return job;
}

/* Copy the submission's commands from userspace and check every one. */
static struct zkasic_job *zkasic_job_from_user(struct zkasic_device *zdev,
					       struct drm_zkasic_submit *args)
{
	size_t size = array_size(args->cmd_count, sizeof(struct drm_zkasic_cmd));
	struct zkasic_job *job = ERR_PTR(-EINVAL);
	struct drm_zkasic_cmd *cmds;
	unsigned int i;

	cmds = kvmalloc(size, GFP_KERNEL);
	if (!cmds)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(cmds, u64_to_user_ptr(args->cmds), size)) {
		job = ERR_PTR(-EFAULT);
		goto out;
	}
	for (i = 0; i < args->cmd_count; i++) {
		if (!zkasic_cmd_valid(zdev, &cmds[i])) {
			drm_dbg(&zdev->drm, "command %u (opcode %#x) is malformed\n",
				i, cmds[i].opcode);
			goto out;
		}
	}
	job = zkasic_job_alloc(zdev, cmds, args->cmd_count);
	if (!job)
		job = ERR_PTR(-ENOMEM);
out:
	kvfree(cmds);
	return job;
}

/* Undo zkasic_job_alloc for a job the scheduler never saw. */
static void zkasic_job_discard(struct zkasic_device *zdev, struct zkasic_job *job)
{
	dma_free_coherent(zdev->drm.dev, job->cmds_size, job->cmds, job->cmds_dma);
	zkasic_result_put(job->result);
	kfree(job);
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

/* Give the job its sequence number and result slot. Called with ctx->lock held. */
static void zkasic_job_arm(struct zkasic_ctx *ctx, struct zkasic_job *job)
{
	struct zkasic_result **slot;

	drm_sched_job_arm(&job->base);
	kref_get(&ctx->ref);
	job->ctx = ctx;
	job->result->seqno = ++ctx->last_seqno;
	job->result->done = dma_fence_get(&job->base.s_fence->finished);
	slot = &ctx->results[job->result->seqno % DRM_ZKASIC_MAX_RESULTS];
	if (*slot)
		zkasic_result_put(*slot);
	kref_get(&job->result->ref);
	*slot = job->result;
	dma_fence_put(ctx->last_done);
	ctx->last_done = dma_fence_get(&job->base.s_fence->finished);
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

	job = zkasic_job_alloc(zdev, cmds, count);
	if (!job)
		return -ENOMEM;
	job->queue = &zdev->queues[0];
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
		zkasic_job_discard(zdev, job);
		return ret;
	}
	zkasic_job_arm(ctx, job);
	res = job->result;
	kref_get(&res->ref);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ctx->lock);

	dma_fence_wait(res->done, false);
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
	struct drm_syncobj *out_syncobj = NULL;
	struct drm_sched_entity *entity;
	struct zkasic_job *job;
	int ret, idx;

	if ((args->flags & ~DRM_ZKASIC_SUBMIT_PRIORITY_MASK) ||
	    (args->flags & DRM_ZKASIC_SUBMIT_PRIORITY_MASK) >= ZKASIC_NUM_PRIOS ||
	    args->pad || args->queue >= zdev->num_queues ||
	    !args->cmd_count || args->cmd_count > zdev->max_batch ||
	    args->in_syncobj_count > ZKASIC_MAX_IN_SYNCOBJS)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	if (args->out_syncobj) {
		out_syncobj = drm_syncobj_find(file, args->out_syncobj);
		if (!out_syncobj) {
			ret = -ENOENT;
			goto out_exit;
		}
	}
	job = zkasic_job_from_user(zdev, args);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto out_syncobj;
	}
	job->queue = &zdev->queues[args->queue];

	mutex_lock(&ctx->lock);
	entity = zkasic_ctx_entity(ctx, job->queue,
				   args->flags & DRM_ZKASIC_SUBMIT_PRIORITY_MASK);
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
	zkasic_job_discard(zdev, job);
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

	timeout = nsecs_to_jiffies64(args->timeout_ns) > MAX_SCHEDULE_TIMEOUT - 1 ?
		  MAX_SCHEDULE_TIMEOUT - 1 : (long)nsecs_to_jiffies64(args->timeout_ns);
	ret = dma_fence_wait_timeout(res->done, true, timeout);
	if (ret > 0 || (ret == 0 && dma_fence_is_signaled(res->done))) {
		/* The scheduler fails jobs whose dependencies failed. */
		if (res->done->error && res->status == DRM_ZKASIC_STATUS_OK)
			res->status = DRM_ZKASIC_STATUS_CANCELED;
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
