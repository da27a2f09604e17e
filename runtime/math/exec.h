/* SPDX-License-Identifier: MIT */
/*
 * Execution helpers shared by MSM, NTT and vector ops: thread count from
 * struct zkm_exec, abort polling, progress counting, and a fork-join
 * parallel loop on plain pthreads (no pool, hence no global state: threads
 * live for one parallel section, which costs tens of microseconds against
 * sections that run for milliseconds).
 */
#ifndef ZKM_EXEC_H
#define ZKM_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include <zkasic/zkmath.h>

struct zkm_run {
	unsigned int threads;		/* resolved: >= 1 */
	volatile uint64_t *progress;
	const volatile int *abort;
};

void zkm_run_init(struct zkm_run *run, const struct zkm_exec *ex);

static inline int zkm_aborted(const struct zkm_run *run)
{
	return run->abort && __atomic_load_n(run->abort, __ATOMIC_RELAXED) != 0;
}

static inline void zkm_progress(const struct zkm_run *run, uint64_t amount)
{
	if (run->progress)
		__atomic_fetch_add(run->progress, amount, __ATOMIC_RELAXED);
}

/*
 * Run fn(arg, i, n) for every i < n, each on its own thread (i = 0 on the
 * caller's). If a thread cannot be created its share runs on the caller, so
 * this never fails.
 */
void zkm_parallel(unsigned int n, void (*fn)(void *arg, unsigned int i, unsigned int n),
		  void *arg);

/* Threads worth using for @work units when each needs about @min_per_thread. */
unsigned int zkm_threads_for(const struct zkm_run *run, size_t work, size_t min_per_thread);

/*
 * Large scratch arrays (an MSM's loaded points and scalars). From 2 MiB up
 * they are mapped 2 MiB-aligned with MADV_HUGEPAGE, so filling them takes a
 * page fault per 2 MiB instead of per 4 KiB: page faults were a tenth of a
 * 2^16-point MSM in a VM. Smaller ones come from malloc. NULL on failure;
 * free with the size given to zkm_big_alloc.
 */
void *zkm_big_alloc(size_t size);
void zkm_big_free(void *p, size_t size);

#endif /* ZKM_EXEC_H */
