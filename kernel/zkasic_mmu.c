// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: contexts and the device MMU. Each open file gets a context slot in
 * the device's context table and its own 3-level page table; a buffer is
 * reachable by the device only through a context it is mapped into, so one
 * process's commands can never touch another's memory.
 */
#include <drm/drm_print.h>
#include <linux/dma-fence.h>
#include <linux/scatterlist.h>
#include <linux/wait_bit.h>

#include "zkasic_drv.h"

static int zkasic_pt_alloc(struct zkasic_device *zdev, struct zkasic_pt *pt,
			   unsigned int level)
{
	pt->cpu = dma_alloc_coherent(&zdev->pdev->dev, ZKASIC_PAGE_SIZE, &pt->dma,
				     GFP_KERNEL);
	if (!pt->cpu)
		return -ENOMEM;
	pt->children = NULL;
	if (level) {
		pt->children = kcalloc(ZKASIC_PT_ENTRIES, sizeof(*pt->children),
				       GFP_KERNEL);
		if (!pt->children) {
			dma_free_coherent(&zdev->pdev->dev, ZKASIC_PAGE_SIZE,
					  pt->cpu, pt->dma);
			return -ENOMEM;
		}
	}
	return 0;
}

static void zkasic_pt_free(struct zkasic_device *zdev, struct zkasic_pt *pt)
{
	unsigned int i;

	if (pt->children) {
		for (i = 0; i < ZKASIC_PT_ENTRIES; i++) {
			if (pt->children[i]) {
				zkasic_pt_free(zdev, pt->children[i]);
				kfree(pt->children[i]);
			}
		}
		kfree(pt->children);
	}
	dma_free_coherent(&zdev->pdev->dev, ZKASIC_PAGE_SIZE, pt->cpu, pt->dma);
}

/* The level-0 table covering @iova, allocated on demand when @alloc. */
static struct zkasic_pt *zkasic_pt_walk(struct zkasic_ctx *ctx, u64 iova, bool alloc)
{
	struct zkasic_pt *pt = &ctx->root;
	int level;

	for (level = ZKASIC_PT_LEVELS - 1; level > 0; level--) {
		unsigned int idx = ZKASIC_PT_INDEX(iova, level);
		struct zkasic_pt *child = pt->children[idx];

		if (!child) {
			if (!alloc)
				return NULL;
			child = kzalloc(sizeof(*child), GFP_KERNEL);
			if (!child)
				return NULL;
			if (zkasic_pt_alloc(ctx->zdev, child, level - 1)) {
				kfree(child);
				return NULL;
			}
			pt->children[idx] = child;
			pt->cpu[idx] = cpu_to_le64(child->dma | ZKASIC_PTE_VALID);
		}
		pt = child;
	}
	return pt;
}

/*
 * Drop the device's cached translations of @slot. Reading a register back
 * makes sure the posted write reached the device before the caller reuses
 * the memory the old entries pointed to.
 */
void zkasic_mmu_invalidate(struct zkasic_device *zdev, u32 slot)
{
	int idx;

	if (!drm_dev_enter(&zdev->drm, &idx))
		return;
	zk_write(zdev, ZKASIC_REG_MMU_INVAL, slot);
	zk_read(zdev, ZKASIC_REG_STATUS);
	drm_dev_exit(idx);
}

/*
 * Map @size bytes of @sgt at @iova, writable. Every DMA segment must be
 * whole pages: a PTE cannot express an offset, and rounding would expose
 * the rest of a page the buffer only partly owns. Called with ctx->lock.
 */
int zkasic_ctx_map(struct zkasic_ctx *ctx, u64 iova, struct sg_table *sgt, u64 size)
{
	struct scatterlist *sg;
	u64 va = iova, end = iova + size;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		dma_addr_t addr = sg_dma_address(sg);
		u64 len = sg_dma_len(sg);

		if (va == end)
			break;
		if (!IS_ALIGNED(addr, ZKASIC_PAGE_SIZE) || !IS_ALIGNED(len, ZKASIC_PAGE_SIZE) ||
		    ((u64)addr + len - 1) & ~(ZKASIC_PTE_ADDR_MASK | (ZKASIC_PAGE_SIZE - 1)))
			goto err_inval;
		for (; len && va < end;
		     len -= ZKASIC_PAGE_SIZE, addr += ZKASIC_PAGE_SIZE, va += ZKASIC_PAGE_SIZE) {
			struct zkasic_pt *pt = zkasic_pt_walk(ctx, va, true);

			if (!pt) {
				zkasic_ctx_unmap(ctx, iova, va - iova);
				return -ENOMEM;
			}
			pt->cpu[ZKASIC_PT_INDEX(va, 0)] =
				cpu_to_le64((addr & ZKASIC_PTE_ADDR_MASK) |
					    ZKASIC_PTE_VALID | ZKASIC_PTE_WRITE);
		}
	}
	if (va == end)
		return 0;
err_inval:
	zkasic_ctx_unmap(ctx, iova, va - iova);
	return -EINVAL;
}

