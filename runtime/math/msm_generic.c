// SPDX-License-Identifier: MIT
/* MSM kernel, portable C arithmetic. */
#define ZKM_ISA generic
#include "msm_kernels.h"
