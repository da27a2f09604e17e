// SPDX-License-Identifier: MIT
/* Thread count resolution, the fork-join parallel loop and big scratch arrays (see exec.h). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec.h"

#define ZKM_MAX_THREADS 256

void zkm_run_init(struct zkm_run *run, const struct zkm_exec *ex)
{
	unsigned int t = ex ? ex->threads : 0;

	if (t == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		t = n > 0 ? (unsigned int)n : 1;
	}
	if (t > ZKM_MAX_THREADS)
		t = ZKM_MAX_THREADS;
	run->threads = t;
	run->progress = ex ? ex->progress : NULL;
	run->abort = ex ? ex->abort : NULL;
}

unsigned int zkm_threads_for(const struct zkm_run *run, size_t work, size_t min_per_thread)
{
	size_t t = min_per_thread ? work / min_per_thread : work;

	if (t < 1)
		t = 1;
	if (t > run->threads)
		t = run->threads;
	return (unsigned int)t;
}

struct zkm_job {
	void (*fn)(void *arg, unsigned int i, unsigned int n);
	void *arg;
	unsigned int i, n;
};

static void *zkm_job_main(void *p)
{
	struct zkm_job *job = p;

	job->fn(job->arg, job->i, job->n);
	return NULL;
}

void zkm_parallel(unsigned int n, void (*fn)(void *arg, unsigned int i, unsigned int n),
		  void *arg)
{
	pthread_t tid[ZKM_MAX_THREADS];
	struct zkm_job job[ZKM_MAX_THREADS];
	int started[ZKM_MAX_THREADS];

	if (n <= 1) {
		fn(arg, 0, 1);
		return;
	}
	if (n > ZKM_MAX_THREADS)
		n = ZKM_MAX_THREADS;
	for (unsigned int i = 1; i < n; i++) {
		job[i] = (struct zkm_job){ fn, arg, i, n };
		started[i] = pthread_create(&tid[i], NULL, zkm_job_main, &job[i]) == 0;
	}
	fn(arg, 0, n);
	for (unsigned int i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			fn(arg, i, n);
	}
}

#define ZKM_HUGE ((size_t)2 << 20)

static size_t zkm_big_len(size_t size)
{
	return (size + ZKM_HUGE - 1) & ~(ZKM_HUGE - 1);
}

void *zkm_big_alloc(size_t size)
{
	size_t len = zkm_big_len(size);
	uintptr_t map, aligned;
	void *p;

	if (size < ZKM_HUGE)
		return malloc(size ? size : 1);
	if (len + ZKM_HUGE < len)
		return NULL;
	p = mmap(NULL, len + ZKM_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* keep the 2 MiB-aligned middle, give back the ends */
	map = (uintptr_t)p;
	aligned = (map + ZKM_HUGE - 1) & ~(uintptr_t)(ZKM_HUGE - 1);
	if (aligned > map)
		munmap(p, aligned - map);
	if (map + ZKM_HUGE > aligned)
		munmap((void *)(aligned + len), map + ZKM_HUGE - aligned);
	/* advice only: without transparent huge pages this is plain memory */
	madvise((void *)aligned, len, MADV_HUGEPAGE);
	return (void *)aligned;
}

void zkm_big_free(void *p, size_t size)
{
	if (!p)
		return;
	if (size < ZKM_HUGE)
		free(p);
	else
		munmap(p, zkm_big_len(size));
}
