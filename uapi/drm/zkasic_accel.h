/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * zkasic: userspace interface of the zkasic ZK-proof accelerator driver
 * (/dev/accel/accelN).
 *
 * A process opens the accel node and gets a context: its own device address
 * space, in which every buffer it creates or imports is mapped at a device
 * virtual address (iova). Commands name data by iova only, so a context can
 * reach nothing but its own buffers; the device MMU enforces it.
 *
 * Work is submitted as a batch of struct drm_zkasic_cmd, which the driver
 * copies, checks and hands to a hardware queue unchanged. A batch completes
 * as a whole: DRM_IOCTL_ZKASIC_WAIT returns its status, and an optional
 * syncobj receives its fence.
 *
 * Every ioctl rejects unknown flags and nonzero padding or reserved fields
 * with -EINVAL, so they can be given meaning later.
 */
#ifndef _UAPI_ZKASIC_ACCEL_H_
#define _UAPI_ZKASIC_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_ZKASIC_GET_PARAM		0x00
#define DRM_ZKASIC_BO_CREATE		0x01
#define DRM_ZKASIC_BO_INFO		0x02
#define DRM_ZKASIC_SUBMIT		0x03
#define DRM_ZKASIC_WAIT			0x04

#define DRM_IOCTL_ZKASIC_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ZKASIC_GET_PARAM, struct drm_zkasic_get_param)
#define DRM_IOCTL_ZKASIC_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ZKASIC_BO_CREATE, struct drm_zkasic_bo_create)
#define DRM_IOCTL_ZKASIC_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ZKASIC_BO_INFO, struct drm_zkasic_bo_info)
#define DRM_IOCTL_ZKASIC_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ZKASIC_SUBMIT, struct drm_zkasic_submit)
#define DRM_IOCTL_ZKASIC_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_ZKASIC_WAIT, struct drm_zkasic_wait)

/* Curve ids (MSM, kind field) and field ids (NTT and VEC, kind field). */
#define DRM_ZKASIC_CURVE_BN254_G1	1
#define DRM_ZKASIC_CURVE_BN254_G2	2
#define DRM_ZKASIC_CURVE_BLS12_381_G1	3
#define DRM_ZKASIC_CURVE_BLS12_381_G2	4

#define DRM_ZKASIC_FIELD_BN254_FR	1
#define DRM_ZKASIC_FIELD_BLS12_381_FR	2
#define DRM_ZKASIC_FIELD_GOLDILOCKS	3

/**
 * enum drm_zkasic_param - what DRM_IOCTL_ZKASIC_GET_PARAM reports
 *
 * @DRM_ZKASIC_PARAM_SPEC_VERSION: device interface version, major << 16 | minor
 * @DRM_ZKASIC_PARAM_SKU: 0 air (desktop), 1 pro (rack)
 * @DRM_ZKASIC_PARAM_CURVES: bit (1 << curve id) for each supported curve
 * @DRM_ZKASIC_PARAM_FIELDS: bit (1 << field id) for each supported field
 * @DRM_ZKASIC_PARAM_NUM_QUEUES: hardware queues (SUBMIT's @queue is below it)
 * @DRM_ZKASIC_PARAM_MSM_ENGINES: MSM engines
 * @DRM_ZKASIC_PARAM_NTT_ENGINES: NTT engines
 * @DRM_ZKASIC_PARAM_VEC_ENGINES: vector engines
 * @DRM_ZKASIC_PARAM_MAX_MSM_LOG2: log2 of the most points one MSM command takes
 * @DRM_ZKASIC_PARAM_MAX_NTT_LOG2: log2 of the largest NTT size
 * @DRM_ZKASIC_PARAM_MAX_BATCH: most commands in one SUBMIT
 * @DRM_ZKASIC_PARAM_DEVMEM_SIZE: bytes of device memory
 * @DRM_ZKASIC_PARAM_VA_BITS: width of a context's device address space
 * @DRM_ZKASIC_PARAM_PCI_ID: PCI vendor << 16 | device
 */
