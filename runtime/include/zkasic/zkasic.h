/* SPDX-License-Identifier: MIT */
/*
 * libzkasic: the zkasic runtime that prover daemons link.
 *
 * Two layers:
 *
 *  1. The device layer, a thin and sharp wrapper of the accel ioctls in the
 *     spirit of liburing: open a device, allocate buffers (each mapped into
 *     the process's device address space at an iova and into the process at
 *     ->map), fill a batch with commands (zk_batch_get_cmd() hands out the
 *     next zeroed 64-byte slot, zk_prep_*() fill it), submit the whole batch
 *     with one ioctl and wait for it by sequence number.
 *
 *  2. The operation layer: zk_msm(), zk_ntt(), zk_vec() on host memory, run
 *     on a zkasic device or on the CPU (the math core, zkmath.h) behind the
 *     same call. The backend is chosen at zk_open(): ZK_BACKEND_AUTO takes a
 *     device when one is present and the CPU otherwise; the environment
 *     variable ZKASIC_BACKEND=cpu|accel overrides AUTO.
 *
 * Every function returns 0 or a negative errno value; zk_last_error() then
 * gives a message, for the calling thread, that says what went wrong.
 * Objects are not internally locked: use one zk_batch per thread; a
 * zk_device and zk_ctx may be shared by threads (the kernel serialises).
 */
#ifndef ZKASIC_ZKASIC_H
#define ZKASIC_ZKASIC_H

#include <stddef.h>
#include <stdint.h>

#include <drm/zkasic_accel.h>
#include <zkasic/zkmath.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---------------------------------------------------------- */

/* Message for the last failed call on this thread ("" if none). */
const char *zk_last_error(void);
/* Name of a DRM_ZKASIC_STATUS_* job status. */
const char *zk_status_str(uint32_t status);

/* ---- devices --------------------------------------------------------- */

struct zk_device;

struct zk_device_info {
	char path[64];		/* /dev/accel/accelN */
	char pci_slot[32];	/* e.g. 0000:01:00.0 */
	char driver[32];	/* driver name (zkasic) */
	int numa_node;		/* -1 when unknown */
	uint32_t pci_id;	/* vendor << 16 | device */
	uint32_t spec_version;	/* major << 16 | minor */
	uint32_t sku;		/* 0 air, 1 pro */
	uint32_t curves;	/* bit (1 << DRM_ZKASIC_CURVE_*) */
	uint32_t fields;	/* bit (1 << DRM_ZKASIC_FIELD_*) */
	uint32_t num_queues;
	uint32_t msm_engines, ntt_engines, vec_engines;
	uint32_t max_msm_log2, max_ntt_log2, max_batch;
	uint32_t va_bits;
	uint64_t devmem_size;
};

/* Number of zkasic devices present (accel nodes bound to the zkasic driver). */
int zk_device_count(void);
/* Open the index-th zkasic device (0-based, in accel minor order). */
int zk_device_open(struct zk_device **dev, int index);
/* Open a specific accel node; fails with -ENODEV if it is not a zkasic. */
int zk_device_open_path(struct zk_device **dev, const char *path);
void zk_device_close(struct zk_device *dev);
const struct zk_device_info *zk_device_info(const struct zk_device *dev);
int zk_device_fd(const struct zk_device *dev);
int zk_device_get_param(struct zk_device *dev, uint32_t param, uint64_t *value);

/*
 * Telemetry from the driver's sysfs and hwmon files of accel node @minor
 * (the N of /dev/accel/accelN): what zkasic-smi shows. Values it cannot
 * read are -1 (nengines 0); returns -ENODEV if the node does not exist.
 */
#define ZK_TELEMETRY_MAX_ENGINES 32
struct zk_device_telemetry {
	int minor;
	char pci_slot[32];
	long long temp_mc;	/* millidegrees Celsius */
	long long power_uw;	/* microwatts */
	long long energy_uj;	/* microjoules since the device appeared */
	unsigned int nengines;
	unsigned long long busy_ns[ZK_TELEMETRY_MAX_ENGINES];	/* cumulative */
};
int zk_device_telemetry_read(int minor, struct zk_device_telemetry *t);
/* The accel minor of an open device, or -1. */
int zk_device_minor(const struct zk_device *dev);

/* ---- buffers --------------------------------------------------------- */

