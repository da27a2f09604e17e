// SPDX-License-Identifier: MIT
/* Thread count resolution and the fork-join parallel loop (see exec.h). */
#include <pthread.h>
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
