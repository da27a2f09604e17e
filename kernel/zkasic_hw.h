/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * zkasic hardware interface: PCI identity, BAR0 registers, queue entries and
 * the device MMU's table formats. docs/hardware.md is the prose datasheet;
 * this header is its machine-readable half, shared verbatim by the driver
 * (kernel/) and the device model (emulator/), so the two can never disagree.
 * Command formats live in uapi/drm/zkasic_accel.h because userspace builds
 * commands and the driver passes them to the device unchanged.
 *
 * All multi-byte values are little-endian: the queue entries' fields are
 * __le16/__le32/__le64, so sparse (make C=1) flags a driver access without
 * cpu_to_le*()/le*_to_cpu(); in userspace (the device model) they are plain
 * integers, accessed with htole*()/le*toh().
 */
#ifndef ZKASIC_HW_H
#define ZKASIC_HW_H

#include <linux/types.h>

/* PCI identity. 0x5a4b ("ZK") is not assigned to any vendor by the PCI-SIG. */
#define ZKASIC_PCI_VENDOR_ID		0x5a4b
#define ZKASIC_PCI_DEVICE_ID		0x0001
#define ZKASIC_PCI_REVISION		0x01
#define ZKASIC_PCI_CLASS		0x1200	/* processing accelerator */

#define ZKASIC_BAR_REGS			0	/* 64 KiB, 64-bit, MMIO */
#define ZKASIC_BAR_MSIX			2	/* MSI-X table and PBA */
#define ZKASIC_BAR_REGS_SIZE		0x10000

#define ZKASIC_ID_MAGIC			0x53414b5aU	/* "ZKAS" */
#define ZKASIC_SPEC_MAJOR		1
#define ZKASIC_SPEC_MINOR		0
#define ZKASIC_SPEC_VERSION		((ZKASIC_SPEC_MAJOR << 16) | ZKASIC_SPEC_MINOR)

/*
 * Registers are accessed with 32-bit or 64-bit reads and writes at naturally
 * aligned offsets; other widths read as zero and are ignored on write.
 * "64" marks a 64-bit register (LO at the offset, HI at offset + 4).
 */

/* Identity and capabilities: read-only. */
#define ZKASIC_REG_ID			0x0000
#define ZKASIC_REG_VERSION		0x0004
#define ZKASIC_REG_CAP_CURVES		0x0008	/* bit (1 << curve id) */
#define ZKASIC_REG_CAP_FIELDS		0x000c	/* bit (1 << field id) */
#define ZKASIC_REG_CAP_ENGINES		0x0010
#define   ZKASIC_CAP_ENGINES_MSM(v)	((v) & 0xff)
#define   ZKASIC_CAP_ENGINES_NTT(v)	(((v) >> 8) & 0xff)
#define   ZKASIC_CAP_ENGINES_VEC(v)	(((v) >> 16) & 0xff)
#define   ZKASIC_CAP_ENGINES_QUEUES(v)	(((v) >> 24) & 0xff)
#define ZKASIC_REG_CAP_LIMITS		0x0014
#define   ZKASIC_CAP_LIMITS_MSM_LOG2(v)	((v) & 0xff)	/* max points per MSM */
#define   ZKASIC_CAP_LIMITS_NTT_LOG2(v)	(((v) >> 8) & 0xff)	/* max NTT size */
#define   ZKASIC_CAP_LIMITS_SQ_LOG2(v)	(((v) >> 16) & 0xff)	/* max ring entries */
#define ZKASIC_REG_SKU			0x0018
#define   ZKASIC_SKU_AIR		0
#define   ZKASIC_SKU_PRO		1
#define ZKASIC_REG_CAP_FLAGS		0x001c
#define   ZKASIC_CAP_F_MMU		(1U << 0)
#define   ZKASIC_CAP_F_DEVMEM		(1U << 1)
#define   ZKASIC_CAP_F_TELEMETRY	(1U << 2)
#define   ZKASIC_CAP_F_FAULT_INJECT	(1U << 3)
#define ZKASIC_REG_DEVMEM_SIZE		0x0020	/* 64: bytes of device DRAM */
#define ZKASIC_REG_NUM_CTX		0x0028	/* address-space slots */
#define ZKASIC_REG_MAX_BATCH		0x002c	/* commands per SQE */

