/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zkasic driver: device, queue, context, buffer and job objects.
 *
 * How a batch travels: zkasic_job.c copies and checks the commands
 * (SUBMIT), hands the job to the drm_sched entity of the file's context on
 * the chosen queue; zkasic_queue.c's run_job writes the SQE and rings the
 * doorbell; the queue's MSI-X handler reads the CQE and signals the job's
 * hardware fence; WAIT reads the result the handler recorded.
 *
 * Lifetimes: a context lives while its file is open, plus while a buffer
 * is being unmapped from it; closing the file waits for every job of the
 * context to be freed, so jobs need no reference to it. Schedulers live as
 * long as the DRM device (files may outlive a hot-unplug); rings, vectors
 * and the context table only as long as the PCI binding.
 */
#ifndef ZKASIC_DRV_H
#define ZKASIC_DRV_H

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>
#include <drm/gpu_scheduler.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "zkasic_accel.h"
#include "zkasic_compat.h"
#include "zkasic_hw.h"

#define ZKASIC_DRIVER_NAME	"zkasic"
#define ZKASIC_RING_LOG2	8	/* 256 entries per SQ and CQ */
#define ZKASIC_JOB_TIMEOUT_MS	5000	/* then check progress */
#define ZKASIC_VA_START		SZ_1M	/* iova 0 and a guard range are never valid */
#define ZKASIC_MAX_BO_SIZE	(16ULL << 30)
#define ZKASIC_MAX_IN_SYNCOBJS	64
#define ZKASIC_NUM_PRIOS	3	/* uapi priorities: normal, low, high */
#define ZKASIC_DMA_BITS		52	/* what PTEs and the context table hold */

struct drm_printer;
struct zkasic_device;

struct zkasic_queue {
	struct zkasic_device *zdev;
	unsigned int id;
	char name[16];
	struct drm_gpu_scheduler sched;
	bool sched_ready;

	/* Rings in coherent DMA memory. */
	struct zkasic_sqe *sq;
	struct zkasic_cqe *cq;
	dma_addr_t sq_dma, cq_dma;
	u32 entries;
	bool irq_ready;

	/* Protects the ring indexes and @inflight. */
	spinlock_t lock;
	u32 sq_tail;
	u32 cq_head;
	u32 cq_phase;
	u32 next_seq;
	struct zkasic_job **inflight;	/* by seq % entries */

	spinlock_t fence_lock;		/* the hardware fences' lock */
	u64 fence_context;
	u64 fence_seqno;

	u64 last_progress;		/* Q_PROGRESS at the last timeout */
};

struct zkasic_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	void __iomem *regs;

	/* Capabilities read at probe. */
	u32 version, curves, fields, sku, limits, max_batch, num_ctx, engines;
	u32 cap_flags;
	u64 devmem_size;
	unsigned int num_queues;

	struct zkasic_queue queues[ZKASIC_MAX_QUEUES];

	/* Context table: slot -> root page table. */
	__le64 *ctx_table;
	dma_addr_t ctx_table_dma;
	size_t ctx_table_size;
	struct ida ctx_ida;

	/* Protects every buffer's and context's list of mappings. */
	struct mutex map_lock;

	/* The driver's own context (slot 0), used to clear device memory. */
	struct zkasic_ctx *kctx;
	/* Device DRAM allocator. */
	struct mutex devmem_lock;
	struct drm_mm devmem_mm;

	/*
	 * Every reset but an FLR runs on this ordered queue: it is each
	 * scheduler's timeout_wq, so two queues' timeouts never recover at
	 * once, and operator resets (@reset_work) wait their turn there.
	 */
	struct workqueue_struct *reset_wq;
	struct work_struct reset_work;
	/* Serialises recovery (device reset) against itself and FLR. */
	struct mutex reset_lock;
	atomic_t reset_count;
	/*
	 * Bumped by every reset, which zeroes device DRAM: device-memory
	 * buffers from an older epoch have lost their contents.
	 */
	atomic_t devmem_epoch;

	/* Live objects, for leak checks (debugfs "objects"). */
	atomic_t live_ctxs;
	atomic_t live_bos;
	atomic_t live_mappings;
	atomic_t live_jobs;
};