enum drm_zkasic_param {
	DRM_ZKASIC_PARAM_SPEC_VERSION = 0,	/* major << 16 | minor */
	DRM_ZKASIC_PARAM_SKU = 1,		/* 0 air, 1 pro */
	DRM_ZKASIC_PARAM_CURVES = 2,		/* bit (1 << curve id) */
	DRM_ZKASIC_PARAM_FIELDS = 3,		/* bit (1 << field id) */
	DRM_ZKASIC_PARAM_NUM_QUEUES = 4,
	DRM_ZKASIC_PARAM_MSM_ENGINES = 5,
	DRM_ZKASIC_PARAM_NTT_ENGINES = 6,
	DRM_ZKASIC_PARAM_VEC_ENGINES = 7,
	DRM_ZKASIC_PARAM_MAX_MSM_LOG2 = 8,
	DRM_ZKASIC_PARAM_MAX_NTT_LOG2 = 9,
	DRM_ZKASIC_PARAM_MAX_BATCH = 10,	/* commands per submit */
	DRM_ZKASIC_PARAM_DEVMEM_SIZE = 11,	/* bytes */
	DRM_ZKASIC_PARAM_VA_BITS = 12,		/* device address space */
	DRM_ZKASIC_PARAM_PCI_ID = 13,		/* vendor << 16 | device */
};

/**
 * struct drm_zkasic_get_param - argument of DRM_IOCTL_ZKASIC_GET_PARAM
 * @param: in: an enum drm_zkasic_param; -EINVAL if unknown
 * @pad: must be 0
 * @value: out: the parameter's value
 */
struct drm_zkasic_get_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/*
 * Buffer in device memory (DRAM) rather than host memory: zeroed when
 * created, not CPU-mappable (mmap_offset 0) and not exportable; fill it with
 * COPY commands, e.g. to keep a circuit's MSM bases resident.
 */
#define DRM_ZKASIC_BO_DEVMEM		(1U << 0)
/*
 * BO_INFO only: a device reset (hang recovery, FLR, the operator's
 * debugfs reset) zeroed the device memory this buffer held. While a context
 * holds such a buffer its SUBMITs fail with -ECANCELED, and jobs it queued
 * before the reset are cancelled: free the buffer and upload again.
 */
#define DRM_ZKASIC_BO_LOST		(1U << 31)

/**
 * struct drm_zkasic_bo_create - argument of DRM_IOCTL_ZKASIC_BO_CREATE
 * @size: in: bytes, > 0; rounded up to pages
 * @flags: in: DRM_ZKASIC_BO_DEVMEM or 0
 * @handle: out: GEM handle
 * @iova: out: the buffer's device virtual address in this context
 * @mmap_offset: out: offset for mmap() on the fd; 0 for a DEVMEM buffer
 */
struct drm_zkasic_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
	__u64 iova;
	__u64 mmap_offset;
};

/**
 * struct drm_zkasic_bo_info - argument of DRM_IOCTL_ZKASIC_BO_INFO
 * @handle: in: a GEM handle of this file, created here or imported through
 *	PRIME; it is mapped into the caller's context first if it is not yet
 * @flags: in: must be 0; out: DRM_ZKASIC_BO_DEVMEM, DRM_ZKASIC_BO_LOST
 * @iova: out: device virtual address in this context
 * @mmap_offset: out: offset for mmap() on the fd; 0 for a DEVMEM buffer
 * @size: out: bytes
 */
struct drm_zkasic_bo_info {
	__u32 handle;
	__u32 flags;
	__u64 iova;
	__u64 mmap_offset;
	__u64 size;
};

/*
 * Commands. Every command is 64 bytes; fields a command does not use and the
 * reserved words must be 0. Addresses are iovas of the submitting context,
 * 8-byte aligned. Element formats (docs/hardware.md has the details):
 * field elements are little-endian, 32 bytes (BN254 Fr, BLS12-381 Fr) or
 * 8 bytes (Goldilocks); an affine point is x then y, each in the base field's
 * size (32 bytes BN254, 48 bytes BLS12-381; G2 coordinates are c0 then c1),
 * the point at infinity is all zero; MSM scalars are 32 bytes.
 * Values are in standard form unless a *_MONT flag says Montgomery form.
 */