/* Control. */
#define ZKASIC_REG_CTRL			0x0040
#define   ZKASIC_CTRL_ENABLE		(1U << 0)
#define   ZKASIC_CTRL_RESET		(1U << 1)	/* self-clearing */
#define ZKASIC_REG_STATUS		0x0044
#define   ZKASIC_STATUS_READY		(1U << 0)
#define   ZKASIC_STATUS_FATAL		(1U << 1)
#define   ZKASIC_STATUS_ENABLED		(1U << 2)
#define ZKASIC_REG_INT_STATUS		0x0048	/* write 1 to clear */
#define   ZKASIC_INT_QUEUE(q)		(1U << (q))
#define   ZKASIC_INT_ERROR		(1U << 31)
#define ZKASIC_REG_INT_MASK		0x004c	/* 1 = vector not sent */
#define ZKASIC_REG_SCRATCH		0x0050
#define ZKASIC_REG_TIMESTAMP		0x0058	/* 64: device clock, ns */
#define ZKASIC_REG_CTX_TABLE		0x0060	/* 64: bus address, 4 KiB aligned */
#define ZKASIC_REG_MMU_INVAL		0x0068	/* write ctx id, or ~0 for all */
#define ZKASIC_REG_RESET_COUNT		0x006c

/* Telemetry: read-only. Power and energy are a model, see docs/hardware.md. */
#define ZKASIC_REG_POWER_MW		0x0080
#define ZKASIC_REG_TEMP_MC		0x0084	/* milli-degrees Celsius */
#define ZKASIC_REG_ENERGY_UJ		0x0088	/* 64 */
#define ZKASIC_REG_CMD_COUNT		0x0090	/* 64: commands completed */
/*
 * Engines are numbered MSM first, then NTT, then VEC (counts in CAP_ENGINES),
 * then one DMA engine that COPY and FILL of all queues are charged to.
 */
#define ZKASIC_REG_BUSY_NS(e)		(0x0100 + 8 * (e))	/* 64, per engine */
#define ZKASIC_MAX_ENGINES		32

/* Error log: the most recent failed command or ring error. */
#define ZKASIC_REG_ERR_COUNT		0x0200
#define ZKASIC_REG_ERR_STATUS		0x0204
#define ZKASIC_REG_ERR_QUEUE		0x0208
#define ZKASIC_REG_ERR_INDEX		0x020c	/* command index in batch */
#define ZKASIC_REG_ERR_SEQ		0x0210
#define ZKASIC_REG_ERR_ADDR		0x0218	/* 64: faulting address */

/*
 * Fault injection; writable only when CAP_F_FAULT_INJECT is set (reads 0
 * otherwise). Set FI_STATUS and FI_COUNT, then arm with FI_MODE. Each
 * injected fault decrements FI_COUNT; at 0 injection stops. Reset disarms.
 */
#define ZKASIC_REG_FI_MODE		0x0300
#define   ZKASIC_FI_MODE_OFF		0
#define   ZKASIC_FI_MODE_FAIL_CMD	1	/* commands fail with FI_STATUS */
#define   ZKASIC_FI_MODE_HANG		2	/* batches never complete */
#define   ZKASIC_FI_MODE_DROP_IRQ	3	/* CQEs posted, no vector sent */
#define   ZKASIC_FI_MODE_FATAL		4	/* STATUS.FATAL now, until reset */
#define   ZKASIC_FI_MODE_CORRUPT	5	/* commands succeed, dst bit 0 flipped */
#define ZKASIC_REG_FI_COUNT		0x0304
#define ZKASIC_REG_FI_STATUS		0x0308	/* 1..0xff; reset: INJECTED */

