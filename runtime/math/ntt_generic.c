// SPDX-License-Identifier: MIT
/* NTT kernel, portable C arithmetic. */
#define ZKM_ISA generic
#include "ntt_kernels.h"
