// SPDX-License-Identifier: GPL-2.0
/*
 * zkasic: buffers. shmem-backed GEM objects, pinned and mapped into the
 * device address space of each context that uses them; mmap and PRIME come
 * from the shmem helpers.
 *
 * A mapping ends when its buffer is freed or its context closes, whichever
 * comes first; either way the context's jobs must be off the hardware
 * before the page table entries go, and MMU_INVAL must reach the device
 * before the pages can be reused.
 */
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>

#include "zkasic_drv.h"

/* Undo a mapping that is on no list any more; may sleep for jobs. */
static void zkasic_mapping_destroy(struct zkasic_mapping *m)
{
	struct zkasic_ctx *ctx = m->ctx;

	zkasic_ctx_wait_jobs(ctx);
	mutex_lock(&ctx->lock);
	zkasic_ctx_unmap(ctx, m->vma.start, m->vma.size);
	drm_mm_remove_node(&m->vma);
	mutex_unlock(&ctx->lock);
	zkasic_mmu_invalidate(ctx->zdev, ctx->slot);
	atomic_dec(&ctx->zdev->live_mappings);
	zkasic_ctx_put(ctx);
	kfree(m);
}

/*
 * Recompute @ctx's summary of its device-memory mappings after one was
 * added or removed; called with map_lock held. Buffers are few per context.
 */
static void zkasic_ctx_devmem_update(struct zkasic_ctx *ctx)
{
	struct zkasic_mapping *m;
	bool any = false;
	u32 oldest = 0;

	lockdep_assert_held(&ctx->zdev->map_lock);
	list_for_each_entry(m, &ctx->mappings, ctx_node) {
		if (!m->bo->devmem)
			continue;
		if (!any || (s32)(m->bo->devmem_epoch - oldest) < 0)
			oldest = m->bo->devmem_epoch;
		any = true;
	}
	atomic64_set(&ctx->devmem_state, any ? BIT_ULL(32) | oldest : 0);
}

/* The context is closing: take every buffer out of its address space. */
void zkasic_gem_unmap_ctx(struct zkasic_ctx *ctx)
{
	struct zkasic_device *zdev = ctx->zdev;
	struct zkasic_mapping *m, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&zdev->map_lock);
	ctx->closed = true;
	list_for_each_entry_safe(m, tmp, &ctx->mappings, ctx_node) {
		list_del(&m->bo_node);
		list_move(&m->ctx_node, &gone);
	}
	zkasic_ctx_devmem_update(ctx);
	mutex_unlock(&zdev->map_lock);
	list_for_each_entry_safe(m, tmp, &gone, ctx_node)
		zkasic_mapping_destroy(m);
}

static void zkasic_bo_unmap_all(struct zkasic_bo *bo)
{
	struct zkasic_device *zdev = to_zkasic(bo->base.base.dev);
	struct zkasic_mapping *m, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&zdev->map_lock);
	list_for_each_entry_safe(m, tmp, &bo->mappings, bo_node) {
		list_del(&m->ctx_node);
		list_move(&m->bo_node, &gone);
		if (bo->devmem)
			zkasic_ctx_devmem_update(m->ctx);
	}
	mutex_unlock(&zdev->map_lock);
	list_for_each_entry_safe(m, tmp, &gone, bo_node)
		zkasic_mapping_destroy(m);
}

static void zkasic_bo_free(struct drm_gem_object *obj)
{
	struct zkasic_device *zdev = to_zkasic(obj->dev);
	struct zkasic_bo *bo = to_zkasic_bo(obj);

	/* No context reaches the pages any more once this returns. */
	zkasic_bo_unmap_all(bo);
	if (bo->devmem && drm_mm_node_allocated(&bo->devmem_node)) {
		mutex_lock(&zdev->devmem_lock);
		drm_mm_remove_node(&bo->devmem_node);
		mutex_unlock(&zdev->devmem_lock);
	}
	atomic_dec(&zdev->live_bos);
	drm_gem_shmem_free(&bo->base);
}

