// SPDX-License-Identifier: MIT
/* zkm_ntt: argument checks, then the generic or MULX/ADX kernel (kernels.h). */
#include <zkasic/zkmath.h>

#include "kernels.h"

#define ZKM_NTT_FLAGS (ZKM_NTT_INVERSE | ZKM_NTT_COSET | ZKM_NTT_COSET_SHIFT | \
		       ZKM_NTT_BITREV_IN | ZKM_NTT_BITREV_OUT | ZKM_NTT_MONT)

int zkm_ntt(int field, void *data, unsigned int log_n, size_t batch,
	    unsigned int flags, const void *shift, const struct zkm_exec *ex)
{
	struct zkm_run run;

	if (!zkm_field_bytes(field) || (flags & ~ZKM_NTT_FLAGS))
		return ZKM_EINVAL;
	if (log_n > zkm_field_two_adicity(field) || log_n > 24)
		return ZKM_EINVAL;
	if (batch == 0)
		return ZKM_EINVAL;
	if (!data)
		return ZKM_EINVAL;
	zkm_run_init(&run, ex);
	if (zkm_aborted(&run))
		return ZKM_EABORTED;
#if ZKM_HAVE_ADX_KERNELS
	if (zkm_use_adx())
		return zkm_ntt_kernel_adx(field, data, log_n, batch, flags, shift, &run);
#endif
	return zkm_ntt_kernel_generic(field, data, log_n, batch, flags, shift, &run);
}