/* Map device DRAM [@offset, +@size) at @iova. Called with ctx->lock held. */
int zkasic_ctx_map_devmem(struct zkasic_ctx *ctx, u64 iova, u64 offset, u64 size)
{
	u64 done;

	for (done = 0; done < size; done += ZKASIC_PAGE_SIZE) {
		struct zkasic_pt *pt = zkasic_pt_walk(ctx, iova + done, true);

		if (!pt) {
			zkasic_ctx_unmap(ctx, iova, done);
			return -ENOMEM;
		}
		pt->cpu[ZKASIC_PT_INDEX(iova + done, 0)] =
			cpu_to_le64(((offset + done) & ZKASIC_PTE_ADDR_MASK) |
				    ZKASIC_PTE_VALID | ZKASIC_PTE_WRITE | ZKASIC_PTE_DEVMEM);
	}
	return 0;
}

/* Called with ctx->lock held; the caller invalidates the device's TLB. */
void zkasic_ctx_unmap(struct zkasic_ctx *ctx, u64 iova, u64 size)
{
	u64 va;

	for (va = iova; va < iova + size; va += ZKASIC_PAGE_SIZE) {
		struct zkasic_pt *pt = zkasic_pt_walk(ctx, va, false);

		if (pt)
			pt->cpu[ZKASIC_PT_INDEX(va, 0)] = 0;
	}
}

/* Point the context table entry of @ctx at its root table, or clear it. */
static void zkasic_ctx_set_entry(struct zkasic_ctx *ctx, bool valid)
{
	struct zkasic_device *zdev = ctx->zdev;
	int idx;

	/* After an unplug the table is gone, and so is the device. */
	if (!drm_dev_enter(&zdev->drm, &idx))
		return;
	WRITE_ONCE(zdev->ctx_table[ctx->slot],
		   valid ? cpu_to_le64(ctx->root.dma | ZKASIC_CTX_VALID) : 0);
	zkasic_mmu_invalidate(zdev, ctx->slot);
	drm_dev_exit(idx);
}

/* A context for an open file, or with @kernel the driver's own (slot 0). */
struct zkasic_ctx *zkasic_ctx_create(struct zkasic_device *zdev, bool kernel)
{
	struct zkasic_ctx *ctx;
	int ret, slot;

	ctx = kvzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctx->ref);
	mutex_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->pending);
	INIT_LIST_HEAD(&ctx->mappings);
	atomic_set(&ctx->live_jobs, 0);
	ctx->zdev = zdev;

	/* Slot 0 belongs to the driver. */
	if (kernel)
		slot = ida_alloc_range(&zdev->ctx_ida, 0, 0, GFP_KERNEL);
	else
		slot = ida_alloc_range(&zdev->ctx_ida, 1, zdev->num_ctx - 1, GFP_KERNEL);
	if (slot < 0) {
		ret = slot == -ENOSPC ? -EBUSY : slot;
		goto err;
	}
	ctx->slot = slot;
	ret = zkasic_pt_alloc(zdev, &ctx->root, ZKASIC_PT_LEVELS - 1);
	if (ret)
		goto err_slot;
	drm_mm_init(&ctx->mm, ZKASIC_VA_START,
		    (1ULL << ZKASIC_VA_BITS) - ZKASIC_VA_START);
	/* The driver's context lives inside the device: no reference cycle. */
	if (!kernel)
		drm_dev_get(&zdev->drm);
	zkasic_ctx_set_entry(ctx, true);
	atomic_inc(&zdev->live_ctxs);
	return ctx;

err_slot:
	ida_free(&zdev->ctx_ida, slot);
err:
	mutex_destroy(&ctx->lock);
	kvfree(ctx);
	return ERR_PTR(ret);
}

/*
 * The file is closing (or, for slot 0, the device going): let its queued
 * jobs run or be dropped, wait until every job is freed (so none is on the
 * hardware), unmap every buffer and retire the slot from the table.
 */
void zkasic_ctx_close(struct zkasic_ctx *ctx)
{
	unsigned int q, p;

	for (q = 0; q < ZKASIC_MAX_QUEUES; q++)
		for (p = 0; p < ZKASIC_NUM_PRIOS; p++)
			if (test_bit(q * ZKASIC_NUM_PRIOS + p, ctx->entity_ready))
				drm_sched_entity_destroy(&ctx->entities[q][p]);
	wait_var_event(&ctx->live_jobs, !atomic_read(&ctx->live_jobs));
	zkasic_gem_unmap_ctx(ctx);
	zkasic_ctx_set_entry(ctx, false);
}

static void zkasic_ctx_release(struct kref *ref)
{
	struct zkasic_ctx *ctx = container_of(ref, struct zkasic_ctx, ref);
	struct zkasic_device *zdev = ctx->zdev;
	struct zkasic_result *res, *tmp;
	unsigned int i;

	/* Closed, no job left, no buffer mapped: nothing uses the tables. */
	list_for_each_entry_safe(res, tmp, &ctx->pending, pending) {
		list_del(&res->pending);
		zkasic_result_put(res);
	}
	for (i = 0; i < DRM_ZKASIC_MAX_RESULTS; i++)
		if (ctx->results[i])
			zkasic_result_put(ctx->results[i]);
	drm_mm_takedown(&ctx->mm);
	zkasic_pt_free(zdev, &ctx->root);
	ida_free(&zdev->ctx_ida, ctx->slot);
	mutex_destroy(&ctx->lock);
	atomic_dec(&zdev->live_ctxs);
	if (ctx->slot)
		drm_dev_put(&zdev->drm);
	kvfree(ctx);
}

void zkasic_ctx_put(struct zkasic_ctx *ctx)
{
	kref_put(&ctx->ref, zkasic_ctx_release);
}