/* One level of a context's device page table. */
struct zkasic_pt {
	__le64 *cpu;
	dma_addr_t dma;
	struct zkasic_pt **children;	/* NULL at level 0 */
};

struct zkasic_result {
	struct kref ref;
	u64 seqno;
	struct dma_fence *done;		/* the scheduler's finished fence */
	struct list_head pending;	/* in ctx->pending until seen done */
	u32 status;
	u32 err_index;
	u64 device_ns;
};

/* A context: one open file's device address space and jobs. */
struct zkasic_ctx {
	struct kref ref;
	struct zkasic_device *zdev;
	u32 slot;

	/* Protects the page table, @mm, entities, results and @pending. */
	struct mutex lock;
	struct zkasic_pt root;
	struct drm_mm mm;
	/* One entity per queue and priority, created on first use. */
	struct drm_sched_entity entities[ZKASIC_MAX_QUEUES][ZKASIC_NUM_PRIOS];
	DECLARE_BITMAP(entity_ready, ZKASIC_MAX_QUEUES * ZKASIC_NUM_PRIOS);
	u64 last_seqno;
	/* Jobs not yet seen finished, oldest first: what unmapping waits for. */
	struct list_head pending;
	struct zkasic_result *results[DRM_ZKASIC_MAX_RESULTS];

	/* Jobs not yet freed; closing waits for 0. */
	atomic_t live_jobs;

	/* Device time of this context's completed jobs, per queue (fdinfo). */
	atomic64_t engine_ns[ZKASIC_MAX_QUEUES];

	/* Under zdev->map_lock. */
	struct list_head mappings;
	bool closed;
	/*
	 * What SUBMIT needs of @mappings, without map_lock: bit 32 set if
	 * a device-memory buffer is mapped, bits 31..0 the oldest such
	 * buffer's devmem epoch. Written under map_lock.
	 */
	atomic64_t devmem_state;
	/* One of its jobs hung the device: SUBMIT fails with -EIO. */
	bool banned;
};

struct zkasic_file {
	struct zkasic_ctx *ctx;
};

/* A buffer's mapping into one context; holds a context reference. */
struct zkasic_mapping {
	struct list_head bo_node;	/* in bo->mappings */
	struct list_head ctx_node;	/* in ctx->mappings */
	struct zkasic_ctx *ctx;
	struct zkasic_bo *bo;
	struct drm_mm_node vma;
};

struct zkasic_bo {
	struct drm_gem_shmem_object base;	/* first: the helpers kfree() it */
	struct list_head mappings;		/* under zdev->map_lock */
	/* Device-memory buffers: a DRAM range instead of shmem pages. */
	bool devmem;
	struct drm_mm_node devmem_node;
	u32 devmem_epoch;			/* zdev->devmem_epoch when cleared */
};

struct zkasic_job {
	struct drm_sched_job base;
	struct zkasic_ctx *ctx;
	struct zkasic_queue *queue;
	void *cmds;
	dma_addr_t cmds_dma;
	size_t cmds_size;
	u32 cmd_count;
	u32 seq;			/* SQE seq while on the hardware */
	/* The context had device memory at submit, of this epoch. */
	bool uses_devmem;
	u32 devmem_epoch;
	/*
	 * The hardware fence is allocated at submit, so that run_job, which
	 * the fence signalling path depends on, never allocates memory.
	 */
	struct dma_fence *hw_fence_mem;
	struct dma_fence *hw_fence;
	struct zkasic_result *result;
};

static inline struct zkasic_device *to_zkasic(struct drm_device *drm)
{
	return container_of(drm, struct zkasic_device, drm);
}

static inline struct zkasic_bo *to_zkasic_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct zkasic_bo, base);
}

static inline struct zkasic_job *to_zkasic_job(struct drm_sched_job *job)
{
	return container_of(job, struct zkasic_job, base);
}

