/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zkasic device model core: state shared by the core's source files.
 *
 * Locking. dev->lock (the core mutex) guards every register and all queue,
 * engine, budget and telemetry state. Each queue also has an io_lock, held
 * by its worker around every DMA it does (ring, command, page-table and data
 * accesses, in chunks of at most ZK_XFER_CHUNK bytes) and re-checked against
 * the queue's generation inside; reset and queue disable bump the generation
 * under dev->lock and then take and drop each io_lock, so once they return
 * an aborted batch can do no further DMA. io_lock is never taken with
 * dev->lock held, and the embedder's DMA callbacks run with io_lock only.
 */
#ifndef ZKASIC_INTERNAL_H
#define ZKASIC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/types.h>

#include "zkasic_core.h"
#include "zkasic_hw.h"
#include "zkasic_accel.h"

/* Device limits (reported in CAP_LIMITS / NUM_CTX / MAX_BATCH). */
#define ZK_MAX_MSM_LOG2		26
#define ZK_MAX_NTT_LOG2		24
#define ZK_MAX_SQ_LOG2		12
#define ZK_NUM_CTX		512
#define ZK_MAX_BATCH		4096

/* Largest DMA done under one io_lock hold: bounds reset latency. */
#define ZK_XFER_CHUNK		(1U << 20)
/* Engine staging: MSM, NTT groups and VEC work in slices of this size. */
#define ZK_SLICE_BYTES		(256ULL << 20)

/* Translation cache: per queue, whole leaf tables (2 MiB of VA each). */
#define ZK_TC_ENTRIES		8
#define ZK_REGION_SHIFT		(ZKASIC_PAGE_SHIFT + 9)

/* Internal result beside DRM_ZKASIC_STATUS_*: the batch was aborted. */
#define ZK_ABORT		(-1)

enum zk_engine_kind {
	ZK_ENGINE_MSM,
	ZK_ENGINE_NTT,
	ZK_ENGINE_VEC,
};

struct zk_sku {
	const char *name;
	unsigned int queues, msm, ntt, vec;
	uint64_t devmem_size;
	uint64_t work_budget;		/* bytes of engine staging memory */
	/* Telemetry model parameters, see zkasic_telemetry.c. */
	uint32_t idle_mw;
	uint32_t rth_mc_per_w;		/* thermal resistance, mC per W */
	uint64_t thermal_tau_ns;
};

struct zk_tc_entry {
	bool valid;
	uint16_t ctx;
	uint32_t gen_all, gen_ctx;	/* MMU_INVAL generations at fill */
	uint64_t root;
	uint64_t region;		/* va >> ZK_REGION_SHIFT */
	uint64_t pte[ZKASIC_PT_ENTRIES];
};

struct zk_queue {
	struct zkasic_dev *dev;
	unsigned int id;
	pthread_t thread;
	bool thread_started;
	pthread_cond_t cond;		/* doorbells, CQ space, aborts */
	pthread_mutex_t io_lock;

	/* Registers. */
	uint64_t sq_base, cq_base;
	uint32_t sq_log2, cq_log2;
	bool enabled, error;
	uint32_t sq_tail, sq_head, cq_head, cq_tail;
	uint32_t cq_phase;

	/* Worker state. */
	uint32_t gen;		/* bumped on disable/reset; read atomically */
	bool busy;		/* a batch is being processed */
	bool stale;		/* ... and it was aborted by a device reset */
	volatile int abort;	/* polled by the math core */
	uint64_t progress;	/* Q_PROGRESS, atomic */
	struct zk_tc_entry tc[ZK_TC_ENTRIES];	/* worker-private */
};

struct zk_engine {
	bool busy;
	uint64_t busy_since;
	uint64_t busy_ns;
};

struct zk_telemetry {
	uint64_t last_ns;
	uint64_t energy_uj;
	uint64_t energy_pj_frac;	/* < 1e6 */
	double dyn_mw;			/* filtered dynamic power */
	double temp_c;
};

struct zkasic_dev {
	pthread_mutex_t lock;
	pthread_cond_t res_cond;	/* engines and budget freed */
	struct zkasic_config cfg;
	struct zkasic_host host;
	void *opaque;
	const struct zk_sku *sku;
	unsigned int nqueues, n_msm, n_ntt, n_vec;
	unsigned int dma_engine;	/* BUSY_NS index of the DMA engine */
	uint32_t cap_curves, cap_fields;

	uint64_t devmem_size;
	uint8_t *devmem;