static struct dma_buf *zkasic_devmem_export(struct drm_gem_object *obj, int flags)
{
	return ERR_PTR(-EOPNOTSUPP);	/* no host pages to share */
}

static int zkasic_devmem_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	return -EOPNOTSUPP;		/* device DRAM is not CPU-visible */
}

/* Device-memory buffers: the shmem object is only a vehicle, never populated. */
static const struct drm_gem_object_funcs zkasic_gem_devmem_funcs = {
	.free = zkasic_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.export = zkasic_devmem_export,
	.mmap = zkasic_devmem_mmap,
};

static const struct drm_gem_object_funcs zkasic_gem_funcs = {
	.free = zkasic_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/* Used by drm_gem_shmem_create() and by PRIME import alike. */
struct drm_gem_object *zkasic_gem_create_object(struct drm_device *drm, size_t size)
{
	struct zkasic_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);

	if (!bo)
		return ERR_PTR(-ENOMEM);
	/*
	 * Counted from here to zkasic_bo_free(); the shmem helpers free the
	 * object without us only when its own setup runs out of memory.
	 */
	atomic_inc(&to_zkasic(drm)->live_bos);
	INIT_LIST_HEAD(&bo->mappings);
	bo->base.base.funcs = &zkasic_gem_funcs;
	return &bo->base.base;
}

/* @bo's mapping in @ctx, if any. Called with map_lock held. */
static struct zkasic_mapping *zkasic_bo_find_mapping(struct zkasic_bo *bo,
						     struct zkasic_ctx *ctx)
{
	struct zkasic_mapping *m;

	list_for_each_entry(m, &bo->mappings, bo_node)
		if (m->ctx == ctx)
			return m;
	return NULL;
}