static inline u32 zk_read(struct zkasic_device *zdev, u32 reg)
{
	return readl(zdev->regs + reg);
}

static inline void zk_write(struct zkasic_device *zdev, u32 reg, u32 val)
{
	writel(val, zdev->regs + reg);
}

static inline void zk_write64(struct zkasic_device *zdev, u32 reg, u64 val)
{
	writel(lower_32_bits(val), zdev->regs + reg);
	writel(upper_32_bits(val), zdev->regs + reg + 4);
}

/* 64-bit counters: read HI, LO, HI and retry if HI moved. */
static inline u64 zk_read64(struct zkasic_device *zdev, u32 reg)
{
	u32 hi, lo;

	do {
		hi = readl(zdev->regs + reg + 4);
		lo = readl(zdev->regs + reg);
	} while (readl(zdev->regs + reg + 4) != hi);
	return ((u64)hi << 32) | lo;
}

/* zkasic_device.c */
int zkasic_device_init(struct zkasic_device *zdev);
void zkasic_device_fini(struct zkasic_device *zdev);
void zkasic_device_shutdown(struct zkasic_device *zdev);
int zkasic_device_reset(struct zkasic_device *zdev);
bool zkasic_device_recover(struct zkasic_device *zdev, struct zkasic_job *guilty);
int zkasic_device_request_reset(struct zkasic_device *zdev);
void zkasic_device_flr_prepare(struct zkasic_device *zdev);
void zkasic_device_flr_done(struct zkasic_device *zdev);

/* zkasic_queue.c */
int zkasic_queue_init(struct zkasic_device *zdev, unsigned int id);
void zkasic_queue_fini(struct zkasic_queue *q);
void zkasic_queue_hw_start(struct zkasic_queue *q);
void zkasic_queue_fail_inflight(struct zkasic_queue *q, struct zkasic_job *guilty);

/* zkasic_mmu.c */
struct zkasic_ctx *zkasic_ctx_create(struct zkasic_device *zdev, bool kernel);
void zkasic_ctx_put(struct zkasic_ctx *ctx);
void zkasic_ctx_close(struct zkasic_ctx *ctx);
int zkasic_ctx_map(struct zkasic_ctx *ctx, u64 iova, struct sg_table *sgt, u64 size);
int zkasic_ctx_map_devmem(struct zkasic_ctx *ctx, u64 iova, u64 offset, u64 size);
void zkasic_ctx_unmap(struct zkasic_ctx *ctx, u64 iova, u64 size);
void zkasic_mmu_invalidate(struct zkasic_device *zdev, u32 slot);

/* zkasic_gem.c */
struct drm_gem_object *zkasic_gem_create_object(struct drm_device *drm, size_t size);
void zkasic_gem_unmap_ctx(struct zkasic_ctx *ctx);
bool zkasic_ctx_devmem_lost(struct zkasic_ctx *ctx, u32 epoch, bool *has_devmem);
int zkasic_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file);
int zkasic_ioctl_bo_info(struct drm_device *drm, void *data, struct drm_file *file);
void zkasic_gem_show_memory_stats(struct drm_printer *p, struct drm_file *file);

/* zkasic_sysfs.c, zkasic_debugfs.c */
extern const struct attribute_group *zkasic_attr_groups[];
int zkasic_hwmon_init(struct zkasic_device *zdev);
void zkasic_debugfs_init(struct zkasic_device *zdev);
void zkasic_debugfs_register(struct zkasic_device *zdev);

/* zkasic_job.c */
int zkasic_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
int zkasic_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file);
void zkasic_result_put(struct zkasic_result *res);
void zkasic_ctx_wait_jobs(struct zkasic_ctx *ctx);
int zkasic_job_run_kernel(struct zkasic_device *zdev, const struct drm_zkasic_cmd *cmds,
			  u32 count);
void zkasic_job_free(struct zkasic_job *job);

#endif /* ZKASIC_DRV_H */