	/* Registers. */
	uint32_t ctrl;
	bool fatal;
	uint32_t int_status, int_mask;
	uint32_t scratch;
	uint64_t ctx_table;
	uint32_t reset_count;
	uint32_t err_count, err_status, err_queue, err_index, err_seq;
	uint64_t err_addr;
	uint32_t fi_mode, fi_count, fi_status;

	uint32_t mmu_gen_all;			/* atomic */
	uint32_t mmu_gen_ctx[ZK_NUM_CTX];	/* atomic */

	uint32_t irq_pending;
	unsigned int draining;	/* workers still holding reset-aborted work */
	bool stopping;

	struct zk_engine engines[ZKASIC_MAX_ENGINES];
	uint64_t work_budget, work_used;
	uint64_t slice_bytes;
	uint64_t cmd_count;
	struct zk_telemetry tel;

	struct zk_queue q[ZKASIC_MAX_QUEUES];
};

/* One batch in execution on a queue's worker. */
struct zk_job {
	struct zkasic_dev *dev;
	struct zk_queue *q;
	uint32_t gen;
	uint16_t ctx;
	uint64_t root;		/* context's level-2 table, bus address */
	uint64_t fault_addr;	/* for ERR_ADDR */
	uint64_t bytes_moved;	/* for the energy model */
};

/* zkasic_device.c */
uint64_t zk_now(struct zkasic_dev *d);
bool zk_job_live(const struct zk_job *j);
const char *zk_status_name(uint32_t status);	/* "MMU_FAULT" */
void zk_log_error(struct zkasic_dev *d, uint32_t status, uint32_t queue,
		  uint32_t index, uint32_t seq, uint64_t addr);
void zk_raise_queue_irq(struct zkasic_dev *d, struct zk_queue *q,
			bool *notify);
void zk_queue_abort_locked(struct zk_queue *q);
void zk_queue_fence(struct zk_queue *q);

/* zkasic_regs.c */
uint64_t zk_reg_read64(struct zkasic_dev *d, uint64_t off);
uint32_t zk_reg_read32(struct zkasic_dev *d, uint64_t off);
void zk_reg_write64(struct zkasic_dev *d, uint64_t off, uint64_t val);
void zk_reg_write32(struct zkasic_dev *d, uint64_t off, uint32_t val);

/* zkasic_queue.c */
int zk_queues_start(struct zkasic_dev *d, char *err, size_t errlen);
void zk_queues_stop(struct zkasic_dev *d);
int zk_bus_read(struct zk_job *j, uint64_t addr, void *buf, size_t len);
int zk_bus_write(struct zk_job *j, uint64_t addr, const void *buf,
		 size_t len);

/* zkasic_mmu.c */
int zk_mmu_check(struct zk_job *j, uint64_t iova, uint64_t len, bool write);
int zk_mmu_read(struct zk_job *j, uint64_t iova, void *buf, uint64_t len);
int zk_mmu_write(struct zk_job *j, uint64_t iova, const void *buf,
		 uint64_t len);

/* zkasic_devmem.c */
int zk_devmem_init(struct zkasic_dev *d, uint64_t size, char *err,
		   size_t errlen);
void zk_devmem_clear(struct zkasic_dev *d);
void zk_devmem_fini(struct zkasic_dev *d);

/* zkasic_cmd.c */
int zk_cmd_validate(struct zk_job *j, const struct drm_zkasic_cmd *c);

/* zkasic_engines.c */
int zk_cmd_execute(struct zk_job *j, const struct drm_zkasic_cmd *c);
void *zk_work_alloc(struct zk_job *j, uint64_t bytes, int *status);
void zk_work_free(struct zk_job *j, void *p, uint64_t bytes);

/* zkasic_telemetry.c */
void zk_tel_init(struct zkasic_dev *d);
void zk_tel_update(struct zkasic_dev *d);		/* dev->lock held */
void zk_tel_charge(struct zkasic_dev *d, uint64_t pj);	/* dev->lock held */
uint32_t zk_tel_power_mw(struct zkasic_dev *d);	/* dev->lock held */
uint32_t zk_tel_temp_mc(struct zkasic_dev *d);		/* dev->lock held */
uint64_t zk_tel_engine_busy(struct zkasic_dev *d, unsigned int e);
uint64_t zk_energy_msm(int curve, uint64_t points);
uint64_t zk_energy_ntt(int field, unsigned int log_n, uint64_t batch);
uint64_t zk_energy_vec(int field, unsigned int op, uint64_t n);
uint64_t zk_energy_bytes(uint64_t bytes);

/* Atomics on shared counters. */
#define zk_load(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define zk_store(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#endif /* ZKASIC_INTERNAL_H */
