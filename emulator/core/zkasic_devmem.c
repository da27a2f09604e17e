// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zkasic device DRAM: the memory PTE_DEVMEM leaves point into. It is one
 * anonymous MAP_NORESERVE mapping, so an idle 16 GiB device costs nothing
 * and pages come into existence only when the guest's work touches them.
 * Reset gives the pages back (they read as zero afterwards), which also
 * means one guest's data never survives into the next driver's hands.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "zkasic_internal.h"

int zk_devmem_init(struct zkasic_dev *d, uint64_t size, char *err,
		   size_t errlen)
{
	void *p;

	d->devmem = NULL;
	d->devmem_size = size;
	if (size == 0)
		return 0;
	if (size != (size_t)size) {
		snprintf(err, errlen, "devmem size %llu too large for this host",
			 (unsigned long long)size);
		return -1;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot reserve %llu bytes of devmem: %s",
			 (unsigned long long)size, strerror(errno));
		return -1;
	}
	d->devmem = p;
	return 0;
}

void zk_devmem_clear(struct zkasic_dev *d)
{
	/* Anonymous private memory reads back as zero after DONTNEED. */
	if (d->devmem && madvise(d->devmem, d->devmem_size, MADV_DONTNEED))
		memset(d->devmem, 0, d->devmem_size);
}

void zk_devmem_fini(struct zkasic_dev *d)
{
	if (d->devmem)
		munmap(d->devmem, d->devmem_size);
	d->devmem = NULL;
}
