// SPDX-License-Identifier: MIT
/* zkm_msm, zkm_msm_sum: argument checks, then the generic or MULX/ADX kernel (kernels.h). */
#include <string.h>

#include <zkasic/zkmath.h>

#include "kernels.h"

/* Far beyond any real MSM (the device allows 2^26); keeps internal sizes from overflowing. */
#define ZKM_MSM_MAX_N (((size_t)1 << 40) / 512)

int zkm_msm_sum(int curve, const struct zkm_msm_part *parts, unsigned int nparts,
		unsigned int flags, void *result, const struct zkm_exec *ex)
{
	struct zkm_run run;
	size_t pb = zkm_point_bytes(curve), n = 0;

	if (!pb || !result || (flags & ~(ZKM_MSM_SCALARS_MONT | ZKM_MSM_POINTS_MONT)))
		return ZKM_EINVAL;
	if (nparts > ZKM_MSM_MAX_PARTS || (nparts && !parts))
		return ZKM_EINVAL;
	for (unsigned int i = 0; i < nparts; i++) {
		if (parts[i].n && (!parts[i].bases || !parts[i].scalars))
			return ZKM_EINVAL;
		if (parts[i].n > ZKM_MSM_MAX_N - n)
			return ZKM_EINVAL;
		n += parts[i].n;
	}
	zkm_run_init(&run, ex);
	if (zkm_aborted(&run))
		return ZKM_EABORTED;
	if (n == 0) {
		memset(result, 0, pb);
		return ZKM_OK;
	}
#if ZKM_HAVE_ADX_KERNELS
	if (zkm_use_adx())
		return zkm_msm_kernel_adx(curve, parts, nparts, n, flags, result, &run);
#endif
	return zkm_msm_kernel_generic(curve, parts, nparts, n, flags, result, &run);
}

int zkm_msm(int curve, const void *bases, const void *scalars, size_t n,
	    unsigned int flags, void *result, const struct zkm_exec *ex)
{
	const struct zkm_msm_part part = { bases, scalars, n };

	return zkm_msm_sum(curve, &part, 1, flags, result, ex);
}
