/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zkasic device model core: the emulated ASIC as plain C, with no emulator
 * headers, so the same code runs inside QEMU (emulator/qemu/zkasic_pci.c)
 * and in host unit tests (tests/host/test_emu_*.c) against a fake memory.
 *
 * The core owns the register file, the queues, the device MMU, device DRAM,
 * the engines and the telemetry model, plus one worker thread per hardware
 * queue. The embedder supplies bus access, an interrupt hook and a clock,
 * and forwards register accesses.
 *
 * Threads: zkasic_reg_read/zkasic_reg_write/zkasic_reset/zkasic_irq_take
 * come from one embedder thread at a time (QEMU: under the BQL). The
 * callbacks in struct zkasic_host are called from worker threads, never with
 * the core's mutex held, except clock_ns which may be called with it held
 * and so must neither block nor take embedder locks.
 */
#ifndef ZKASIC_CORE_H
#define ZKASIC_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct zkasic_dev;

struct zkasic_host {
	/*
	 * Bus-master DMA at bus address @addr. Return 0, or nonzero if any
	 * byte of the range is not accessible memory (the device then reports
	 * DMA_ERROR). The core never passes a range that wraps past 2^64
	 * (it reports DMA_ERROR itself). Must not take locks that a register
	 * access holds while calling into the core (QEMU: must never take the
	 * BQL).
	 */
	int (*dma_read)(void *opaque, uint64_t addr, void *buf, size_t len);
	int (*dma_write)(void *opaque, uint64_t addr, const void *buf,
			 size_t len);
	/*
	 * Queue @queue has posted completions (or a ring error) and its
	 * vector is due: the embedder collects the vectors with
	 * zkasic_irq_take() and raises them.
	 */
	void (*notify)(void *opaque, unsigned int queue);
	/* Monotonic nanoseconds. */
	uint64_t (*clock_ns)(void *opaque);
	/*
	 * Optional (NULL: none). The device logged an error (ERR_* registers):
	 * the guest set up a ring badly, rang a bad doorbell, sent a malformed
	 * command or one that faulted (MMU, DMA). @msg is one line without a
	 * newline, naming the status, queue, sequence number, command index
	 * and address, for the embedder's guest-error log (QEMU:
	 * qemu_log_mask(LOG_GUEST_ERROR)). Called with the core's mutex held,
	 * like clock_ns: must neither block nor call into the core.
	 */
	void (*guest_error)(void *opaque, uint32_t status, const char *msg);
};

/* SKU names accepted by zkasic_sku_from_name(). */
#define ZKASIC_SKU_NAME_AIR	"air"
#define ZKASIC_SKU_NAME_PRO	"pro"

struct zkasic_config {
	unsigned int sku;		/* ZKASIC_SKU_AIR or ZKASIC_SKU_PRO */
	uint64_t devmem_size;		/* bytes, page multiple; 0: SKU default */
	bool fault_injection;		/* FI_* registers writable */
	unsigned int engine_threads;	/* CPU threads per engine op; 0: all */
	/*
	 * Engine staging slice in bytes (MSM bases + scalars, NTT vector
	 * groups, VEC operands, COPY/FILL bounce up to 4 MiB); 0: 256 MiB,
	 * at least 64 KiB. Tests shrink it to exercise the multi-slice paths.
	 */
	uint64_t slice_bytes;
};

/* Returns ZKASIC_SKU_* for "air"/"pro", or -1. */
int zkasic_sku_from_name(const char *name);

/*
 * Create a device in its post-reset state with its worker threads running.
 * On failure returns NULL and writes a reason into @err.
 */
struct zkasic_dev *zkasic_create(const struct zkasic_config *cfg,
				 const struct zkasic_host *host, void *opaque,
				 char *err, size_t errlen);
/* Stop and join the workers (aborting their work) and free everything. */
void zkasic_destroy(struct zkasic_dev *dev);

/* BAR0 access; @size is 4 or 8, anything else reads 0 / is ignored. */
uint64_t zkasic_reg_read(struct zkasic_dev *dev, uint64_t offset,
			 unsigned int size);
void zkasic_reg_write(struct zkasic_dev *dev, uint64_t offset, uint64_t value,
		      unsigned int size);

/*
 * Device reset (CTRL.RESET, FLR, system reset). On return no DMA of any
 * aborted batch will happen any more; STATUS.READY comes back once the
 * workers have dropped their aborted work.
 */
void zkasic_reset(struct zkasic_dev *dev);

/* Queues whose vector must be sent now (bit q = vector q); clears them. */
uint32_t zkasic_irq_take(struct zkasic_dev *dev);

unsigned int zkasic_num_queues(const struct zkasic_dev *dev);

#ifdef __cplusplus
}
#endif

#endif /* ZKASIC_CORE_H */