struct zk_buffer {
	struct zk_device *dev;
	void *map;		/* CPU mapping, NULL for device memory */
	uint64_t iova;		/* device virtual address in this process */
	uint64_t size;
	uint32_t handle;	/* GEM handle */
	uint32_t flags;		/* DRM_ZKASIC_BO_* */
};

int zk_buffer_alloc(struct zk_device *dev, uint64_t size, uint32_t flags,
		    struct zk_buffer **buf);
void zk_buffer_free(struct zk_buffer *buf);
/* Share a buffer as a dma-buf fd (PRIME) / map one shared by anyone. */
int zk_buffer_export(struct zk_buffer *buf, int *dmabuf_fd);
int zk_buffer_import(struct zk_device *dev, int dmabuf_fd, struct zk_buffer **buf);
/*
 * 1 if a device reset zeroed this device-memory buffer (submits on the
 * device then fail with -ECANCELED until it is freed), 0 if not, or -errno.
 */
int zk_buffer_lost(struct zk_buffer *buf);

/* ---- batches --------------------------------------------------------- */

struct zk_batch;

struct zk_result {
	uint32_t status;	/* DRM_ZKASIC_STATUS_* */
	uint32_t err_index;	/* failing command, or UINT32_MAX */
	uint64_t device_ns;	/* time on the device */
};

/* A batch holds up to @capacity commands (0: the device's maximum). */
int zk_batch_new(struct zk_device *dev, unsigned int capacity, struct zk_batch **batch);
void zk_batch_free(struct zk_batch *batch);
/* Next zeroed command slot, or NULL when the batch is full. */
struct drm_zkasic_cmd *zk_batch_get_cmd(struct zk_batch *batch);
unsigned int zk_batch_count(const struct zk_batch *batch);
/* Drop the commands and waits gathered so far (e.g. after a failed submit). */
void zk_batch_reset(struct zk_batch *batch);
/* Make the batch wait for a syncobj fence (e.g. another job's out syncobj). */
int zk_batch_add_wait(struct zk_batch *batch, uint32_t syncobj);
/*
 * Submit every command gathered so far to hardware queue @queue and empty the
 * batch for reuse. @out_syncobj (0: none) receives the job's fence.
 */
int zk_batch_submit(struct zk_batch *batch, unsigned int queue,
		    uint32_t out_syncobj, uint64_t *seqno);
/* Wait for a job; -ETIME after @timeout_ns (< 0: forever). */
int zk_wait(struct zk_device *dev, uint64_t seqno, int64_t timeout_ns,
	    struct zk_result *res);
/* Submit and wait; a job status other than OK becomes -EIO. */
int zk_batch_run(struct zk_batch *batch, unsigned int queue, struct zk_result *res);

void zk_prep_nop(struct drm_zkasic_cmd *cmd);
void zk_prep_fence(struct drm_zkasic_cmd *cmd, uint64_t dst, uint64_t value);
void zk_prep_copy(struct drm_zkasic_cmd *cmd, uint64_t dst, uint64_t src, uint32_t bytes);
void zk_prep_fill(struct drm_zkasic_cmd *cmd, uint64_t dst, uint8_t value, uint32_t bytes);
void zk_prep_msm(struct drm_zkasic_cmd *cmd, int curve, uint64_t bases,
		 uint64_t scalars, uint32_t n, uint64_t result, unsigned int flags);
void zk_prep_ntt(struct drm_zkasic_cmd *cmd, int field, uint64_t src, uint64_t dst,
		 unsigned int log_n, uint32_t batch, unsigned int flags);
void zk_prep_vec(struct drm_zkasic_cmd *cmd, int field, int op, uint64_t a,
		 uint64_t b, uint64_t out, uint32_t n, unsigned int flags);

/* ---- operations on host memory, on any backend ----------------------- */

enum zk_backend {
	ZK_BACKEND_AUTO = 0,
	ZK_BACKEND_CPU = 1,
	ZK_BACKEND_ACCEL = 2,
};

struct zk_ctx;

/*
 * Open a context on @backend. ACCEL uses every zkasic device (or those
 * ZKASIC_DEVICES lists, e.g. "0,2"): large MSMs and NTT batches are split
 * across them. AUTO is ACCEL when a device is present, else CPU;
 * ZKASIC_BACKEND=cpu|accel|auto overrides AUTO. ZKASIC_MSM_CHUNK_LOG2 sets
 * the size of the parts an MSM is streamed in (default 2^20 points).
 */