/* Queues: ZKASIC_MAX_QUEUES register blocks of 0x40 bytes. */
#define ZKASIC_MAX_QUEUES		16
#define ZKASIC_QUEUE_BASE		0x1000
#define ZKASIC_QUEUE_STRIDE		0x40
#define ZKASIC_QREG(q, r)		(ZKASIC_QUEUE_BASE + (q) * ZKASIC_QUEUE_STRIDE + (r))
#define ZKASIC_Q_SQ_BASE		0x00	/* 64: bus address, 4 KiB aligned */
#define ZKASIC_Q_CQ_BASE		0x08	/* 64: bus address, 4 KiB aligned */
#define ZKASIC_Q_SQ_LOG2		0x10	/* log2 entries, 1..CAP_LIMITS_SQ */
#define ZKASIC_Q_CQ_LOG2		0x14
#define ZKASIC_Q_CTRL			0x18
#define   ZKASIC_QCTRL_ENABLE		(1U << 0)
#define ZKASIC_Q_STATUS			0x1c
#define   ZKASIC_QSTATUS_ENABLED	(1U << 0)
#define   ZKASIC_QSTATUS_ERROR		(1U << 1)	/* ring fault; disable to clear */
#define   ZKASIC_QSTATUS_BUSY		(1U << 2)
#define ZKASIC_Q_SQ_TAIL		0x20	/* doorbell */
#define ZKASIC_Q_CQ_HEAD		0x24	/* doorbell */
#define ZKASIC_Q_SQ_HEAD		0x28	/* read-only */
#define ZKASIC_Q_CQ_TAIL		0x2c	/* read-only */
#define ZKASIC_Q_PROGRESS		0x30	/* 64: work units done, ever */

/*
 * Submission queue entry: one batch of commands. The command array is read
 * from @cmd_addr untranslated (it is owned by the driver); the data addresses
 * inside the commands are translated through context slot @ctx.
 */
#define ZKASIC_SQE_SIZE			64
#define ZKASIC_SQE_OP_EXEC		0x01

struct zkasic_sqe {
	__u8 opcode;
	__u8 flags;		/* must be 0 */
	__le16 ctx;		/* context slot < NUM_CTX; 0 is the driver's */
	__le32 seq;		/* echoed in the completion */
	__le64 cmd_addr;	/* bus address, 64-byte aligned */
	__le32 cmd_count;	/* 1..MAX_BATCH */
	__le32 reserved0;
	__le64 reserved[5];
};

/*
 * Completion queue entry. The device writes an entry with the queue's current
 * phase bit; the phase starts at 1 when the queue is enabled and flips each
 * time the CQ wraps, so the host knows an entry is new when its phase matches.
 */
#define ZKASIC_CQE_SIZE			32
#define ZKASIC_CQE_F_PHASE		(1U << 0)

struct zkasic_cqe {
	__le32 seq;
	__le16 sq_head;		/* device's SQ head after consuming this SQE */
	__le16 status;		/* DRM_ZKASIC_STATUS_* */
	__le32 err_index;	/* failing command, or ~0 */
	__le32 flags;
	__le64 start_ns;	/* device clock */
	__le64 end_ns;
};

/*
 * Device MMU. The context table holds NUM_CTX 8-byte entries; entry i points
 * to context i's root table. Tables are 4 KiB pages of 512 8-byte entries;
 * three levels translate a 39-bit device virtual address with 4 KiB pages:
 * level 2 uses VA[38:30], level 1 VA[29:21], level 0 VA[20:12].
 */
#define ZKASIC_PAGE_SHIFT		12
#define ZKASIC_PAGE_SIZE		(1ULL << ZKASIC_PAGE_SHIFT)
#define ZKASIC_VA_BITS			39
#define ZKASIC_PT_ENTRIES		512
#define ZKASIC_PT_LEVELS		3
#define ZKASIC_PT_INDEX(va, level)	\
	(((va) >> (ZKASIC_PAGE_SHIFT + 9 * (level))) & (ZKASIC_PT_ENTRIES - 1))

#define ZKASIC_PTE_VALID		(1ULL << 0)
#define ZKASIC_PTE_WRITE		(1ULL << 1)	/* leaf: device may write */
#define ZKASIC_PTE_DEVMEM		(1ULL << 2)	/* leaf: address is in DRAM */
#define ZKASIC_PTE_ADDR_MASK		0x000ffffffffff000ULL

#define ZKASIC_CTX_VALID		(1ULL << 0)
#define ZKASIC_CTX_ADDR_MASK		ZKASIC_PTE_ADDR_MASK

#endif /* ZKASIC_HW_H */