#define DRM_ZKASIC_OP_NOP		0x00
#define DRM_ZKASIC_OP_FENCE		0x01	/* order point; optional write */
#define DRM_ZKASIC_OP_COPY		0x02	/* count bytes src0 -> dst */
#define DRM_ZKASIC_OP_FILL		0x03	/* count bytes of value arg (<= 0xff) -> dst */
#define DRM_ZKASIC_OP_MSM		0x10
#define DRM_ZKASIC_OP_NTT		0x20
#define DRM_ZKASIC_OP_VEC		0x30

/* FENCE: write the 64-bit arg to dst once every earlier command is done. */
#define DRM_ZKASIC_FENCE_F_WRITE	(1U << 0)

/*
 * MSM: dst = sum(scalar[i] * base[i]), i < count. src0: count affine bases,
 * src1: count 32-byte scalars, dst: one affine point.
 */
#define DRM_ZKASIC_MSM_F_SCALARS_MONT	(1U << 0)
#define DRM_ZKASIC_MSM_F_POINTS_MONT	(1U << 1)	/* bases and result */

/*
 * NTT: count = n, a power of two; arg = number of consecutive vectors of n
 * elements (the batch, >= 1). src0 = input, dst = output (may equal src0).
 * The root of unity is w_n = g^((p-1)/n) with g the field's generator
 * (5 BN254 Fr, 7 BLS12-381 Fr, 7 Goldilocks); COSET evaluates on g*<w_n>,
 * or on s*<w_n> with s read from src1 if COSET_SHIFT is also set. The
 * inverse includes the 1/n factor. Order is natural unless BITREV_* is set.
 */
#define DRM_ZKASIC_NTT_F_INVERSE	(1U << 0)
#define DRM_ZKASIC_NTT_F_COSET		(1U << 1)
#define DRM_ZKASIC_NTT_F_COSET_SHIFT	(1U << 2)
#define DRM_ZKASIC_NTT_F_BITREV_IN	(1U << 3)
#define DRM_ZKASIC_NTT_F_BITREV_OUT	(1U << 4)
#define DRM_ZKASIC_NTT_F_MONT		(1U << 5)

/*
 * VEC: elementwise over count elements, operation in arg:
 * dst[i] = src0[i] op src1[i] (ADD, SUB, MUL), src0[i] * src1[0] (SCALE),
 * or a form conversion of src0[i] (TO_MONT, FROM_MONT; MONT flag unused).
 */
#define DRM_ZKASIC_VEC_ADD		0
#define DRM_ZKASIC_VEC_SUB		1
#define DRM_ZKASIC_VEC_MUL		2
#define DRM_ZKASIC_VEC_SCALE		3
#define DRM_ZKASIC_VEC_TO_MONT		4
#define DRM_ZKASIC_VEC_FROM_MONT	5
#define DRM_ZKASIC_VEC_F_MONT		(1U << 0)

/**
 * struct drm_zkasic_cmd - one device command (64 bytes)
 * @opcode: DRM_ZKASIC_OP_*
 * @kind: curve id (MSM) or field id (NTT, VEC); 0 for the others
 * @flags: the opcode's DRM_ZKASIC_<OP>_F_* flags
 * @count: points (MSM), vector length (NTT), elements (VEC) or bytes
 *	(COPY, FILL)
 * @src0: iova of the first input
 * @src1: iova of the second input (MSM scalars, VEC's second operand,
 *	NTT's coset shift)
 * @dst: iova of the output
 * @arg: NTT: vectors in the batch; VEC: the operation; FILL: the byte;
 *	FENCE: the value written
 * @reserved: must be 0
 */
struct drm_zkasic_cmd {
	__u8 opcode;
	__u8 kind;
	__u16 flags;
	__u32 count;
	__u64 src0;
	__u64 src1;
	__u64 dst;
	__u64 arg;
	__u64 reserved[3];
};

