// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zkasic device model core: the device MMU. Every data address in a command
 * is an iova of the batch's context and goes through that context's
 * three-level table (kernel/zkasic_hw.h) before any byte moves:
 *  - iovas at or above 2^39, invalid entries at any level, writes to leaves
 *    without PTE_WRITE and PTE_DEVMEM leaves beyond device DRAM fault
 *    (MMU_FAULT, ERR_ADDR = the iova); an unreadable table page is a
 *    DMA_ERROR (ERR_ADDR = the iova being translated);
 *  - leaves are 4 KiB; non-leaf entries use VALID and the address only.
 * The table walk is bounded (three reads), so self-referencing tables just
 * translate to whatever the guest's own memory says.
 *
 * Each queue caches whole leaf tables (512 PTEs, 2 MiB of VA) it has
 * walked, tagged with the context, its root and the MMU_INVAL generations:
 * writing MMU_INVAL (one slot or ~0), CTX_TABLE or resetting drops them.
 * An entry that would fault is always re-walked first, so the driver needs
 * MMU_INVAL after it unmaps or changes a mapping, not after it adds one.
 *
 * Data moves in runs of pages that are contiguous behind the MMU (host
 * bus addresses or devmem offsets), at most ZK_XFER_CHUNK bytes per
 * io_lock hold; a range is never touched beyond its last byte.
 */
#include <string.h>

#include <endian.h>

#include "zkasic_internal.h"

#define ZK_VA_LIMIT	(1ULL << ZKASIC_VA_BITS)

static bool zk_tc_hit(const struct zk_job *j, const struct zk_tc_entry *e,
		      uint64_t region)
{
	struct zkasic_dev *d = j->dev;

	return e->valid && e->region == region && e->ctx == j->ctx &&
	       e->root == j->root &&
	       e->gen_all == zk_load(&d->mmu_gen_all) &&
	       e->gen_ctx == zk_load(&d->mmu_gen_ctx[j->ctx]);
}

static int zk_pt_read(struct zk_job *j, uint64_t addr, void *buf, size_t len,
		      uint64_t iova)
{
	if (j->dev->host.dma_read(j->dev->opaque, addr, buf, len)) {
		j->fault_addr = iova;
		return DRM_ZKASIC_STATUS_DMA_ERROR;
	}
	return 0;
}

/* Walk to the leaf table covering @region. io_lock held. */
static int zk_tc_fill(struct zk_job *j, struct zk_tc_entry *e,
		      uint64_t region)
{
	struct zkasic_dev *d = j->dev;
	uint64_t va = region << ZK_REGION_SHIFT;
	/* Sampled first: an MMU_INVAL during the walk is never lost. */
	uint32_t gen_all = zk_load(&d->mmu_gen_all);
	uint32_t gen_ctx = zk_load(&d->mmu_gen_ctx[j->ctx]);
	uint64_t table = j->root, pte = 0;
	unsigned int level, i;
	int ret;

	e->valid = false;
	for (level = ZKASIC_PT_LEVELS - 1; level > 0; level--) {
		ret = zk_pt_read(j, table + 8 * ZKASIC_PT_INDEX(va, level),
				 &pte, sizeof(pte), va);
		if (ret)
			return ret;
		pte = le64toh(pte);
		if (!(pte & ZKASIC_PTE_VALID))
			break;
		table = pte & ZKASIC_PTE_ADDR_MASK;
	}
	if (level > 0) {
		memset(e->pte, 0, sizeof(e->pte));	/* nothing mapped */
	} else {
		ret = zk_pt_read(j, table, e->pte, sizeof(e->pte), va);
		if (ret)
			return ret;
		for (i = 0; i < ZKASIC_PT_ENTRIES; i++)
			e->pte[i] = le64toh(e->pte[i]);
	}
	e->valid = true;
	e->region = region;
	e->ctx = j->ctx;
	e->root = j->root;
	e->gen_all = gen_all;
	e->gen_ctx = gen_ctx;
	return 0;
}

static bool zk_pte_allows(uint64_t pte, bool write)
{
	return (pte & ZKASIC_PTE_VALID) && (!write || (pte & ZKASIC_PTE_WRITE));
}

/*
 * Translate the page holding @iova: *devmem and *pa (page address, bus or
 * devmem offset). io_lock held.
 */