int zk_open(struct zk_ctx **ctx, enum zk_backend backend);
void zk_close(struct zk_ctx *ctx);
enum zk_backend zk_ctx_backend(const struct zk_ctx *ctx);
const char *zk_backend_name(enum zk_backend backend);
/* The (first) device of an accel context, NULL for the CPU. */
struct zk_device *zk_ctx_device(struct zk_ctx *ctx);
unsigned int zk_ctx_device_count(const struct zk_ctx *ctx);
struct zk_device *zk_ctx_device_at(struct zk_ctx *ctx, unsigned int index);
/* Threads the CPU backend uses (0: all online CPUs). */
void zk_ctx_set_threads(struct zk_ctx *ctx, unsigned int threads);
/*
 * The device queue this context's operations run on (default 0); contexts
 * on different queues run concurrently. Ignored by the CPU backend.
 */
int zk_ctx_set_queue(struct zk_ctx *ctx, unsigned int queue);

/* Formats and flags as in zkmath.h; results are written to host memory. */
int zk_msm(struct zk_ctx *ctx, int curve, const void *bases, const void *scalars,
	   size_t n, unsigned int flags, void *result);
/*
 * The sum of several MSMs (zkm_msm_sum() in zkmath.h): on the CPU one
 * bucket reduction for all parts; on devices each part runs as an MSM of
 * its own, spread over the devices, and the results are added on the host.
 */
int zk_msm_sum(struct zk_ctx *ctx, int curve, const struct zkm_msm_part *parts,
	       unsigned int nparts, unsigned int flags, void *result);
/*
 * Asynchronous forms: start the operation and return at once with @op; the
 * inputs must stay valid and the outputs untouched until zk_op_wait(op),
 * which finishes it, writes the results, frees @op and returns the status.
 * On devices the work is queued (parts beyond what fits in flight are
 * queued as earlier ones finish, inside zk_op_wait); on the CPU it runs on
 * a thread of its own. Many operations may be in flight at once.
 */
struct zk_op;
int zk_msm_async(struct zk_ctx *ctx, int curve, const void *bases, const void *scalars,
		 size_t n, unsigned int flags, void *result, struct zk_op **op);
int zk_ntt_async(struct zk_ctx *ctx, int field, void *data, unsigned int log_n,
		 size_t batch, unsigned int flags, const void *shift, struct zk_op **op);
int zk_vec_async(struct zk_ctx *ctx, int field, int op_id, const void *a, const void *b,
		 void *out, size_t n, unsigned int flags, struct zk_op **op);
int zk_op_wait(struct zk_op *op);

/*
 * Resident bases: a circuit's fixed MSM bases loaded once (on devices into
 * their DRAM, shared out between the context's devices), then used by many
 * MSMs that send only scalars. @flags: ZKM_MSM_POINTS_MONT if the bases
 * (and so the results) are in Montgomery form. A device reset loses them:
 * zk_msm_bases() then fails with -ECANCELED; free and load them again.
 */
struct zk_bases;
int zk_bases_load(struct zk_ctx *ctx, int curve, const void *bases, size_t n,
		  unsigned int flags, struct zk_bases **bases_out);
int zk_msm_bases(struct zk_ctx *ctx, const struct zk_bases *bases, const void *scalars,
		 unsigned int flags, void *result);
void zk_bases_free(struct zk_bases *bases);

/*
 * NTT in place. @shift (NULL, or one field element in the data's form) makes
 * it a coset NTT over shift * <w_n>, as zkm_ntt() does with COSET_SHIFT.
 */
int zk_ntt(struct zk_ctx *ctx, int field, void *data, unsigned int log_n,
	   size_t batch, unsigned int flags, const void *shift);
int zk_vec(struct zk_ctx *ctx, int field, int op, const void *a, const void *b,
	   void *out, size_t n, unsigned int flags);

/*
 * The standard generator of @curve's group as an affine point in the device
 * format (standard form): BN254 G1 (1, 2) and G2 (EIP-197), BLS12-381 G1
 * and G2 (as in the IETF pairing-friendly curves draft). @out holds
 * zkm_point_bytes(curve) bytes.
 */
int zk_curve_generator(int curve, void *out);

#ifdef __cplusplus
}
#endif

#endif /* ZKASIC_ZKASIC_H */
