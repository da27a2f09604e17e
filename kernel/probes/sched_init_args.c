// SPDX-License-Identifier: GPL-2.0
/* From 6.12.115: drm_sched_init() takes struct drm_sched_init_args. */
#include <drm/gpu_scheduler.h>

int zkasic_probe(struct drm_gpu_scheduler *sched);
int zkasic_probe(struct drm_gpu_scheduler *sched)
{
	const struct drm_sched_init_args args = { .name = "probe" };

	return drm_sched_init(sched, &args);
}
