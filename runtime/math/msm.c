// SPDX-License-Identifier: MIT
/* zkm_msm: argument checks, then the generic or MULX/ADX kernel (kernels.h). */
#include <string.h>

#include <zkasic/zkmath.h>

#include "kernels.h"

/* Far beyond any real MSM (the device allows 2^26); keeps internal sizes from overflowing. */
#define ZKM_MSM_MAX_N (((size_t)1 << 40) / 512)

int zkm_msm(int curve, const void *bases, const void *scalars, size_t n,
	    unsigned int flags, void *result, const struct zkm_exec *ex)
{
	struct zkm_run run;
	size_t pb = zkm_point_bytes(curve);

	if (!pb || !result || (flags & ~(ZKM_MSM_SCALARS_MONT | ZKM_MSM_POINTS_MONT)))
		return ZKM_EINVAL;
	if (n && (!bases || !scalars))
		return ZKM_EINVAL;
	if (n > ZKM_MSM_MAX_N)
		return ZKM_EINVAL;
	zkm_run_init(&run, ex);
	if (zkm_aborted(&run))
		return ZKM_EABORTED;
	if (n == 0) {
		memset(result, 0, pb);
		return ZKM_OK;
	}
#if ZKM_HAVE_ADX_KERNELS
	if (zkm_use_adx())
		return zkm_msm_kernel_adx(curve, bases, scalars, n, flags, result, &run);
#endif
	return zkm_msm_kernel_generic(curve, bases, scalars, n, flags, result, &run);
}