/* Job status, as reported by DRM_IOCTL_ZKASIC_WAIT. 0..0xff come from the device. */
#define DRM_ZKASIC_STATUS_OK			0x00
#define DRM_ZKASIC_STATUS_INVALID_OPCODE	0x01
#define DRM_ZKASIC_STATUS_INVALID_KIND		0x02
#define DRM_ZKASIC_STATUS_INVALID_FLAGS		0x03
#define DRM_ZKASIC_STATUS_INVALID_SIZE		0x04
#define DRM_ZKASIC_STATUS_INVALID_ALIGN		0x05
#define DRM_ZKASIC_STATUS_RESERVED_NONZERO	0x06
#define DRM_ZKASIC_STATUS_MMU_FAULT		0x07
#define DRM_ZKASIC_STATUS_DMA_ERROR		0x08
#define DRM_ZKASIC_STATUS_INVALID_VALUE		0x09	/* e.g. scalar >= r */
#define DRM_ZKASIC_STATUS_ABORTED		0x0a	/* reset or queue disabled */
#define DRM_ZKASIC_STATUS_BAD_SQE		0x0b
#define DRM_ZKASIC_STATUS_CTX_FAULT		0x0c	/* context slot not valid */
#define DRM_ZKASIC_STATUS_INTERNAL		0x0d
#define DRM_ZKASIC_STATUS_INJECTED		0x0e	/* fault injection */
#define DRM_ZKASIC_STATUS_TIMEOUT		0x100	/* driver: hung, reset */
#define DRM_ZKASIC_STATUS_CANCELED		0x101	/* driver: never ran */

/*
 * Submit: queue a batch of cmd_count commands on hardware queue @queue.
 * The flags' priority field orders this context's and other contexts'
 * waiting batches on the queue (high before normal before low).
 * Besides -EINVAL for a malformed request, SUBMIT fails with -EIO once one
 * of this context's jobs hung the device (the context is banned: open the
 * device again), and with -ECANCELED while the context holds device-memory
 * buffers a reset zeroed (see DRM_ZKASIC_BO_LOST).
 */
#define DRM_ZKASIC_SUBMIT_PRIORITY_MASK		0x3
#define DRM_ZKASIC_SUBMIT_PRIORITY_NORMAL	0x0
#define DRM_ZKASIC_SUBMIT_PRIORITY_LOW		0x1
#define DRM_ZKASIC_SUBMIT_PRIORITY_HIGH		0x2
/**
 * struct drm_zkasic_submit - argument of DRM_IOCTL_ZKASIC_SUBMIT
 * @cmds: in: pointer to @cmd_count struct drm_zkasic_cmd
 * @in_syncobjs: in: pointer to @in_syncobj_count syncobj handles (__u32)
 * @cmd_count: in: 1 to DRM_ZKASIC_PARAM_MAX_BATCH
 * @in_syncobj_count: in: syncobjs whose fences the batch waits for
 * @out_syncobj: in: a syncobj that receives the batch's fence, or 0
 * @queue: in: hardware queue, below DRM_ZKASIC_PARAM_NUM_QUEUES
 * @flags: in: DRM_ZKASIC_SUBMIT_PRIORITY_*
 * @pad: must be 0
 * @seqno: out: the batch's job number in this context, from 1
 */
struct drm_zkasic_submit {
	__u64 cmds;
	__u64 in_syncobjs;
	__u32 cmd_count;
	__u32 in_syncobj_count;
	__u32 out_syncobj;
	__u32 queue;
	__u32 flags;
	__u32 pad;
	__u64 seqno;
};

/*
 * Wait for job @seqno of this context. Returns 0 once it has completed (its
 * status in @status, even when that is an error), -ETIME if it has not
 * completed within @timeout_ns (relative; 0 polls), -ENOENT if its result
 * has been recycled (the last DRM_ZKASIC_MAX_RESULTS jobs are kept).
 */
#define DRM_ZKASIC_MAX_RESULTS		4096

/**
 * struct drm_zkasic_wait - argument of DRM_IOCTL_ZKASIC_WAIT
 * @seqno: in: the job, as SUBMIT returned it
 * @timeout_ns: in: >= 0, relative; 0 polls
 * @flags: in: must be 0
 * @status: out: DRM_ZKASIC_STATUS_*
 * @err_index: out: index of the failing command in the batch, or ~0
 * @pad: must be 0
 * @device_ns: out: time the batch ran on the device
 */
struct drm_zkasic_wait {
	__u64 seqno;
	__s64 timeout_ns;
	__u32 flags;
	__u32 status;
	__u32 err_index;
	__u32 pad;
	__u64 device_ns;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_ZKASIC_ACCEL_H_ */