/* The iova of @bo in @ctx, mapping it there first if needed. */
static int zkasic_bo_map(struct zkasic_bo *bo, struct zkasic_ctx *ctx, u64 *iova)
{
	struct zkasic_device *zdev = ctx->zdev;
	u64 size = bo->base.base.size;
	struct zkasic_mapping *m, *other;
	struct sg_table *sgt = NULL;
	int ret;

	mutex_lock(&zdev->map_lock);
	m = zkasic_bo_find_mapping(bo, ctx);
	if (m)
		*iova = m->vma.start;
	mutex_unlock(&zdev->map_lock);
	if (m)
		return 0;

	/*
	 * Pin the pages and map them for DMA (imports: the exporter's sgt).
	 * The pin lasts until the object is freed, after the last unmap.
	 */
	if (!bo->devmem) {
		sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
		if (IS_ERR(sgt))
			return PTR_ERR(sgt);
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	mutex_lock(&ctx->lock);
	ret = drm_mm_insert_node_generic(&ctx->mm, &m->vma, size, ZKASIC_PAGE_SIZE, 0, 0);
	if (!ret) {
		if (bo->devmem)
			ret = zkasic_ctx_map_devmem(ctx, m->vma.start,
						    bo->devmem_node.start, size);
		else
			ret = zkasic_ctx_map(ctx, m->vma.start, sgt, size);
		if (ret)
			drm_mm_remove_node(&m->vma);
	}
	mutex_unlock(&ctx->lock);
	if (ret) {
		kfree(m);
		return ret;
	}
	kref_get(&ctx->ref);
	m->ctx = ctx;
	m->bo = bo;
	atomic_inc(&zdev->live_mappings);

	/* Publish it, unless a racing call mapped it first or ctx closed. */
	mutex_lock(&zdev->map_lock);
	other = zkasic_bo_find_mapping(bo, ctx);
	if (other) {
		*iova = other->vma.start;
	} else if (ctx->closed) {
		ret = -ENODEV;
	} else {
		list_add(&m->bo_node, &bo->mappings);
		list_add(&m->ctx_node, &ctx->mappings);
		*iova = m->vma.start;
		if (bo->devmem)
			zkasic_ctx_devmem_update(ctx);
	}
	mutex_unlock(&zdev->map_lock);
	if (other || ret)
		zkasic_mapping_destroy(m);
	return ret;
}

/*
 * Does @ctx hold device-memory buffers (*@has_devmem), and has a reset since
 * @epoch wiped any of them (the return value)? Runs once per SUBMIT, so it
 * takes no device-wide lock: the context's summary is one atomic read.
 */
bool zkasic_ctx_devmem_lost(struct zkasic_ctx *ctx, u32 epoch, bool *has_devmem)
{
	u64 state = atomic64_read(&ctx->devmem_state);

	*has_devmem = state & BIT_ULL(32);
	return *has_devmem && lower_32_bits(state) != epoch;
}

/*
 * Zero device DRAM [@offset, +@size) through the driver's context, so a
 * buffer never shows a previous owner's data. Slot 0 maps DRAM 1:1 above
 * ZKASIC_VA_START while the FILLs run.
 */
static int zkasic_devmem_clear(struct zkasic_device *zdev, u64 offset, u64 size)
{
	const u64 chunk = SZ_1G;
	struct zkasic_ctx *kctx = zdev->kctx;
	u64 iova = ZKASIC_VA_START + offset, done;
	struct drm_zkasic_cmd *cmds;
	u32 n = 0;
	int ret;

	cmds = kcalloc(DIV_ROUND_UP(size, chunk), sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return -ENOMEM;
	for (done = 0; done < size; done += chunk, n++) {
		cmds[n].opcode = DRM_ZKASIC_OP_FILL;
		cmds[n].dst = iova + done;
		cmds[n].count = min(chunk, size - done);
	}
	mutex_lock(&kctx->lock);
	ret = zkasic_ctx_map_devmem(kctx, iova, offset, size);
	mutex_unlock(&kctx->lock);
	if (!ret) {
		ret = zkasic_job_run_kernel(zdev, cmds, n);
		mutex_lock(&kctx->lock);
		zkasic_ctx_unmap(kctx, iova, size);
		mutex_unlock(&kctx->lock);
		zkasic_mmu_invalidate(zdev, kctx->slot);
	}
	kfree(cmds);
	return ret;
}

/*
 * DRM_ZKASIC_BO_DEVMEM: a range of device DRAM, cleared, mapped into the
 * caller's context only. It has no pages, so no mmap and no export.
 */
static int zkasic_bo_create_devmem(struct zkasic_device *zdev, struct drm_file *file,
				   struct drm_zkasic_bo_create *args)
{
	struct zkasic_file *zfile = file->driver_priv;
	u64 size = PAGE_ALIGN(args->size);
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	struct zkasic_bo *bo;
	u64 iova;
	int ret;

	if (size > zdev->devmem_size)
		return -E2BIG;
	shmem = drm_gem_shmem_create(&zdev->drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	obj = &shmem->base;
	obj->funcs = &zkasic_gem_devmem_funcs;
	bo = to_zkasic_bo(obj);
	bo->devmem = true;
	/* Read before clearing: a reset from here on makes the buffer lost. */
	bo->devmem_epoch = atomic_read(&zdev->devmem_epoch);

	mutex_lock(&zdev->devmem_lock);
	ret = drm_mm_insert_node_generic(&zdev->devmem_mm, &bo->devmem_node, size,
					 ZKASIC_PAGE_SIZE, 0, 0);
	mutex_unlock(&zdev->devmem_lock);
	if (ret) {
		ret = -ENOSPC;	/* device memory is full */
		goto out;
	}
	ret = zkasic_devmem_clear(zdev, bo->devmem_node.start, size);
	if (ret)
		goto out;
	ret = zkasic_bo_map(bo, zfile->ctx, &iova);
	if (ret)
		goto out;
	ret = drm_gem_handle_create(file, obj, &args->handle);
	if (ret)
		goto out;
	args->iova = iova;
	args->mmap_offset = 0;
out:
	drm_gem_object_put(obj);
	return ret;
}

/* Pinned host memory: no single buffer may be larger than half of RAM. */
static u64 zkasic_max_bo_size(void)
{
	return min_t(u64, ZKASIC_MAX_BO_SIZE, (u64)totalram_pages() << (PAGE_SHIFT - 1));
}

int zkasic_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct zkasic_file *zfile = file->driver_priv;
	struct drm_zkasic_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	u64 iova;
	int ret, idx;

	if (args->flags & ~DRM_ZKASIC_BO_DEVMEM)
		return -EINVAL;
	if (!args->size)
		return -EINVAL;
	if (args->size > ZKASIC_MAX_BO_SIZE)
		return -E2BIG;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	if (args->flags & DRM_ZKASIC_BO_DEVMEM) {
		ret = zkasic_bo_create_devmem(to_zkasic(drm), file, args);
		goto out_exit;
	}
	if (args->size > zkasic_max_bo_size()) {
		ret = -E2BIG;
		goto out_exit;
	}

	shmem = drm_gem_shmem_create(drm, PAGE_ALIGN(args->size));
	if (IS_ERR(shmem)) {
		ret = PTR_ERR(shmem);
		goto out_exit;
	}
	obj = &shmem->base;

	ret = zkasic_bo_map(to_zkasic_bo(obj), zfile->ctx, &iova);
	if (ret)
		goto out;
	ret = drm_gem_create_mmap_offset(obj);
	if (ret)
		goto out;
	ret = drm_gem_handle_create(file, obj, &args->handle);
	if (ret)
		goto out;
	args->iova = iova;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
out:
	/* The handle, if any, holds the object now. */
	drm_gem_object_put(obj);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

int zkasic_ioctl_bo_info(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct zkasic_file *zfile = file->driver_priv;
	struct drm_zkasic_bo_info *args = data;
	struct drm_gem_object *obj;
	struct zkasic_bo *bo;
	u64 iova;
	int ret, idx;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (!drm_dev_enter(drm, &idx)) {
		drm_gem_object_put(obj);
		return -ENODEV;
	}
	bo = to_zkasic_bo(obj);
	ret = zkasic_bo_map(bo, zfile->ctx, &iova);
	if (!ret && !bo->devmem)
		ret = drm_gem_create_mmap_offset(obj);
	if (!ret) {
		args->iova = iova;
		args->mmap_offset = bo->devmem ? 0 :
				    drm_vma_node_offset_addr(&obj->vma_node);
		args->size = obj->size;
		args->flags = bo->devmem ? DRM_ZKASIC_BO_DEVMEM : 0;
		if (bo->devmem && bo->devmem_epoch != atomic_read(&to_zkasic(drm)->devmem_epoch))
			args->flags |= DRM_ZKASIC_BO_LOST;
	}
	drm_dev_exit(idx);
	drm_gem_object_put(obj);
	return ret;
}

/*
 * fdinfo's drm-{total,shared,resident,active}-<region> of the file's
 * buffers: "system" for host memory (shmem and imports), "devmem" for
 * device DRAM. Host buffers are pinned when created or imported, so they
 * are resident unless their pages are gone; nothing is purgeable.
 */
void zkasic_gem_show_memory_stats(struct drm_printer *p, struct drm_file *file)
{
	struct drm_memory_stats sys = {}, dev = {};
	struct drm_gem_object *obj;
	int id;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, id) {
		struct zkasic_bo *bo = to_zkasic_bo(obj);
		struct drm_memory_stats *s = bo->devmem ? &dev : &sys;

		if (drm_gem_object_is_shared_for_memory_stats(obj))
			s->shared += obj->size;
		else
			s->private += obj->size;
		if (bo->devmem || obj->import_attach || READ_ONCE(bo->base.pages))
			s->resident += obj->size;
		if (!dma_resv_test_signaled(obj->resv, dma_resv_usage_rw(true)))
			s->active += obj->size;
	}
	spin_unlock(&file->table_lock);
	drm_print_memory_stats(p, &sys, DRM_GEM_OBJECT_RESIDENT, "system");
	drm_print_memory_stats(p, &dev, DRM_GEM_OBJECT_RESIDENT, "devmem");
}
