// SPDX-License-Identifier: MIT
/* zkm_vec: argument checks, then the generic or MULX/ADX kernel (kernels.h). */
#include <stdint.h>

#include <zkasic/zkmath.h>

#include "kernels.h"

int zkm_vec(int field, int op, const void *a, const void *b, void *out,
	    size_t n, unsigned int flags, const struct zkm_exec *ex)
{
	size_t esz = zkm_field_bytes(field);
	struct zkm_run run;

	if (!esz || op < ZKM_VEC_ADD || op > ZKM_VEC_FROM_MONT || (flags & ~ZKM_VEC_MONT))
		return ZKM_EINVAL;
	if (n && (!a || !out || (op <= ZKM_VEC_SCALE && !b)))
		return ZKM_EINVAL;
	if (n > SIZE_MAX / esz)
		return ZKM_EINVAL;
	zkm_run_init(&run, ex);
	if (zkm_aborted(&run))
		return ZKM_EABORTED;
	if (n == 0)
		return ZKM_OK;
#if ZKM_HAVE_ADX_KERNELS
	if (zkm_use_adx())
		return zkm_vec_kernel_adx(field, op, a, b, out, n, flags, &run);
#endif
	return zkm_vec_kernel_generic(field, op, a, b, out, n, flags, &run);
}
