// SPDX-License-Identifier: MIT
/* NTT kernel with MULX/ADX multiplication; only called after a CPUID check. */
#include "kernels.h"

#if ZKM_HAVE_ADX_KERNELS
#define ZKM_USE_ADX 1
#define ZKM_ISA adx
#include "ntt_kernels.h"
#endif
