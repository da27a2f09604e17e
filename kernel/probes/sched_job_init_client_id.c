// SPDX-License-Identifier: GPL-2.0
/* From 6.12.105: drm_sched_job_init() takes a DRM client id. */
#include <drm/gpu_scheduler.h>

int zkasic_probe(struct drm_sched_job *job, struct drm_sched_entity *entity);
int zkasic_probe(struct drm_sched_job *job, struct drm_sched_entity *entity)
{
	return drm_sched_job_init(job, entity, 1, NULL, 0);
}