static int zk_translate(struct zk_job *j, uint64_t iova, bool write,
			bool *devmem, uint64_t *pa)
{
	struct zkasic_dev *d = j->dev;
	uint64_t region = iova >> ZK_REGION_SHIFT;
	struct zk_tc_entry *e = &j->q->tc[region % ZK_TC_ENTRIES];
	bool fresh = false;
	uint64_t pte, addr;
	int ret;

	if (iova >= ZK_VA_LIMIT)
		goto fault;
	if (!zk_tc_hit(j, e, region)) {
		ret = zk_tc_fill(j, e, region);
		if (ret)
			return ret;
		fresh = true;
	}
	pte = e->pte[ZKASIC_PT_INDEX(iova, 0)];
	if (!zk_pte_allows(pte, write) && !fresh) {
		ret = zk_tc_fill(j, e, region);
		if (ret)
			return ret;
		pte = e->pte[ZKASIC_PT_INDEX(iova, 0)];
	}
	if (!zk_pte_allows(pte, write))
		goto fault;
	addr = pte & ZKASIC_PTE_ADDR_MASK;
	*devmem = pte & ZKASIC_PTE_DEVMEM;
	if (*devmem && (addr >= d->devmem_size ||
			d->devmem_size - addr < ZKASIC_PAGE_SIZE))
		goto fault;
	*pa = addr;
	return 0;

fault:
	j->fault_addr = iova;
	return DRM_ZKASIC_STATUS_MMU_FAULT;
}

struct zk_run {
	bool devmem;
	uint64_t pa;
	uint64_t iova;
	uint8_t *buf;
	uint64_t len;
};

static int zk_run_flush(struct zk_job *j, struct zk_run *r, bool write)
{
	struct zkasic_dev *d = j->dev;
	int err;

	if (!r->len || !r->buf)
		return 0;
	if (r->devmem) {
		if (write)
			memcpy(d->devmem + r->pa, r->buf, r->len);
		else
			memcpy(r->buf, d->devmem + r->pa, r->len);
		return 0;
	}
	err = write ? d->host.dma_write(d->opaque, r->pa, r->buf, r->len) :
		      d->host.dma_read(d->opaque, r->pa, r->buf, r->len);
	if (err) {
		j->fault_addr = r->iova;
		return DRM_ZKASIC_STATUS_DMA_ERROR;
	}
	return 0;
}

/*
 * Translate [iova, iova + len) and, unless @buf is NULL (a permission
 * check), move the data. Returns OK, MMU_FAULT, DMA_ERROR or ZK_ABORT.
 */
static int zk_mmu_access(struct zk_job *j, uint64_t iova, uint8_t *buf,
			 uint64_t len, bool write)
{
	if (!len)
		return 0;
	if (iova >= ZK_VA_LIMIT || len > ZK_VA_LIMIT - iova) {
		j->fault_addr = iova >= ZK_VA_LIMIT ? iova : ZK_VA_LIMIT;
		return DRM_ZKASIC_STATUS_MMU_FAULT;
	}
	while (len) {
		uint64_t chunk = len < ZK_XFER_CHUNK ? len : ZK_XFER_CHUNK;
		struct zk_run run = { .len = 0 };
		uint64_t off = 0;
		int ret = 0;

		pthread_mutex_lock(&j->q->io_lock);
		if (!zk_job_live(j))
			ret = ZK_ABORT;
		while (!ret && off < chunk) {
			uint64_t va = iova + off;
			uint64_t in_page = va & (ZKASIC_PAGE_SIZE - 1);
			uint64_t n = ZKASIC_PAGE_SIZE - in_page;
			uint64_t pa;
			bool devmem;

			if (n > chunk - off)
				n = chunk - off;
			ret = zk_translate(j, va, write, &devmem, &pa);
			if (ret)
				break;
			pa += in_page;
			if (run.len && run.devmem == devmem &&
			    run.pa + run.len == pa) {
				run.len += n;
			} else {
				ret = zk_run_flush(j, &run, write);
				run = (struct zk_run) {
					.devmem = devmem, .pa = pa, .iova = va,
					.buf = buf ? buf + off : NULL, .len = n,
				};
			}
			off += n;
		}
		if (!ret)
			ret = zk_run_flush(j, &run, write);
		pthread_mutex_unlock(&j->q->io_lock);
		if (ret)
			return ret;
		if (buf) {
			j->bytes_moved += chunk;
			buf += chunk;
			/* A chunk moved is a unit of work for Q_PROGRESS. */
			__atomic_fetch_add(&j->q->progress, 1, __ATOMIC_RELAXED);
		}
		iova += chunk;
		len -= chunk;
	}
	return 0;
}

int zk_mmu_check(struct zk_job *j, uint64_t iova, uint64_t len, bool write)
{
	return zk_mmu_access(j, iova, NULL, len, write);
}

int zk_mmu_read(struct zk_job *j, uint64_t iova, void *buf, uint64_t len)
{
	return zk_mmu_access(j, iova, buf, len, false);
}

int zk_mmu_write(struct zk_job *j, uint64_t iova, const void *buf,
		 uint64_t len)
{
	return zk_mmu_access(j, iova, (uint8_t *)buf, len, true);
}
